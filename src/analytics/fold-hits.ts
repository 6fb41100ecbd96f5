/**
 * Folds pending hits (core/analytics/pending-hit.ts) into the web-analytics rollups, in the rollup
 * worker's transaction (rollup-worker.ts): the visits they open and extend, page views, events and
 * visible time per hour × dimension value, and visitor sketches (core/analytics/*).
 *
 * Goals (core/analytics/goal.ts): a hit that converts one of the workspace's goals counts its
 * visit's first conversion of it under the visit's rows.
 *
 * The person's visit index: each visit a profile opens (its start and attributes), for funnel and
 * retention filters (analytics/people-filter.ts); cookieless daily visitors have no profile to index.
 * Person-level rows follow the profile as it is now: a profile merged away since its hits were
 * stored indexes its visits under the survivor and keeps no open visit (the merge dropped it); an
 * erased profile gets neither — its hits still count in the aggregates, which hold no identifiers.
 *
 * Labels (core/analytics/labels.ts): a page view also counts under its title and category, a
 * custom event under each of its properties' values — each dimension with a capped number of
 * values per workspace, later new values counting as `(other)`; one read of the value registry per
 * fold decides, and the values admitted are registered with it.
 *
 * Cost: one read of the visitors' open visits, one of the value registry and one of the touched
 * sketches, one write per changed row; rows collapse within the fold (all the hits of a flush).
 */
import { visitAttributes } from '../core/analytics/hit-of-event.js';
import { HyperLogLog } from '../core/analytics/hll.js';
import { goalsOfHit, type GoalRule } from '../core/analytics/goal.js';
import { RollupChanges, visitorPoint } from '../core/analytics/rollup.js';
import { foldHit, visitCells, type Hit, type OpenVisit } from '../core/analytics/visit.js';
import { candidatesOf, rawLabels, ValueCaps, type RawLabels } from '../core/analytics/labels.js';
import type { PendingHit } from '../core/analytics/pending-hit.js';
import { sketchKey, type AnalyticsChanges, type AnalyticsTx } from '../ports/analytics-store.js';

export interface FoldOptions {
  goals: readonly GoalRule[];
  /** The workspace's personal trait keys (never a label value). */
  personal: ReadonlySet<string>;
  /** The live profile of each profile id of the hits (AnalyticsTx.liveProfileIds); absent: erased. */
  live: ReadonlyMap<string, string>;
}

/** The rollup changes of `hits` (any order), or null when they count nothing. */
export async function foldHits(tx: AnalyticsTx, workspaceId: string, hits: readonly PendingHit[], options: FoldOptions): Promise<AnalyticsChanges | null> {
  const byVisitor = new Map<string, PendingHit[]>();
  for (const pending of hits) {
    const list = byVisitor.get(pending.visitor);
    if (list) list.push(pending); else byVisitor.set(pending.visitor, [pending]);
  }
  if (byVisitor.size === 0) return null;
  const values = await labelHits(tx, workspaceId, hits, options.personal);
  const stored = await tx.openVisits(workspaceId, [...byVisitor.keys()]);
  const changes = new RollupChanges(visitCells);
  const visits: AnalyticsChanges['visits'] = [];
  const personVisits: NonNullable<AnalyticsChanges['personVisits']>[number][] = [];
  const { goals, live } = options;
  for (const [visitor, list] of byVisitor) {
    list.sort((a, b) => a.hit.at - b.hit.at);
    const profileId = list[0]!.profileId;
    const liveId = profileId === null ? null : live.get(profileId) ?? null;
    const point = visitorPoint(visitor);
    let visit: OpenVisit | null = stored.get(visitor) ?? null;
    const opened = liveId === null ? undefined : (v: OpenVisit) => { personVisits.push({ profileId: liveId, start: v.start, attributes: v.attributes }); };
    for (const { hit, event, audience, person } of list) {
      const converts = goals.length > 0 ? (h: Hit) => goalsOfHit(goals, h, event.properties) : undefined;
      visit = foldHit(visit, hit, { changes, point, attributes: () => visitAttributes(event, audience, person), ...(converts ? { converts, touches: true } : {}), ...(opened ? { opened } : {}) });
    }
    // A cookieless visitor's visit is kept; a profile's only while the profile is itself (see above).
    if (visit && (profileId === null || liveId === profileId)) visits.push({ visitor, profileId, visit });
  }
  const sketchRows = changes.sketchRows();
  const storedSketches = await tx.sketches(workspaceId, sketchRows);
  const sketches: AnalyticsChanges['sketches'] = [];
  for (const row of sketchRows) {
    const before = storedSketches.get(sketchKey(row));
    let merged = row.sketch;
    if (before) {
      merged = HyperLogLog.deserialize(before);
      // Every visitor of the fold already counted in this sketch (a returning visitor): nothing to write.
      if (!merged.absorb(row.sketch)) continue;
    }
    sketches.push({ hour: row.hour, dim: row.dim, value: row.value, audience: row.audience, channel: row.channel, device: row.device, sketch: merged.serialize(), isNew: before === undefined });
  }
  return { rows: changes.metricRows(), sketches, visits, values, personVisits };
}

/** Sets each page view's and custom event's label cells (labels.ts), under the caps; answers the values admitted. */
async function labelHits(tx: AnalyticsTx, workspaceId: string, hits: readonly PendingHit[], personal: ReadonlySet<string>): Promise<AnalyticsChanges['values']> {
  const labelled: Array<{ hit: Hit; raw: RawLabels }> = [];
  for (const { hit, event } of hits) {
    delete hit.labels;
    const raw = rawLabels(hit, event, personal);
    if (raw) labelled.push({ hit, raw });
  }
  const candidates = candidatesOf(labelled.map((l) => l.raw));
  const { known, counts } = candidates.length > 0 ? await tx.knownValues(workspaceId, candidates) : { known: new Set<string>(), counts: new Map<string, number>() };
  const caps = new ValueCaps(known, counts);
  // In time order, so that the earlier value is the one admitted at a cap.
  for (const l of labelled.sort((a, b) => a.hit.at - b.hit.at)) l.hit.labels = caps.cellsOf(l.raw);
  return caps.admitted;
}
