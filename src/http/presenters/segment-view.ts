/** How segments, computed traits, backfill progress and memberships read through the API. */
import { describeComputedTrait } from '../../core/computed-traits/validate-computed-trait.js';
import { describeCondition, describeSpec } from '../../core/segments/describe-condition.js';
import type { Segment } from '../../core/segments/segment.js';
import type { Profile } from '../../core/profiles/profile.js';
import { toIso } from '../../core/time.js';
import type { BackfillProgress } from '../../ports/segment-store.js';
import { progressFigures } from '../../segments/backfill.js';
import type { ComputedRecord } from '../../segments/segment-service.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : toIso(ms));

export function backfillView(p: BackfillProgress | null, now: number) {
  if (!p) return null;
  const figures = progressFigures(p, now);
  return {
    state: p.state, processed: p.processed, total: p.total, percent: figures.percent,
    profilesPerSecond: figures.rate, etaSeconds: figures.etaSeconds,
    startedAt: iso(p.startedAt), updatedAt: iso(p.updatedAt), finishedAt: iso(p.finishedAt), ...(p.error ? { error: p.error } : {}),
  };
}

export function segmentView(s: Segment, extra: { members?: number | null; backfill: BackfillProgress | null; now: number; names?: (id: string) => string | undefined }) {
  return {
    id: s.id, name: s.name, description: s.description, condition: s.condition,
    readable: describeCondition(s.condition, extra.names),
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
    ...(extra.members !== undefined ? { members: extra.members } : {}),
    backfill: backfillView(extra.backfill, extra.now),
  };
}

export function computedTraitView(r: ComputedRecord, now: number) {
  const d = r.definition;
  return {
    key: d.key, name: d.name, ...(d.description ? { description: d.description } : {}), event: d.event, aggregate: d.aggregate,
    ...(d.property ? { property: d.property } : {}), ...(d.within ? { within: d.within } : {}),
    readable: describeComputedTrait(d, (spec) => describeSpec(spec)),
    createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), backfill: backfillView(r.backfill, now),
  };
}

/** A profile's current segments and computed trait values (of the definitions that still exist). */
export function profileSegmentsView(p: Profile, names: ReadonlyMap<string, string>, computedKeys: ReadonlySet<string>) {
  return {
    segments: Object.entries(p.segments?.member ?? {}).filter(([id]) => names.has(id))
      .map(([id, m]) => ({ id, name: names.get(id)!, since: iso(m.since), reason: m.reason })),
    computedTraits: Object.fromEntries(Object.entries(p.computed ?? {}).filter(([key]) => computedKeys.has(key)).map(([key, v]) => [key, v.value])),
  };
}
