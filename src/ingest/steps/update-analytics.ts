/**
 * Keeps the web-analytics rollups (issue 18) up to date with the batch's events, in the batch's
 * transaction: the visits they open and extend, page views, events and visible time per hour ×
 * dimension value, and visitor sketches (core/analytics/*). Written by persistBatch with the rest.
 *
 * The visitor: the event's live profile — or, for a person who has not consented to the analytics
 * purpose and whose IP the workspace keeps as the daily-rotating keyed hash (privacy setting
 * `ip: hash`), that hash with the browser and OS: a cookieless visitor of one day (the tracker gives
 * such a visitor a new anonymous id on every page, so the profile alone would make every page view
 * a visit). Audience `known`: the profile has a user id or email; `anonymous` otherwise.
 *
 * Goals (core/analytics/goal.ts): a hit that converts one of the workspace's goals counts its
 * visit's first conversion of it under the visit's rows.
 *
 * The person's visit index: each visit a profile opens (its start and attributes), for funnel and
 * retention filters (analytics/people-filter.ts); cookieless daily visitors have no profile to index.
 *
 * Labels (core/analytics/labels.ts): a page view also counts under its title and category, a
 * custom event under each of its properties' values — each dimension with a capped number of
 * values per workspace, later new values counting as `(other)`; one read of the value registry per
 * batch decides, and the values admitted are registered with the batch.
 *
 * Cost: one read of the batch's visitors' open visits, one of the value registry and one of the
 * touched sketches, one write per changed row; rows collapse within the batch.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { Profile } from '../../core/profiles/profile.js';
import { hitOf, isKnown, personOf, visitAttributes } from '../../core/analytics/hit-of-event.js';
import { HyperLogLog } from '../../core/analytics/hll.js';
import { goalsOfHit, type GoalRule } from '../../core/analytics/goal.js';
import { RollupChanges, visitorPoint } from '../../core/analytics/rollup.js';
import { foldHit, visitCells, type Hit, type OpenVisit } from '../../core/analytics/visit.js';
import { sketchKey, type AnalyticsChanges } from '../../ports/analytics-store.js';
import { candidatesOf, rawLabels, ValueCaps, type RawLabels } from '../../core/analytics/labels.js';
import { identityTraitKeys } from '../../core/privacy/data-schema.js';
import type { IngestBatch } from '../ingest-batch.js';

export const ANALYTICS_PURPOSE = 'analytics';

interface VisitorHits { profileId: string | null; hits: Array<{ hit: Hit; event: TrackedEvent; profile: Profile }> }

export async function updateAnalytics(batch: IngestBatch, goals: readonly GoalRule[] = []): Promise<void> {
  const byVisitor = new Map<string, VisitorHits>();
  for (const { event, profileId } of batch.assigned) {
    const hit = hitOf(event);
    if (!hit) continue;
    const profile = batch.profile(profileId);
    const daily = cookielessKey(event, profile);
    const visitor = daily ?? `p:${profile.id}`;
    let entry = byVisitor.get(visitor);
    if (!entry) byVisitor.set(visitor, (entry = { profileId: daily ? null : profile.id, hits: [] }));
    entry.hits.push({ hit, event, profile });
  }
  if (byVisitor.size === 0) return;
  const values = await labelHits(batch, byVisitor);
  const stored = await batch.tx.analytics.openVisits(batch.workspaceId, [...byVisitor.keys()]);
  const changes = new RollupChanges(visitCells);
  const visits: AnalyticsChanges['visits'] = [];
  const personVisits: NonNullable<AnalyticsChanges['personVisits']>[number][] = [];
  for (const [visitor, { profileId, hits }] of byVisitor) {
    hits.sort((a, b) => a.hit.at - b.hit.at);
    const point = visitorPoint(visitor);
    let visit: OpenVisit | null = stored.get(visitor) ?? null;
    const opened = profileId === null ? undefined : (v: OpenVisit) => { personVisits.push({ profileId, start: v.start, attributes: v.attributes }); };
    for (const { hit, event, profile } of hits) {
      const converts = goals.length > 0 ? (h: typeof hit) => goalsOfHit(goals, h, event.properties) : undefined;
      visit = foldHit(visit, hit, { changes, point, attributes: () => visitAttributes(event, isKnown(profile) ? 'known' : 'anonymous', personOf(profile)), ...(converts ? { converts } : {}), ...(opened ? { opened } : {}) });
    }
    if (visit) visits.push({ visitor, profileId, visit });
  }
  const sketchRows = changes.sketchRows();
  const storedSketches = await batch.tx.analytics.sketches(batch.workspaceId, sketchRows);
  const sketches: AnalyticsChanges['sketches'] = [];
  for (const row of sketchRows) {
    const before = storedSketches.get(sketchKey(row));
    let merged = row.sketch;
    if (before) {
      merged = HyperLogLog.deserialize(before);
      // Every visitor of the batch already counted in this sketch (a returning visitor): nothing to write.
      if (!merged.absorb(row.sketch)) continue;
    }
    sketches.push({ hour: row.hour, dim: row.dim, value: row.value, audience: row.audience, channel: row.channel, device: row.device, sketch: merged.serialize(), isNew: before === undefined });
  }
  batch.analytics = { rows: changes.metricRows(), sketches, visits, values, personVisits };
}

/** Sets each page view's and custom event's label cells (labels.ts), under the caps; answers the values admitted. */
async function labelHits(batch: IngestBatch, byVisitor: Map<string, VisitorHits>): Promise<AnalyticsChanges['values']> {
  const personal = identityTraitKeys(batch.privacy.settings.schema);
  const labelled: Array<{ hit: Hit; raw: RawLabels }> = [];
  for (const { hits } of byVisitor.values()) {
    for (const { hit, event } of hits) {
      const raw = rawLabels(hit, event, personal);
      if (raw) labelled.push({ hit, raw });
    }
  }
  const candidates = candidatesOf(labelled.map((l) => l.raw));
  const { known, counts } = candidates.length > 0 ? await batch.tx.analytics.knownValues(batch.workspaceId, candidates) : { known: new Set<string>(), counts: new Map<string, number>() };
  const caps = new ValueCaps(known, counts);
  // In time order, so that within a batch the earlier value is the one admitted at a cap.
  for (const l of labelled.sort((a, b) => a.hit.at - b.hit.at)) l.hit.labels = caps.cellsOf(l.raw);
  return caps.admitted;
}

/** The cookieless daily visitor of an event, or null when the profile is the visitor (see above). */
function cookielessKey(event: TrackedEvent, profile: Profile): string | null {
  if (profile.consent[ANALYTICS_PURPOSE]?.granted === true || isKnown(profile)) return null;
  const ip = event.context.ip;
  if (typeof ip !== 'string' || !ip.startsWith('h:')) return null;
  const browser = (event.context.browser as { name?: unknown } | undefined)?.name;
  const os = (event.context.os as { name?: unknown } | undefined)?.name;
  return `d:${ip}|${typeof browser === 'string' ? browser : ''}|${typeof os === 'string' ? os : ''}`;
}
