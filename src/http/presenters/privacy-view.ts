/** How consent, the ledger, exports and the privacy report read through the API (ISO times). */
import { deliveryView } from './lead-scoring-view.js';
import { deadLetterView } from './dead-letter-view.js';
import type { ConsentRecord } from '../../core/privacy/consent.js';
import { toIso } from '../../core/time.js';
import type { ProfileExport } from '../../privacy/export.js';
import { consentView, eventView, mergeView, profileView } from './profile-view.js';

export { consentView };

export function consentRecordView(r: ConsentRecord) {
  return {
    messageId: r.messageId, purposes: r.purposes, channel: r.channel, wording: r.wording, evidence: r.evidence, request: r.request,
    at: toIso(r.at), receivedAt: toIso(r.receivedAt),
  };
}

export function exportView(e: ProfileExport) {
  return {
    format: 'tessera-profile-export/1',
    exportedAt: toIso(e.exportedAt),
    workspaceId: e.workspaceId,
    profile: profileView(e.profile),
    segments: e.segments.map((s) => ({ id: s.id, name: s.name, since: toIso(s.since), reason: s.reason })),
    computedTraits: e.computedTraits,
    events: e.events.map(eventView),
    consentLedger: e.consents.map(consentRecordView),
    merges: e.merges.map(mergeView),
    webhookDeliveries: e.webhookDeliveries.map(deliveryView),
    subscriptions: e.subscriptions.map((s) => ({
      list: s.listId, status: s.status, requestedAt: isoOrNull(s.requestedAt), confirmedAt: isoOrNull(s.confirmedAt), unsubscribedAt: isoOrNull(s.unsubscribedAt), updatedAt: toIso(s.updatedAt),
    })),
    surveyAnswers: e.surveyAnswers.map((a) => ({ survey: a.surveyId, question: a.questionId, answer: a.answer, emailId: a.messageId, answeredAt: toIso(a.answeredAt) })),
    /** Email links that recognised a device lately (kept until shortly after the link expired). */
    tokenUses: e.tokenUses.map((u) => ({ purpose: u.purpose, device: u.holder, outcome: u.outcome, usedAt: toIso(u.usedAt), keptUntil: toIso(u.keepUntil) })),
    deadLetters: e.deadLetters.map(deadLetterView),
    /** Experiments the person was assigned to (issue 16): the arm, the id that was hashed, whether a merge mixed arms. */
    experimentAssignments: e.experimentAssignments.map((a) => ({ experiment: a.experimentKey, variation: a.variation, hashedId: a.unitValue, assignedAt: toIso(a.assignedAt), contaminated: a.contaminated })),
    /** Personalization timing: when which slot content was seen, dismissed, and the last time of each watched event. */
    audiences: e.audiences.map((a) => ({ audienceId: a.audienceId, format: a.format, row: a.row.trimEnd() })),
    exposureCounters: e.exposureCounters.map((c) => ({
      profileId: c.profileId, updatedAt: toIso(c.updatedAt),
      exposures: isoRecord(c.counters.exposures, (ts) => ts.map(toIso)), firstSeen: isoRecord(c.counters.firstSeen, toIso),
      dismissed: isoRecord(c.counters.dismissed, toIso), lastEvents: isoRecord(c.counters.lastEvents, toIso),
      /** The latest view of each slot (what was shown, whether a goal followed), for slot reports. */
      lastViews: isoRecord(c.counters.lastViews ?? {}, (m) => ({
        at: toIso(m.at), variant: m.variantId, rule: m.ruleId, depth: m.depth, convertedAt: m.convertedAt === undefined ? null : toIso(m.convertedAt),
      })),
    })),
    /** Web analytics (docs/analytics.md): the person's open visit, and each visit indexed with its attributes (funnel and retention filters). */
    analyticsVisits: e.analyticsVisits.map((v) => ({ profileId: v.profileId, start: toIso(v.visit.start), lastAt: toIso(v.visit.last), lastPath: v.visit.lastPath, attributes: v.visit.attributes })),
    analyticsPersonVisits: e.analyticsPersonVisits.map((v) => ({ profileId: v.profileId, start: toIso(v.start), attributes: v.attributes })),
    /** Recommendations: the person's recent items, which co-occur with their next interaction (docs/recommendations.md). */
    itemHistory: e.itemHistory.map((h) => ({
      profileId: h.profileId, items: h.items.map((r) => ({ item: r.itemId, kind: r.kind, family: r.family, at: toIso(r.at) })),
      /** Rotation: items recommended lists showed them since their last click, with the last time (docs/recommendations.md). */
      shownInRecommendations: h.shown.map((s) => ({ item: s.itemId, lastShownAt: toIso(s.at) })),
    })),
  };
}

/** Keys kept as own entries (they may be client-given, e.g. `__proto__`). */
const isoRecord = <T, U>(record: Record<string, T>, view: (v: T) => U): Record<string, U> => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, view(v)]));

const isoOrNull = (at: number | null) => (at === null ? null : toIso(at));
