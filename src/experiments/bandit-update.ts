/**
 * Moves a bandit experiment's weights (core/experiments/bandit.ts) on its cadence: only while it runs, at most
 * once per `cadenceHours`, and only once every arm has `minUnits` clean units on the first metric. The new
 * weights replace the definition's (so `assign` uses them for people not yet assigned; people already assigned
 * keep their arm: stickiness wins) and are appended to the weight history with the reason; the first update also
 * records the weights it started from.
 *
 * GrowthBook's SDKs assign by the weights they are given, so a GrowthBook SDK agrees with Tessera only while it is
 * given the current weights; the hashing stays compatible.
 */
import { totals, totalsKey, UNITS, emptySums } from '../core/experiments/aggregates.js';
import { banditReady, topTwoThompsonWeights } from '../core/experiments/bandit.js';
import { metricsOf } from '../core/experiments/experiment.js';
import { meanEstimate, ratioEstimate } from '../core/experiments/statistics/arm-estimates.js';
import type { Store } from '../ports/store.js';

export interface BanditDeps {
  store: Store;
  now: () => number;
  /** Told when the weights changed (ingest's cached plans). */
  onChange?: (workspaceId: string) => void;
}

export type BanditOutcome =
  | { updated: true; weights: number[] }
  | { updated: false; reason: 'not_found' | 'not_bandit' | 'not_running' | 'no_metric' | 'too_early' | 'too_few_units' | 'changed_meanwhile' };

const HOUR = 3_600_000;

export async function updateBanditWeights(deps: BanditDeps, workspaceId: string, key: string): Promise<BanditOutcome> {
  const stored = await deps.store.experiments.get(workspaceId, key);
  if (!stored) return { updated: false, reason: 'not_found' };
  const { experiment } = stored;
  const bandit = experiment.bandit;
  if (!bandit) return { updated: false, reason: 'not_bandit' };
  if (experiment.status !== 'running') return { updated: false, reason: 'not_running' };
  const metric = metricsOf(experiment)[0];
  if (!metric) return { updated: false, reason: 'no_metric' };
  const now = deps.now();
  const history = await deps.store.experiments.weightHistory(workspaceId, key);
  const last = history.at(-1);
  if (last && now - last.at < bandit.cadenceHours * HOUR) return { updated: false, reason: 'too_early' };
  const all = totals(await deps.store.experiments.aggregates(workspaceId, key, stored.metricsGeneration));
  const arms = experiment.variations.map((_, i) => {
    const sums = { ...(all.get(totalsKey(i, metric.id)) ?? emptySums()), units: all.get(totalsKey(i, UNITS))?.units ?? 0 };
    return metric.kind === 'ratio' ? ratioEstimate(sums) : meanEstimate(sums);
  });
  if (!banditReady(arms, bandit.minUnits)) return { updated: false, reason: 'too_few_units' };
  const weights = topTwoThompsonWeights(arms, { floor: bandit.floor, beta: bandit.beta, higherIsBetter: metric.higherIsBetter, seed: history.length + 1 });
  if (history.length === 0) await deps.store.experiments.recordWeights(workspaceId, key, { at: stored.updatedAt, weights: experiment.variations.map((v) => v.weight), reason: 'definition' });
  // Names the version read above: a marketer's change in between wins; the next round weighs again.
  const written = await deps.store.experiments.update({ ...stored, experiment: { ...experiment, variations: experiment.variations.map((v, i) => ({ ...v, weight: weights[i]! })) }, updatedAt: now }, { ifUpdatedAt: stored.updatedAt });
  if (!written) return { updated: false, reason: 'changed_meanwhile' };
  await deps.store.experiments.recordWeights(workspaceId, key, { at: now, weights, reason: 'bandit' });
  deps.onChange?.(workspaceId);
  return { updated: true, weights };
}

/** Runs `updateBanditWeights` for every bandit of every workspace, every `intervalMs` (one at a time). */
export class BanditScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: BanditDeps & { onError: (error: unknown) => void }, private readonly intervalMs = 60_000) {}

  start(): void {
    this.timer = setInterval(() => { if (!this.running) this.running = this.tick().finally(() => { this.running = null; }); }, this.intervalMs);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    try {
      for (const workspace of await this.deps.store.workspaces.list()) {
        for (const { experiment } of await this.deps.store.experiments.list(workspace.id)) {
          if (experiment.bandit && experiment.status === 'running') await updateBanditWeights(this.deps, workspace.id, experiment.key);
        }
      }
    } catch (error) {
      this.deps.onError(error);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
