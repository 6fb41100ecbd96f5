/**
 * The experiment optimiser and monitor (experiments/experiment-optimiser.ts) on a real store with a real webhook
 * receiver on 127.0.0.1:
 *
 * - a slot experiment with `optimisation: rollout` and a clear winner (seeded conversions) is concluded: the
 *   results show the conclusion, decide shows the winner to a visitor whose hash says the loser, the audit log has
 *   the entry, and the receiver gets one signed `experiment.concluded`; later ticks do nothing more;
 * - an experiment whose exposures are skewed on purpose and whose treatment worsens a guardrail raises
 *   `experiment.srm_detected` and `experiment.guardrail_breached` once each (the results list both alerts) and is
 *   not rolled out while the sample ratio mismatches;
 * - `optimisation: bandit` hands the traffic to the bandit once every arm has its minimum sample;
 * - validation names every failing field of `optimisation`, and the optimiser's state cannot be set by a body.
 *
 * Run against both stores (experiment-optimiser.test.ts, experiment-optimiser-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { assignVariation } from '../../src/core/experiments/assign-variation.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { verifySignature } from '../../src/core/webhooks/signature.js';
import { EXPERIMENT_TTL_MS } from '../../src/decisions/slot-experiments.js';
import { optimiseExperiment, OPTIMISER_ACTOR, type OptimiserDeps } from '../../src/experiments/experiment-optimiser.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, type Json } from './api-helpers.js';

const WEBHOOKS = { deliver: true, maxAttempts: 3, retryBaseSeconds: 0.2, retryMaxSeconds: 0.2, timeoutSeconds: 5, logRetentionDays: 30, allow: ['127.0.0.1'] };

export function experimentOptimiserSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let receiver: WebhookReceiver;
  let secret: string;
  let deps: OptimiserDeps;
  const call = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };
  const received = (type: string) => receiver.received.filter((r) => (JSON.parse(r.body) as Json).type === type).map((r) => ({ ...r, json: JSON.parse(r.body) as Json }));

  /** Exposes `n` people per arm (client `Experiment Viewed`) and converts each with the arm's rate (seeded); events in one batch. */
  async function simulate(key: string, arms: Array<{ id: string; people: number; rate: number; extra?: string; extraRate?: number }>, seed: number) {
    const random = seededRandom(seed);
    const base = Date.now() - 60_000;
    const batch: Json[] = [];
    for (const arm of arms) {
      for (let i = 0; i < arm.people; i++) {
        const anonymousId = `${key}-${seed}-${arm.id}-${i}`;
        batch.push({ type: 'track', anonymousId, event: 'Experiment Viewed', properties: { experiment_id: key, variation_id: arm.id }, timestamp: new Date(base).toISOString() });
        if (random() < arm.rate) batch.push({ type: 'track', anonymousId, event: 'Demo Requested', timestamp: new Date(base + 1000).toISOString() });
        if (arm.extra && random() < (arm.extraRate ?? 0)) batch.push({ type: 'track', anonymousId, event: arm.extra, timestamp: new Date(base + 2000).toISOString() });
      }
    }
    for (let i = 0; i < batch.length; i += 500) assertAccepted(await t.collect('/v1/batch', { batch: batch.slice(i, i + 500) }));
  }

  before(async () => {
    receiver = await startWebhookReceiver();
    t = await start({ segmentScheduler: false, webhooks: WEBHOOKS } as Partial<Config>);
    deps = { store: t.tessera.store, now: Date.now, newDeliveryId: (() => { let n = 0; return () => `dlv_opt_${++n}_${Date.now()}`; })() };
    json(await call('PUT', '/v1/experiment-settings', { holdoutShare: 0 }));
    const hook = json(await call('POST', '/v1/webhooks', { url: receiver.url, events: ['experiment.concluded', 'experiment.guardrail_breached', 'experiment.srm_detected'] }), 201);
    secret = hook.secret;
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  it('concludes a slot experiment with a clear winner, rolls it out on decide, audits and announces it once', async () => {
    json(await call('POST', '/v1/experiments', {
      key: 'hero-auto', name: 'Hero auto', status: 'running', variations: [{ id: 'calm', weight: 0.5 }, { id: 'bold', weight: 0.5 }],
      goal: { event: 'Demo Requested', windowHours: 24 }, optimisation: { mode: 'rollout', decideBy: 'sequential', minUnitsPerArm: 200 }, analysis: { expectedUnits: 800 },
    }), 201);
    json(await call('POST', '/v1/slots', { id: 'hero', name: 'Hero', channel: 'any', defaultVariantId: 'general', experiment: 'hero-auto', variants: [
      { id: 'general', body: 'For everyone', format: 'text' }, { id: 'calm', body: 'Calm', format: 'text' }, { id: 'bold', body: 'Bold', format: 'text' },
    ] }), 201);
    // Too few units: nothing is decided.
    await simulate('hero-auto', [{ id: 'calm', people: 50, rate: 0.2 }, { id: 'bold', people: 50, rate: 0.4 }], 1);
    assert.deepEqual(await optimiseExperiment(deps, 'default', 'hero-auto'), { raised: [], action: 'none', reason: 'too_few_units' });
    await simulate('hero-auto', [{ id: 'calm', people: 400, rate: 0.2 }, { id: 'bold', people: 400, rate: 0.4 }], 2);

    const outcome = await optimiseExperiment(deps, 'default', 'hero-auto');
    assert.equal(outcome.action, 'concluded', JSON.stringify(outcome));
    assert.deepEqual(outcome.conclusion!.winner, { index: 1, id: 'bold' });
    assert.deepEqual(outcome.conclusion!.applied, { kind: 'rollout', slots: ['hero'] });

    const results = json(await call('GET', '/v1/experiments/hero-auto/results'));
    assert.equal(results.status, 'concluded');
    assert.equal(results.conclusion.winner.id, 'bold');
    assert.equal(results.conclusion.decidedBy, 'sequential');
    assert.ok(results.conclusion.lift > 0.5 && results.conclusion.evidence.interval[0] > 0, JSON.stringify(results.conclusion));
    assert.deepEqual(results.alerts, []);

    // Decide: a visitor GrowthBook's hashing puts in `calm` now sees `bold`.
    await new Promise((resolve) => setTimeout(resolve, EXPERIMENT_TTL_MS + 100));
    const calmVisitor = Array.from({ length: 50 }, (_, i) => `visitor-${i}`).find((id) => {
      const a = assignVariation({ key: 'hero-auto', seed: 'hero-auto', hashVersion: 2, weights: [0.5, 0.5], coverage: 1 }, id);
      return a.inExperiment && a.variation === 0;
    })!;
    const decided = json(await t.inject({ method: 'POST', url: '/v1/decide', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, payload: JSON.stringify({ slots: ['hero'], anonymousId: calmVisitor }) })).decisions.hero;
    assert.equal(decided.variant.id, 'bold');
    // Server code asking /assign is told the winner too, and nothing is recorded.
    assert.deepEqual(json(await call('POST', '/v1/experiments/hero-auto/assign', { anonymousId: calmVisitor })), { experiment: 'hero-auto', inExperiment: false, reason: 'concluded', variation: { index: 1, id: 'bold', name: 'bold' } });

    const audit = await t.tessera.store.privacy.auditLog('default', { limit: 20 });
    const entry = audit.entries.find((e) => e.action === 'experiment.concluded');
    assert.ok(entry, 'audited');
    assert.equal(entry.actor, OPTIMISER_ACTOR);
    assert.equal((entry.details as Json).experiment, 'hero-auto');

    await receiver.until((r) => r.some((x) => (JSON.parse(x.body) as Json).type === 'experiment.concluded'));
    const [announced] = received('experiment.concluded');
    assert.equal(announced!.json.experiment.key, 'hero-auto');
    assert.equal(announced!.json.data.winner.id, 'bold');
    assert.equal(announced!.json.data.applied.slots[0], 'hero');
    assert.equal(announced!.json.profile, undefined, 'names no person');
    assert.ok(verifySignature(secret, announced!.body, String(announced!.headers['tessera-signature']), Date.now()), 'signed with the webhook\'s secret');
    assert.equal(announced!.headers['tessera-event'], 'experiment.concluded');

    // A concluded experiment is left alone.
    assert.deepEqual(await optimiseExperiment(deps, 'default', 'hero-auto'), { raised: [], action: 'none', reason: 'not_running' });
    // A PUT that keeps it concluded keeps the conclusion; one that restarts it drops it.
    const again = json(await call('GET', '/v1/experiments/hero-auto'));
    const body = { name: again.name, status: 'concluded', variations: again.variations, goal: again.goal, optimisation: again.optimisation, analysis: again.analysis };
    assert.equal(json(await call('PUT', '/v1/experiments/hero-auto', body)).conclusion.winner.id, 'bold');
    assert.equal(json(await call('PUT', '/v1/experiments/hero-auto', { ...body, status: 'running' })).conclusion, null);
  });

  it('a marketer\'s change made while the optimiser decides wins: the optimiser writes nothing over it', async () => {
    json(await call('POST', '/v1/experiments', {
      key: 'raced', name: 'Raced', status: 'running', variations: [{ id: 'calm', weight: 0.5 }, { id: 'bold', weight: 0.5 }],
      goal: { event: 'Demo Requested', windowHours: 24 }, optimisation: { mode: 'rollout', decideBy: 'sequential', minUnitsPerArm: 200 }, analysis: { expectedUnits: 800 },
    }), 201);
    await simulate('raced', [{ id: 'calm', people: 400, rate: 0.2 }, { id: 'bold', people: 400, rate: 0.4 }], 5);
    // The real store; the marketer stops the experiment (through the API) after the optimiser has read it.
    const store = t.tessera.store;
    const marketerStops = async () => {
      const current = json(await call('GET', '/v1/experiments/raced'));
      json(await call('PUT', '/v1/experiments/raced', { name: current.name, status: 'stopped', variations: current.variations, goal: current.goal, optimisation: current.optimisation, analysis: current.analysis }));
    };
    const experiments = new Proxy(store.experiments, {
      get: (target, name) => name === 'aggregates'
        ? async (...args: Parameters<typeof target.aggregates>) => { await marketerStops(); return target.aggregates(...args); }
        : Reflect.get(target, name),
    });
    const racing: OptimiserDeps = { ...deps, store: new Proxy(store, { get: (target, name) => (name === 'experiments' ? experiments : Reflect.get(target, name)) }) };
    assert.deepEqual(await optimiseExperiment(racing, 'default', 'raced'), { raised: [], action: 'none', reason: 'changed_meanwhile' });
    const after = json(await call('GET', '/v1/experiments/raced'));
    assert.equal(after.status, 'stopped', 'the marketer\'s stop stays');
    assert.equal(after.conclusion, null, 'nothing concluded over it');
    assert.ok(!(await t.tessera.store.privacy.auditLog('default', { limit: 50 })).entries.some((e) => e.action === 'experiment.concluded' && (e.details as Json).experiment === 'raced'));
  });

  it('raises SRM and a guardrail breach once each, by webhook and in the results, and rolls nothing out meanwhile', async () => {
    json(await call('POST', '/v1/experiments', {
      key: 'skewed', name: 'Skewed', status: 'running', variations: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }],
      goal: { event: 'Demo Requested', windowHours: 24 },
      metrics: [{ id: 'unsubscribes', kind: 'conversion', event: 'Unsubscribed', guardrail: true, higherIsBetter: false }],
      optimisation: { mode: 'rollout', decideBy: 'chanceToWin', minUnitsPerArm: 100 },
    }), 201);
    // Twice as many exposures in `a` as the weights allow; `b` converts far better but makes people unsubscribe.
    await simulate('skewed', [{ id: 'a', people: 400, rate: 0.1, extra: 'Unsubscribed', extraRate: 0.02 }, { id: 'b', people: 200, rate: 0.4, extra: 'Unsubscribed', extraRate: 0.3 }], 3);
    const first = await optimiseExperiment(deps, 'default', 'skewed');
    assert.deepEqual(first.raised.map((a) => a.code), ['sample_ratio_mismatch', 'guardrail_breached:unsubscribes:b']);
    assert.equal(first.action, 'none');
    assert.equal(first.reason, 'sample_ratio_mismatch');
    const second = await optimiseExperiment(deps, 'default', 'skewed');
    assert.deepEqual(second.raised, [], 'raised once');

    const results = json(await call('GET', '/v1/experiments/skewed/results'));
    assert.equal(results.status, 'running');
    assert.equal(results.sampleRatio.mismatch, true);
    assert.deepEqual(results.alerts.map((a: Json) => a.kind), ['sample_ratio_mismatch', 'guardrail_breached']);
    assert.equal(results.alerts[1].metric, 'unsubscribes');

    await receiver.until((r) => r.filter((x) => /experiment\.(srm_detected|guardrail_breached)/.test(x.body)).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const srm = received('experiment.srm_detected');
    const guardrail = received('experiment.guardrail_breached');
    assert.equal(srm.length, 1);
    assert.equal(guardrail.length, 1);
    assert.equal(srm[0]!.json.experiment.key, 'skewed');
    assert.ok(srm[0]!.json.data.pValue < 0.001);
    assert.equal(guardrail[0]!.json.data.variation, 'b');
  });

  it('hands the traffic to the bandit once every arm has its minimum sample', async () => {
    json(await call('POST', '/v1/experiments', {
      key: 'to-bandit', name: 'To bandit', status: 'running', variations: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }],
      goal: { event: 'Demo Requested' }, optimisation: { mode: 'bandit', minUnitsPerArm: 60 },
    }), 201);
    await simulate('to-bandit', [{ id: 'a', people: 40, rate: 0.1 }, { id: 'b', people: 40, rate: 0.1 }], 4);
    assert.equal((await optimiseExperiment(deps, 'default', 'to-bandit')).reason, 'too_few_units');
    await simulate('to-bandit', [{ id: 'a', people: 30, rate: 0.1 }, { id: 'b', people: 30, rate: 0.1 }], 5);
    assert.equal((await optimiseExperiment(deps, 'default', 'to-bandit')).action, 'handed_to_bandit');
    const stored = json(await call('GET', '/v1/experiments/to-bandit'));
    assert.equal(stored.bandit.minUnits, 60);
    assert.equal(stored.status, 'running');
    assert.equal((await optimiseExperiment(deps, 'default', 'to-bandit')).reason, 'handed_to_bandit');
    const audit = await t.tessera.store.privacy.auditLog('default', { limit: 50 });
    assert.ok(audit.entries.some((e) => e.action === 'experiment.handed_to_bandit' && (e.details as Json).experiment === 'to-bandit'));
  });

  it('names every failing field of optimisation, and refuses the optimiser\'s state in a body', async () => {
    const error = assertError(await call('POST', '/v1/experiments', {
      key: 'bad-opt', name: 'Bad', variations: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }], goal: { event: 'X' },
      optimisation: { mode: 'always', decideBy: 'magic', chanceToWin: 0.3, minUnitsPerArm: -1, metric: 'revenue' }, conclusion: { winner: 'b' }, alerts: [],
    }), 400, 'invalid_body');
    for (const field of ['optimisation.mode', 'optimisation.decideBy', 'optimisation.chanceToWin', 'optimisation.minUnitsPerArm', 'optimisation.metric', 'conclusion', 'alerts']) assertIssue(error, field, /./);
  });
}
