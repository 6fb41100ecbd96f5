/**
 * Rollups of a chosen set of people, folded in memory from their stored events with the same rules
 * ingest folds every event with (core/analytics/visit.ts): what the analytics service reads for a
 * filter the rollups cannot answer because they hold no identifiers (members of a segment), and
 * what tells which people are behind a breakdown row (analytics-row-profiles.ts).
 *
 * Every person is a visitor of their own (their profile), as ingest counts a profile; a visitor
 * counted there as a cookieless daily visitor (no analytics consent, `ip: hash`) is counted here
 * as their profile. Attributes (audience, lifecycle stage, persona) are the profile's current ones.
 */
import type { TrackedEvent } from '../core/events/event.js';
import type { Profile } from '../core/profiles/profile.js';
import { hitOf, isKnown, personOf, visitAttributes } from '../core/analytics/hit-of-event.js';
import { RollupChanges, visitorPoint, type RollupRow, type SketchRow } from '../core/analytics/rollup.js';
import { foldHit, visitCells, type OpenVisit } from '../core/analytics/visit.js';
import type { AnalyticsStore, RollupQuery } from '../ports/analytics-store.js';
import { rawLabels, ValueCaps } from '../core/analytics/labels.js';
import { DEFAULT_SCHEMA, identityTraitKeys } from '../core/privacy/data-schema.js';
import { emptyMetrics, type Metrics } from '../core/analytics/dimensions.js';

/** Property keys kept as (withheld): the default data schema's personal ones (the workspace's own are ingest's). */
const NO_KEYS: ReadonlySet<string> = identityTraitKeys(DEFAULT_SCHEMA);
/** Labels of a few people's events, in memory: every value is its own row (core/analytics/labels.ts). */
const UNBOUNDED = new ValueCaps(new Set(), new Map(), true);

export interface Person { profile: Profile; events: readonly TrackedEvent[] }

/** Folds one person's events (any order) into `changes`. */
export function foldPerson(changes: RollupChanges, person: Person, personalKeys: ReadonlySet<string> = NO_KEYS): void {
  const { profile } = person;
  const point = visitorPoint(`p:${profile.id}`);
  const audience = isKnown(profile) ? 'known' : 'anonymous';
  const who = personOf(profile);
  const events = [...person.events].sort((a, b) => a.timestamp - b.timestamp);
  let visit: OpenVisit | null = null;
  for (const event of events) {
    const hit = hitOf(event);
    if (!hit) continue;
    const raw = rawLabels(hit, event, personalKeys);
    if (raw) hit.labels = UNBOUNDED.cellsOf(raw);
    visit = foldHit(visit, hit, { changes, point, attributes: () => visitAttributes(event, audience, who) });
  }
}

const matches = (q: RollupQuery, row: RollupRow | SketchRow): boolean =>
  row.dim === q.dim && row.hour >= q.fromHour && row.hour < q.toHour
  && (q.slices.audience === undefined || row.audience === q.slices.audience)
  && (q.slices.channel === undefined || row.channel === q.slices.channel)
  && (q.slices.device === undefined || row.device === q.slices.device)
  && (q.values === undefined || q.values.includes(row.value));

/** An analytics store answering from the people's folded events only (reads; nothing to write or purge). */
export function peopleRollups(people: Iterable<Person>): AnalyticsStore {
  const changes = new RollupChanges(visitCells);
  for (const person of people) foldPerson(changes, person);
  const rows = changes.metricRows();
  const sketches = changes.sketchRows();
  const groupOf = (q: RollupQuery, r: RollupRow | SketchRow) => (q.groupBy === 'hour' ? String(r.hour) : r.value);
  return {
    async sums(q) {
      const groups = new Map<string, Metrics>();
      for (const r of rows) {
        if (!matches(q, r)) continue;
        const key = groupOf(q, r);
        let sum = groups.get(key);
        if (!sum) groups.set(key, (sum = emptyMetrics()));
        for (const m in r.metrics) sum[m as keyof Metrics] += r.metrics[m as keyof Metrics];
      }
      return [...groups].map(([group, metrics]) => ({ group, metrics }));
    },
    async sketches(q) {
      return sketches.filter((s) => matches(q, s)).map((s) => ({ group: groupOf(q, s), sketch: s.sketch.serialize() }));
    },
    async realtime() { return []; },
    async purge() { return 0; },
    async visitsOf() { return []; },
    async personVisits() { return []; },
    async activeProfiles() { return { profileIds: [], next: null }; },
  };
}
