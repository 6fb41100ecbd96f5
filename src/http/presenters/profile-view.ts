/**
 * How a profile reads through the API: ISO times, traits with their sources, identities, and the
 * behaviour summarised for a person-level view ("visited these 7 pages, 12 s on this one …").
 */
import type { StoredEvent } from '../../core/events/event.js';
import type { Behaviour } from '../../core/profiles/behaviour.js';
import type { MergeRecord, Profile } from '../../core/profiles/profile.js';
import type { ConsentState } from '../../core/privacy/consent.js';
import { toIso } from '../../core/time.js';
import { scoresAt } from '../../core/scoring/scores.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : toIso(ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function behaviourView(b: Behaviour) {
  const current = b.sessions.current;
  const totalMs = b.sessions.closedMs + (current ? current.last - current.start : 0);
  const pages = Object.entries(b.pages)
    .map(([key, p]) => ({ key, url: p.url, path: p.path, title: p.title, category: p.category, views: p.views, timeOnPageSeconds: seconds(p.timeMs), firstViewedAt: iso(p.firstAt), lastViewedAt: iso(p.lastAt) }))
    .sort((x, y) => (y.lastViewedAt ?? '').localeCompare(x.lastViewedAt ?? ''));
  // Built with Object.fromEntries: an event named "__proto__" must stay a key, not set a prototype.
  const counts = Object.entries(b.counts);
  const eventCounts: Record<string, number> = Object.fromEntries(counts.filter(([k]) => k.startsWith('track:')).map(([k, v]) => [k.slice(6), v]));
  const typeCounts: Record<string, number> = Object.fromEntries(counts.filter(([k]) => !k.startsWith('track:')));
  return {
    firstSeenAt: iso(b.firstSeenAt),
    lastSeenAt: iso(b.lastSeenAt),
    eventCount: b.eventCount,
    typeCounts,
    eventCounts,
    sessions: {
      count: b.sessions.count,
      totalDurationSeconds: seconds(totalMs),
      averageDurationSeconds: b.sessions.count ? seconds(totalMs / b.sessions.count) : 0,
      bounces: b.sessions.bounces + (current && current.pageViews <= 1 ? 1 : 0),
      current: current ? { startedAt: iso(current.start), lastEventAt: iso(current.last), pageViews: current.pageViews } : null,
    },
    pageViews: b.pageViews,
    distinctPages: pages.length,
    timeOnPagesSeconds: seconds(Object.values(b.pages).reduce((sum, p) => sum + p.timeMs, 0)),
    pages,
    categories: Object.fromEntries(Object.entries(b.categories).map(([k, c]) => [k, { views: c.views, timeOnPageSeconds: seconds(c.timeMs) }])),
    acquisition: {
      firstTouch: b.firstTouch ? { ...b.firstTouch, at: iso(b.firstTouch.at) } : null,
      lastTouch: b.lastTouch ? { ...b.lastTouch, at: iso(b.lastTouch.at) } : null,
    },
    email: { ...b.email, lastOpenedAt: iso(b.email.lastOpenedAt), lastClickedAt: iso(b.email.lastClickedAt) },
    groups: b.groups,
    // When the person acts (UTC hour of the week, 0 = Sunday 00:00) and on which device class.
    ...(b.activity ? { activity: { utcHourOfWeek: b.activity.hours, devices: b.activity.devices } } : {}),
  };
}

export function consentView(state: ConsentState) {
  return Object.fromEntries(Object.entries(state).map(([purpose, c]) => [purpose, { granted: c.granted, at: iso(c.at), channel: c.channel, messageId: c.messageId }]));
}

export function mergeView(m: MergeRecord) {
  return { survivorId: m.survivorId, mergedId: m.mergedId, cause: m.cause, messageId: m.messageId, at: iso(m.at), mergedProfile: { ...m.snapshot, createdAt: iso(m.snapshot.createdAt) }, ...(m.undone ? { undone: { at: iso(m.undone.at), cause: m.undone.cause } } : {}) };
}

/** `now`: the moment the decayed engagement score is given for (GET /v1/profiles/{id}/score explains it). */
export function profileView(p: Profile, merges?: MergeRecord[], now = Date.now()) {
  return {
    id: p.id,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    traits: p.traits,
    traitSources: Object.fromEntries(Object.entries(p.traitMeta).map(([k, m]) => [k, { source: m.source, messageId: m.messageId, updatedAt: iso(m.at), ...(m.once ? { setOnce: true } : {}) }])),
    identities: p.identities.map((i) => ({ kind: i.kind, value: i.value, firstSeenAt: iso(i.firstSeenAt), messageId: i.messageId })),
    behaviour: behaviourView(p.behaviour),
    mergeRefusals: Object.entries(p.mergeRefusals).map(([key, r]) => ({ key, reason: r.reason, count: r.count, firstAt: iso(r.firstAt), lastAt: iso(r.lastAt) })),
    consent: consentView(p.consent),
    ...(p.scores ? { scores: scoresAt(p, now) } : {}),
    ...(p.lifecycle ? { lifecycle: { stage: p.lifecycle.stage, since: iso(p.lifecycle.since), history: p.lifecycle.history.map((m) => ({ ...m, at: iso(m.at) })) } } : {}),
    // Persona probabilities under the current persona model (issue 17); absent when not profiled.
    ...(p.persona ? { persona: { ...p.persona, at: iso(p.persona.at) } } : {}),
    // Form fields the person declined, not asked again during the form's cool-down.
    declined: Object.fromEntries(Object.entries(p.declined ?? {}).map(([k, d]) => [k, { at: iso(d.at), source: d.source }])),
    // The person's state in experiments (issue 16): arm, first exposure, metric values since, pre-exposure values.
    ...(p.experiments ? { experiments: experimentsView(p.experiments) } : {}),
    ...(merges ? { merges: merges.map(mergeView) } : {}),
  };
}

function experimentsView(units: NonNullable<Profile['experiments']>) {
  return Object.fromEntries(Object.entries(units).map(([key, u]) => [key, {
    variation: u.v, firstExposureAt: iso(u.at), metricsGeneration: u.g, contaminated: u.x === true,
    metrics: Object.fromEntries(Object.entries(u.m).map(([id, [numerator, denominator]]) => [id, { numerator, denominator }])),
    ...(u.p ? { preExposure: u.p } : {}),
  }]));
}

export function eventView(e: StoredEvent) {
  return {
    messageId: e.messageId,
    type: e.type,
    ...(e.type === 'track' || e.type === 'system' ? { event: e.name } : e.name !== null ? { name: e.name } : {}),
    ...(e.category !== null ? { category: e.category } : {}),
    userId: e.userId,
    anonymousId: e.anonymousId,
    ...(e.previousId !== null ? { previousId: e.previousId } : {}),
    ...(e.groupId !== null ? { groupId: e.groupId } : {}),
    properties: e.properties,
    traits: e.traits,
    context: e.context,
    integrations: e.integrations,
    timestamp: iso(e.timestamp),
    originalTimestamp: iso(e.originalTimestamp),
    sentAt: iso(e.sentAt),
    receivedAt: iso(e.receivedAt),
    profileId: e.profileId,
    originalProfileId: e.originalProfileId,
  };
}
