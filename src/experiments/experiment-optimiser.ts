/**
 * The experiment optimiser and monitor (issue 16 §4): a background worker that looks at every running experiment
 * on a cadence (the server starts and stops it; ingest never waits for it), reads its aggregates, and
 *
 * - **monitors**: a sample ratio mismatch or a breached guardrail (core/experiments/optimisation.ts,
 *   `monitorAlerts`) is kept on the experiment (`alerts`, shown in the results) and announced by webhook
 *   (`experiment.srm_detected`, `experiment.guardrail_breached`), once per experiment and condition;
 * - **optimises** by the marketer's rule (`optimisation`, `decideOptimisation`): `rollout` concludes the experiment
 *   (status `concluded`, the conclusion kept on it) so that every slot naming it shows the winner to everyone it
 *   reaches (decisions/slot-experiments.ts), writes an audit entry (`experiment.concluded`, actor `system`) and
 *   announces `experiment.concluded`; `bandit` hands the traffic to the bandit (bandit-update.ts) and audits it.
 *
 * The change is written first, then audited and announced: a crash in between loses the announcement rather than
 * sending one for a change that was not made. Webhook deliveries go through the outbox and the delivery worker
 * (SSRF-checked, signed, retried), as profile changes do.
 */
import { analyseExperiment } from '../core/experiments/analyse-experiment.js';
import { DEFAULT_BANDIT } from '../core/experiments/bandit.js';
import { normalizeExperiment, type Experiment } from '../core/experiments/experiment.js';
import { decideOptimisation, manualConclusion, monitorAlerts } from '../core/experiments/optimisation.js';
import { TesseraError } from '../core/errors.js';
import { metricsOf } from '../core/experiments/experiment.js';
import type { Conclusion, ExperimentAlert } from '../core/experiments/optimisation-settings.js';
import type { JsonObject } from '../core/events/event.js';
import { experimentWebhookPayload, NO_PROFILE, type ExperimentWebhookEvent } from '../core/webhooks/experiment-payload.js';
import type { StoredExperiment } from '../ports/experiment-store.js';
import type { Store } from '../ports/store.js';
import type { WebhookDelivery } from '../ports/webhook-store.js';

export interface OptimiserDeps {
  store: Store;
  now: () => number;
  newDeliveryId: () => string;
  /** Told when a definition changed (ingest's cached plans, decide's cached definitions). */
  onChange?: (workspaceId: string) => void;
  /** Told when deliveries were queued (wakes the delivery worker). */
  onQueued?: () => void;
}

export type OptimiserOutcome = {
  raised: ExperimentAlert[];
  action: 'none' | 'concluded' | 'handed_to_bandit';
  reason?: string;
  conclusion?: Conclusion;
};

/** The actor of the optimiser's audit entries. */
export const OPTIMISER_ACTOR = 'system:experiment-optimiser';

export async function optimiseExperiment(deps: OptimiserDeps, workspaceId: string, key: string): Promise<OptimiserOutcome> {
  const stored = await deps.store.experiments.get(workspaceId, key);
  if (!stored || stored.experiment.status !== 'running') return { raised: [], action: 'none', reason: 'not_running' };
  const experiment = normalizeExperiment(stored.experiment);
  const analysed = analyseExperiment(experiment, await deps.store.experiments.aggregates(workspaceId, key, stored.metricsGeneration));
  const at = deps.now();
  const known = new Set((experiment.alerts ?? []).map((a) => a.code));
  const raised = monitorAlerts(analysed, at).filter((a) => !known.has(a.code));
  let current: StoredExperiment = stored;
  // Every write names the version read above: a marketer's change in between wins, and this run does nothing more
  // (the next round reads the change).
  const changedMeanwhile: OptimiserOutcome = { raised: [], action: 'none', reason: 'changed_meanwhile' };
  if (raised.length > 0) {
    current = { ...current, experiment: { ...current.experiment, alerts: [...(experiment.alerts ?? []), ...raised] }, updatedAt: at };
    if (!(await deps.store.experiments.update(current, { ifUpdatedAt: stored.updatedAt }))) return changedMeanwhile;
    await announce(deps, workspaceId, experiment, raised.map((a) => ({ type: a.kind === 'sample_ratio_mismatch' ? 'experiment.srm_detected' : 'experiment.guardrail_breached', data: alertData(a) })), at);
  }

  const settings = experiment.optimisation ?? null;
  if (settings?.mode === 'bandit' && experiment.bandit) return { raised, action: 'none', reason: 'handed_to_bandit' };
  const decision = decideOptimisation(settings, analysed);
  if (!decision.decided) return { raised, action: 'none', reason: decision.reason };

  if (decision.action === 'handToBandit') {
    const bandit = { ...DEFAULT_BANDIT, minUnits: settings!.minUnitsPerArm };
    if (!(await deps.store.experiments.update({ ...current, experiment: { ...current.experiment, bandit }, updatedAt: at }, { ifUpdatedAt: current.updatedAt }))) return { ...changedMeanwhile, raised };
    deps.onChange?.(workspaceId);
    await deps.store.privacy.audit({ workspaceId, at, actor: OPTIMISER_ACTOR, action: 'experiment.handed_to_bandit', subject: null, details: { experiment: key, bandit: { ...bandit } } });
    return { raised, action: 'handed_to_bandit' };
  }

  const slots = (await deps.store.decisions.listSlots(workspaceId)).filter((s) => s.experiment === key).map((s) => s.id).sort();
  const winner = experiment.variations[decision.winner]!;
  const conclusion: Conclusion = {
    winner: { index: decision.winner, id: winner.id }, decidedBy: decision.decidedBy, metric: settings!.metric, lift: decision.lift, evidence: decision.evidence, at,
    applied: { kind: 'rollout', slots },
  };
  if (!(await deps.store.experiments.update({ ...current, experiment: { ...current.experiment, status: 'concluded', conclusion }, updatedAt: at }, { ifUpdatedAt: current.updatedAt }))) return { ...changedMeanwhile, raised };
  deps.onChange?.(workspaceId);
  const data = conclusionData(conclusion);
  await deps.store.privacy.audit({ workspaceId, at, actor: OPTIMISER_ACTOR, action: 'experiment.concluded', subject: null, details: { experiment: key, ...data } });
  await announce(deps, workspaceId, experiment, [{ type: 'experiment.concluded', data }], at);
  return { raised, action: 'concluded', conclusion };
}

/**
 * Concludes a running or stopped experiment by hand (`POST /v1/experiments/{key}/conclude`, body `{winner}`: a
 * variation id): as the optimiser's roll-out does — status `concluded`, every slot naming the experiment shows the
 * winner to everyone it reaches, an audit entry under the person who did it, `experiment.concluded` announced —
 * with `decidedBy: "manual"` and the results' evidence for the winner on the optimisation metric (else the first).
 * Throws not_found, invalid_body (`winner`), or conflict (already concluded, a draft, or changed meanwhile).
 */
export async function concludeByHand(deps: OptimiserDeps, workspaceId: string, key: string, body: unknown, actor: string): Promise<Conclusion> {
  const stored = await deps.store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('not_found', { message: `No experiment "${key}".` });
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
  const winnerId = fields.winner;
  const experiment = normalizeExperiment(stored.experiment);
  const extra = Object.keys(fields).filter((k) => k !== 'winner');
  const index = typeof winnerId === 'string' ? experiment.variations.findIndex((v) => v.id === winnerId) : -1;
  const issues = [
    ...(index < 0 ? [{ field: 'winner', reason: typeof winnerId === 'string' ? `no variation "${winnerId}" in this experiment (${experiment.variations.map((v) => v.id).join(', ')})` : 'must be the id of one of the experiment\'s variations' }] : []),
    ...extra.map((field) => ({ field, reason: 'is not a field of a conclusion' })),
  ];
  if (issues.length > 0) throw new TesseraError('invalid_body', { message: 'The conclusion is invalid.', issues });
  if (experiment.status !== 'running' && experiment.status !== 'stopped') {
    throw new TesseraError('conflict', { message: experiment.status === 'concluded' ? `The experiment "${key}" is already concluded.` : `The experiment "${key}" is a draft: it has no results to conclude.` });
  }
  const analysed = analyseExperiment(experiment, await deps.store.experiments.aggregates(workspaceId, key, stored.metricsGeneration));
  const metric = experiment.optimisation?.metric ?? metricsOf(experiment)[0]?.id ?? '';
  const slots = (await deps.store.decisions.listSlots(workspaceId)).filter((s) => s.experiment === key).map((s) => s.id).sort();
  const at = deps.now();
  const conclusion = manualConclusion(analysed, { index, id: experiment.variations[index]!.id }, metric, at, slots);
  if (!(await deps.store.experiments.update({ ...stored, experiment: { ...stored.experiment, status: 'concluded', conclusion }, updatedAt: at }, { ifUpdatedAt: stored.updatedAt }))) {
    throw new TesseraError('conflict', { message: `The experiment "${key}" changed meanwhile; look at it again.` });
  }
  deps.onChange?.(workspaceId);
  const data = conclusionData(conclusion);
  await deps.store.privacy.audit({ workspaceId, at, actor, action: 'experiment.concluded', subject: null, details: { experiment: key, ...data } });
  await announce(deps, workspaceId, experiment, [{ type: 'experiment.concluded', data }], at);
  return conclusion;
}

/** A conclusion as the webhook, the audit entry and the results show it (ISO time). */
export function conclusionData(c: Conclusion): JsonObject {
  return {
    winner: { ...c.winner }, decidedBy: c.decidedBy, metric: c.metric, lift: c.lift, evidence: JSON.parse(JSON.stringify(c.evidence)) as JsonObject,
    at: new Date(c.at).toISOString(), applied: { kind: c.applied.kind, slots: [...c.applied.slots] },
  };
}

export function alertData(a: ExperimentAlert): JsonObject {
  return JSON.parse(JSON.stringify({ ...a, at: new Date(a.at).toISOString() })) as JsonObject;
}

/** Queues one delivery per announcement and active webhook that subscribes to it, in one write. */
async function announce(deps: OptimiserDeps, workspaceId: string, experiment: Experiment, items: Array<{ type: ExperimentWebhookEvent; data: JsonObject }>, at: number): Promise<void> {
  const webhooks = (await deps.store.webhooks.list(workspaceId)).filter((w) => w.active);
  const deliveries: WebhookDelivery[] = [];
  for (const item of items) {
    for (const webhook of webhooks) {
      if (!webhook.events.includes(item.type)) continue;
      const id = deps.newDeliveryId();
      const payload = experimentWebhookPayload({ deliveryId: id, type: item.type, at, workspaceId, experiment, data: item.data });
      deliveries.push({ id, workspaceId, webhookId: webhook.id, profileId: NO_PROFILE, event: item.type, payload: JSON.stringify(payload), status: 'pending', attempts: 0, nextAttemptAt: at, createdAt: at, deliveredAt: null, log: [] });
    }
  }
  if (deliveries.length === 0) return;
  await deps.store.write((tx) => tx.apply({ workspaceId, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents: [], counters: [], deliveries }));
  deps.onQueued?.();
}

/** Runs `optimiseExperiment` for every running experiment of every workspace, every `intervalMs` (one tick at a time). */
export class ExperimentOptimiser {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: OptimiserDeps & { onError: (error: unknown) => void }, private readonly intervalMs = 60_000) {}

  start(): void {
    this.timer = setInterval(() => { if (!this.running) this.running = this.tick().finally(() => { this.running = null; }); }, this.intervalMs);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    for (const workspace of await this.deps.store.workspaces.list().catch((error: unknown) => { this.deps.onError(error); return []; })) {
      for (const { experiment } of await this.deps.store.experiments.list(workspace.id).catch((error: unknown) => { this.deps.onError(error); return []; })) {
        if (experiment.status !== 'running') continue;
        // One experiment's failure does not stop the others.
        try { await optimiseExperiment(this.deps, workspace.id, experiment.key); } catch (error) { this.deps.onError(error); }
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
