/**
 * The before/after report of a personalization measure (`GET /v1/measures/before-after`): the KPI of the people
 * who get personalization before and after `at`, with its interval, against the same change in the global holdout
 * (difference-in-differences, core/experiments/statistics/difference-in-differences.ts), so that a season or a
 * campaign that moved everyone does not pass for the measure's effect.
 *
 * It reads every live profile's stored events page by page (store.segments.profileIds / eventsByProfile, as a
 * segment backfill does): its cost grows with the workspace's people and events, so it is an admin report, not a
 * dashboard tile. Only the four cells' sums leave this function; no person is named in the answer.
 */
import { TesseraError } from '../core/errors.js';
import type { TrackedEvent } from '../core/events/event.js';
import { parseBeforeAfterQuery, periodsOf, periodValue, REUSABLE_KINDS, type BeforeAfterQuery } from '../core/experiments/before-after.js';
import { metricsOf } from '../core/experiments/experiment.js';
import { isInHoldout, type HoldoutSettings } from '../core/experiments/holdout.js';
import type { Metric } from '../core/experiments/metric.js';
import { beforeAfter, differenceInDifferences, summary, type CellSums, type Difference, type CellSummary } from '../core/experiments/statistics/difference-in-differences.js';
import { toIso, type EpochMs } from '../core/time.js';
import type { Store } from '../ports/store.js';

export interface BeforeAfterDeps {
  store: Store;
  now: () => EpochMs;
  /** The workspace's holdout share (experiment settings). */
  settings: (workspaceId: string) => Promise<HoldoutSettings>;
  /** Profiles read per page (default 500). */
  pageSize?: number;
}

interface GroupResult { before: CellSummary; after: CellSummary; change: Difference | null }

export interface BeforeAfterReport {
  at: string;
  days: number;
  alpha: number;
  periods: { before: { from: string; to: string }; after: { from: string; to: string } };
  metric: { id: string; name: string; kind: Metric['kind']; event: string; valueProperty: string | null; experiment: string | null };
  holdoutShare: number;
  /** People who get personalization: their change after − before is the naive before/after. */
  treated: GroupResult;
  holdout: GroupResult;
  /** The treated group's change minus the holdout's: the measure's effect with the common trend taken out. */
  differenceInDifferences: Difference | null;
  warnings: Array<{ code: 'no_holdout' | 'too_few_people' | 'period_not_over'; message: string }>;
}

const empty = (): CellSums => ({ n: 0, sum: 0, sumSq: 0 });
const add = (c: CellSums, y: number) => { c.n++; c.sum += y; c.sumSq += y * y; };

/** The holdout unit of a person from their events: a user id when one is known, else the first anonymous id. */
function holdoutUnit(events: readonly TrackedEvent[]): string | undefined {
  let anonymous: string | undefined;
  for (const e of events) {
    if (e.userId) return e.userId;
    anonymous ??= e.anonymousId ?? undefined;
  }
  return anonymous;
}

async function metricOf(store: Store, workspaceId: string, query: BeforeAfterQuery): Promise<{ metric: Metric; experiment: string | null }> {
  if (query.metric) return { metric: query.metric, experiment: null };
  const { experiment: key, metric: id } = query.reuse!;
  const stored = await store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('invalid_query', { issues: [{ field: 'experiment', reason: `no experiment "${key}"` }] });
  const metric = metricsOf(stored.experiment).find((m) => m.id === id);
  if (!metric) throw new TesseraError('invalid_query', { issues: [{ field: 'metric', reason: `the experiment "${key}" has no metric "${id}"` }] });
  if (!REUSABLE_KINDS.includes(metric.kind) || !('event' in metric.numerator)) throw new TesseraError('invalid_query', { issues: [{ field: 'metric', reason: `is a ${metric.kind} metric; a before/after compares per-person values: ${REUSABLE_KINDS.join(', ')}` }] });
  return { metric, experiment: key };
}

export async function beforeAfterReport(deps: BeforeAfterDeps, workspaceId: string, params: Record<string, unknown>): Promise<BeforeAfterReport> {
  const { query, issues } = parseBeforeAfterQuery(params);
  if (!query) throw new TesseraError('invalid_query', { issues });
  const { metric, experiment } = await metricOf(deps.store, workspaceId, query);
  const settings = await deps.settings(workspaceId);
  const { before, after } = periodsOf(query);
  const cells = { treatedBefore: empty(), treatedAfter: empty(), holdoutBefore: empty(), holdoutAfter: empty() };

  let cursor: string | undefined;
  for (;;) {
    const ids = await deps.store.segments.profileIds(workspaceId, { limit: deps.pageSize ?? 500, ...(cursor !== undefined ? { after: cursor } : {}) });
    if (ids.length === 0) break;
    cursor = ids[ids.length - 1];
    const events = await deps.store.segments.eventsByProfile(workspaceId, ids);
    for (const list of events.values()) {
      const b = periodValue(metric, list, before.from, before.to);
      const a = periodValue(metric, list, after.from, after.to);
      if (a === null && b === null) continue;
      const unit = holdoutUnit(list);
      const held = unit !== undefined && isInHoldout(settings, unit);
      if (b !== null) add(held ? cells.holdoutBefore : cells.treatedBefore, b);
      if (a !== null) add(held ? cells.holdoutAfter : cells.treatedAfter, a);
    }
  }

  const warnings: BeforeAfterReport['warnings'] = [];
  const share = settings.holdoutShare ?? 0.05;
  if (!(share > 0)) warnings.push({ code: 'no_holdout', message: 'the global holdout is off (holdoutShare 0): without it, nothing separates the measure from a change that hit everyone' });
  else if ([cells.holdoutBefore, cells.holdoutAfter].some((c) => c.n < 30)) warnings.push({ code: 'too_few_people', message: 'fewer than 30 people of the holdout in a period: the difference-in-differences is too uncertain to read' });
  if (after.to > deps.now()) warnings.push({ code: 'period_not_over', message: `the period after ends ${toIso(after.to)}, in the future: its figures are partial` });

  // A conversion KPI is 0/1 per person: its intervals are the adjusted ones for proportions (see the statistics file).
  const options = { proportions: metric.kind === 'conversion' };
  const group = (b: CellSums, a: CellSums): GroupResult => ({ before: summary(b), after: summary(a), change: beforeAfter(b, a, query.alpha, options) });
  const source = metric.numerator as { event: string; valueProperty: string | null };
  return {
    at: toIso(query.at), days: query.days, alpha: query.alpha,
    periods: { before: { from: toIso(before.from), to: toIso(before.to) }, after: { from: toIso(after.from), to: toIso(after.to) } },
    metric: { id: metric.id, name: metric.name, kind: metric.kind, event: source.event, valueProperty: source.valueProperty, experiment },
    holdoutShare: share,
    treated: group(cells.treatedBefore, cells.treatedAfter),
    holdout: group(cells.holdoutBefore, cells.holdoutAfter),
    differenceInDifferences: differenceInDifferences(cells, query.alpha, options),
    warnings,
  };
}
