/**
 * Fitting personas end to end on a real SQLite store: planted groups of people with distinct
 * content, time and channel habits, sent through the real ingest, are recovered as personas;
 * everyone gets persona probabilities on the profile; the stored model holds aggregates only; a
 * refit keeps the ids. The fit runs in a worker thread once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { parseFeatureDefinition, type FeatureDefinition } from '../../src/core/personas/feature-definition.js';
import { DEFAULT_PRIVACY_SETTINGS } from '../../src/core/privacy/privacy-settings.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../../src/ingest/process-batch.js';
import { createLeadScoringSettings } from '../../src/lead-scoring/lead-scoring-settings.js';
import { fitPersonas, type FitProgress } from '../../src/personas/fit-personas.js';
import { fitInWorker } from '../../src/personas/fit-worker.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { events, newWorkspace } from '../../src/storage/contract/contract-fixtures.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { createWebhookList } from '../../src/webhooks/webhook-list.js';
import { tempDir } from '../support/tessera-under-test.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday
const now = () => T0 + 3 * DAY;
const dir = tempDir('tessera-personas-');
let store: SqliteStore;
before(() => { store = openSqliteStore({ file: join(dir.path, 't.db'), sync: 'normal' }); });
after(async () => { await store.close(); dir.remove(); });

const GROUPS = [
  { name: 'factory', hour: 20, pages: ['factory/robots', 'factory/plc', 'factory/mes'], utm: '' },
  { name: 'energy', hour: 8, pages: ['energy/solar', 'energy/grid'], utm: '' },
  { name: 'pricing', hour: 14, pages: ['pricing/plans', 'pricing/compare', 'pricing/faq', 'pricing/contact', 'pricing/calc'], utm: '?utm_source=newsletter&utm_medium=email' },
];
const PER_GROUP = 30;

function definition(input: object): FeatureDefinition {
  const parsed = parseFeatureDefinition(input, DEFAULT_PRIVACY_SETTINGS);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.definition;
}

describe('fitting personas', () => {
  let ws: string;
  let deps: Parameters<typeof fitPersonas>[0];
  const truth = new Map<string, string>();

  before(async () => {
    ws = await newWorkspace(store);
    const newMessageId = () => `tessera-${randomUUID()}`;
    const batchDeps: ProcessBatchDeps = {
      guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId,
      leadScoring: { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now },
    };
    const privacy = createPrivacyContexts(store, now);
    deps = { store, privacy, derive: createDerivedSteps(batchDeps), now };
    const inputs: Array<Record<string, unknown> & { at: number }> = [];
    GROUPS.forEach((g, gi) => {
      for (let i = 0; i < PER_GROUP; i++) {
        const anonymousId = `${g.name}-${i}`;
        truth.set(anonymousId, g.name);
        g.pages.forEach((path, pi) => {
          for (const day of [0, 1]) {
            const at = T0 + day * DAY + g.hour * 3_600_000 + pi * 60_000 + i * 1000 + gi;
            inputs.push({ type: 'page', anonymousId, properties: { url: `https://x.test/${path}${pi === 0 ? g.utm : ''}` }, at });
          }
        });
      }
    });
    const context = await privacy.get(ws);
    await store.write((tx) => createProcessBatch(batchDeps)(tx, ws, events(ws, inputs), context));
  });

  const DEFINITION = () => definition({ profilingPurposes: ['analytics'], categories: ['factory', 'energy', 'pricing'] });

  test('without a legal basis nobody is fitted: profiling rests on consent nobody gave', async () => {
    const outcome = await fitPersonas(deps, { workspaceId: ws, definition: definition({ categories: ['factory'] }), selection: { minSize: 10 } });
    assert.deepEqual(outcome, { ok: false, reason: 'no profiles to fit', eligible: 0 });
    assert.equal(await store.personas.currentModel(ws), null);
  });

  test('recovers the planted groups, assigns everyone on the profile, stores aggregates only', async () => {
    const seen: FitProgress[] = [];
    const outcome = await fitPersonas(deps, { workspaceId: ws, definition: DEFINITION(), selection: { minSize: 10, maxComponents: 6 }, pageSize: 25, onProgress: (p) => seen.push(p) });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.version, 1);
    assert.equal(outcome.eligible, 90);
    assert.equal(outcome.model.personas.length, 3);
    assert.equal(outcome.assigned + outcome.unassigned, 90);
    assert.deepEqual([...new Set(seen.map((p) => p.phase))], ['sample', 'fit', 'assign']);
    assert.deepEqual(seen.at(-1), { phase: 'assign', done: 90, total: 90 });

    // Each planted group is one persona, and each persona one group.
    const personaOf = new Map<string, string | null>();
    for (const anonymousId of truth.keys()) {
      const id = await store.profiles.resolve(ws, anonymousId);
      const profile = (await store.profiles.get(ws, id!))!;
      assert.equal(profile.persona?.modelVersion, 1);
      const sum = Object.values(profile.persona!.probabilities).reduce((s, p) => s + p, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9);
      personaOf.set(anonymousId, profile.persona!.personaId);
    }
    const byGroup = new Map<string, Set<string | null>>();
    for (const [anonymousId, group] of truth) byGroup.set(group, (byGroup.get(group) ?? new Set()).add(personaOf.get(anonymousId)!));
    for (const [group, personas] of byGroup) assert.equal(personas.size, 1, `${group} split over ${[...personas].join(', ')}`);
    assert.equal(new Set([...byGroup.values()].map((s) => [...s][0])).size, 3);
    assert.ok(![...personaOf.values()].includes(null));

    // The labels name the planted distinguishing feature of each group.
    const factoryPersona = personaOf.get('factory-0')!;
    const factory = outcome.model.personas.find((p) => p.id === factoryPersona)!;
    assert.ok(factory.distinguishing.some((e) => e.feature === 'category:factory' && e.effectSize > 0), factory.description);

    const stored = JSON.stringify(await store.personas.currentModel(ws));
    for (const anonymousId of ['factory-0', 'energy-7', 'pricing-29']) {
      assert.ok(!stored.includes(anonymousId));
      assert.ok(!stored.includes((await store.profiles.resolve(ws, anonymousId))!));
    }
  });

  test('a refit in a worker thread keeps every persona id', async () => {
    const before = (await store.personas.currentModel(ws))!;
    const outcome = await fitPersonas({ ...deps, runFit: fitInWorker }, { workspaceId: ws, definition: DEFINITION(), seed: 7, selection: { minSize: 10, maxComponents: 6 } });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.version, 2);
    assert.deepEqual(outcome.model.changes, { born: [], vanished: [], splits: [] });
    assert.deepEqual(outcome.model.personas.map((p) => p.id).sort(), before.personas.map((p) => p.id).sort());
  });
});
