/**
 * Right of access and to data portability (GDPR Art. 15, 20): everything Tessera holds about a
 * person, found by any of their identifiers, as one machine-readable JSON document. Every export
 * is written to the audit log.
 */
import type { ExperimentAssignment } from '../ports/experiment-store.js';
import type { OpenVisit } from '../core/analytics/visit.js';
import type { VisitAttributes } from '../core/analytics/dimensions.js';
import { TesseraError } from '../core/errors.js';
import type { StoredEvent } from '../core/events/event.js';
import type { ConsentRecord } from '../core/privacy/consent.js';
import type { MergeRecord, Profile } from '../core/profiles/profile.js';
import type { Store } from '../ports/store.js';
import type { WebhookDelivery } from '../ports/webhook-store.js';
import type { ListSubscription } from '../core/links/email-list.js';
import type { SurveyAnswer } from '../ports/email-store.js';
import type { TokenUse } from '../ports/token-use-store.js';
import type { DeadLetter } from '../ports/dead-letter-store.js';
import type { StoredCounters } from '../ports/decision-store.js';
import type { RecentItem, ShownItem } from '../core/recommendations/co-occurrence.js';

export interface ProfileExport {
  exportedAt: number;
  workspaceId: string;
  profile: Profile;
  events: StoredEvent[];
  consents: ConsentRecord[];
  merges: MergeRecord[];
  /** Webhook deliveries announcing changes of the person (their payloads name them). */
  webhookDeliveries: WebhookDelivery[];
  /** Email list subscriptions (issue 6), also those kept under profiles merged into this one. */
  subscriptions: ListSubscription[];
  /** Micro-survey answers given through email links (issue 6). */
  surveyAnswers: SurveyAnswer[];
  /** Email links used in the last hours to recognise a device: which device, when (issue 13). */
  tokenUses: TokenUse[];
  /** Events of the person ingest failed on and kept (ports/dead-letter-store.ts), found by the person's identifiers. */
  deadLetters: DeadLetter[];
  /**
   * The segments the person is in now, with since when and why; `name` is null for a segment
   * whose definition was deleted while the profile still holds the membership.
   */
  segments: Array<{ id: string; name: string | null; since: number; reason: string }>;
  /** The person's computed trait values, by key (also of definitions deleted since). */
  computedTraits: Record<string, unknown>;
  /** Experiment assignments (issue 16). */
  experimentAssignments: ExperimentAssignment[];
  /** Personalization exposure counters (what was shown when, dismissals, the events timing watches), per profile id. */
  exposureCounters: StoredCounters[];
  /** Recommendations: the person's recent items (what co-occurs with their next interaction), per profile id. */
  itemHistory: Array<{ profileId: string; items: RecentItem[]; shown: ShownItem[] }>;
  /** The person's open web-analytics visit, if one is open (ports/analytics-store.ts). */
  analyticsVisits: Array<{ profileId: string; visit: OpenVisit }>;
  /** The person's indexed web-analytics visits: start and attributes of each (funnel and retention filters). */
  analyticsPersonVisits: Array<{ profileId: string; start: number; attributes: VisitAttributes }>;
  /** The person's hashed rows in ad-platform audience export state (what was last sent), per audience and format. */
  audiences: Array<{ audienceId: string; format: string; row: string }>;
}

const PAGE = 1000;

export async function exportProfile(store: Store, request: { workspaceId: string; identifier: string; actor: string; now: number }): Promise<ProfileExport> {
  const profileId = await store.profiles.resolve(request.workspaceId, request.identifier);
  const profile = profileId ? await store.profiles.get(request.workspaceId, profileId) : null;
  if (!profileId || !profile) throw new TesseraError('not_found', { message: `No profile is known by "${request.identifier}".` });
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.profiles.events(request.workspaceId, profileId, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const [consents, merges] = await Promise.all([store.privacy.consents(request.workspaceId, profileId), mergeHistory(store, request.workspaceId, profileId)]);
  const ids = personIds(profileId, merges);
  const [webhookDeliveries, subscriptions, surveyAnswers, tokenUses, deadLetters, definitions, experimentAssignments, exposureCounters, analyticsVisits, audiences, analyticsPersonVisits] = await Promise.all([
    store.webhooks.deliveriesOf(request.workspaceId, ids), store.emails.subscriptionsOf(request.workspaceId, ids), store.emails.answersOf(request.workspaceId, ids),
    store.tokenUses.usesOf(request.workspaceId, ids), store.deadLetters.naming(request.workspaceId, profile.identities),
    store.segments.list(request.workspaceId), store.experiments.assignmentsOf(request.workspaceId, ids),
    store.decisions.countersOf(request.workspaceId, ids), store.analytics.visitsOf(request.workspaceId, ids),
    store.audiences.rowsOf(request.workspaceId, ids), store.analytics.personVisits(request.workspaceId, ids, 0, Number.MAX_SAFE_INTEGER),
  ]);
  const itemHistory = (await Promise.all(ids.map(async (id) => ({ profileId: id, history: await store.recommendations.history(request.workspaceId, id) }))))
    .filter((h) => h.history !== null)
    .map((h) => ({ profileId: h.profileId, items: h.history!.items, shown: h.history!.shown ?? [] }));
  const names = new Map(definitions.filter((d) => d.kind === 'segment').map((d) => [d.id, typeof d.body.name === 'string' ? d.body.name : d.id]));
  const segments = Object.entries(profile.segments?.member ?? {}).map(([id, m]) => ({ id, name: names.get(id) ?? null, since: m.since, reason: m.reason }));
  const computedTraits = Object.fromEntries(Object.entries(profile.computed ?? {}).map(([key, v]) => [key, v.value]));
  await store.privacy.audit({ workspaceId: request.workspaceId, at: request.now, actor: request.actor, action: 'profile.export', subject: profileId, details: { events: events.length, consents: consents.length } });
  // An undone merge's snapshot describes the other person (a profile of its own again): it is in
  // that person's export, not in this one's.
  const own = merges.filter((m) => !m.undone || ids.includes(m.mergedId));
  return { exportedAt: request.now, workspaceId: request.workspaceId, profile, events, consents, merges: own, webhookDeliveries, subscriptions, surveyAnswers, tokenUses, deadLetters, segments, computedTraits, experimentAssignments, exposureCounters, itemHistory, analyticsVisits, analyticsPersonVisits, audiences };
}

/**
 * The whole merge history behind a profile: its own merges and, recursively, those of every
 * profile merged into it (a profile merged into one that was merged later). `profiles.merges`
 * returns only the merges one profile took part in. Oldest first.
 */
export async function mergeHistory(store: Store, workspaceId: string, profileId: string): Promise<MergeRecord[]> {
  const found = new Map<string, MergeRecord>();
  const visited = new Set<string>();
  const pending = [profileId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (visited.has(id)) continue;
    visited.add(id);
    for (const merge of await store.profiles.merges(workspaceId, id)) {
      found.set(`${merge.survivorId} ${merge.mergedId} ${merge.messageId}`, merge);
      // An undone merge stays in the log, but the profile it merged is a person of its own again.
      if (merge.survivorId === id && !merge.undone) pending.push(merge.mergedId);
    }
  }
  // Within one millisecond, a merge into a profile came before that profile's own merge.
  return [...found.values()].sort((a, b) => a.at - b.at || (a.survivorId === b.mergedId ? -1 : b.survivorId === a.mergedId ? 1 : 0));
}

/** The profile and every profile merged into it, directly or through another (from its merge history). */
export function personIds(profileId: string, history: readonly MergeRecord[]): string[] {
  const ids = new Set([profileId]);
  // Oldest first: a profile merged into one that was merged later is reached through it.
  for (let grew = true; grew;) {
    grew = false;
    for (const m of history) if (!m.undone && ids.has(m.survivorId) && !ids.has(m.mergedId)) { ids.add(m.mergedId); grew = true; }
  }
  return [...ids];
}
