/**
 * Storage limitation (GDPR Art. 5(1)(e)): a job that deletes what has been kept longer than its
 * purposes allow, and reports what it removed.
 * - Events: each declared event (by track name or type) is kept for the longest retention of its
 *   purposes (or its own `retentionDays`); undeclared events by `undeclaredPurposes`. Consent and
 *   Tessera's own timeline entries stay with the profile (they prove consent and merges).
 * - Behaviour derived from deleted events is recomputed from the events that remain.
 * - Traits whose value is older than their retention are removed from the profile.
 * - A profile left with no events, no traits and no consent decision is deleted entirely (a consent
 *   decision is kept with its ledger while the profile lives).
 * - Micro-survey answers (issue 6) are kept as long as their `Survey Answered` events.
 * - Web-analytics rollups (issue 18) are kept as long as page views: their values are the pages,
 *   referrers and campaigns of the visits they count.
 */
import { eventDeclaration, type FieldDeclaration } from '../core/privacy/data-schema.js';
import type { PrivacySettings } from '../core/privacy/privacy-settings.js';
import { DAY_MS } from '../core/privacy/purposes.js';
import { replayBehaviour } from '../core/profiles/behaviour.js';
import type { Profile } from '../core/profiles/profile.js';
import type { PurgeRule } from '../ports/privacy-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from './privacy-context.js';

export interface RetentionReport {
  workspaceId: string;
  startedAt: string;
  finishedAt: string;
  events: Array<{ rule: string; keptDays: number; deleted: number }>;
  traits: Array<{ trait: string; keptDays: number; profiles: number }>;
  profilesRecomputed: number;
  profilesDeleted: number;
  /** Merge snapshots from which traits past their retention were removed. */
  mergeSnapshotsRedacted: number;
  /** Micro-survey answers past the retention of `Survey Answered` events. */
  surveyAnswersDeleted: number;
  /** Web-analytics rollup and sketch rows of hours past the retention of page views (their values are pages visited). */
  analyticsRowsDeleted: number;
}

export interface RetentionProgress {
  phase: 'events' | 'profiles';
  done: number;
  total?: number;
}

const PURGE_LIMIT = 5_000;
const PROFILE_PAGE = 200;
/** Event types declared by type; every other declared name is a track event name. */
const TYPES = ['page', 'screen', 'identify', 'group', 'alias'];

export function retentionDays(settings: PrivacySettings, declaration: FieldDeclaration | undefined): number {
  if (declaration?.retentionDays) return declaration.retentionDays;
  const purposes = declaration?.purposes ?? settings.schema.undeclaredPurposes;
  const days = settings.purposes.filter((p) => purposes.includes(p.key)).map((p) => p.retentionDays);
  return days.length > 0 ? Math.max(...days) : Math.min(...settings.purposes.map((p) => p.retentionDays));
}

/** The event purge rules of a workspace at time `now`. */
export function eventRules(settings: PrivacySettings, now: number): Array<PurgeRule & { label: string; days: number }> {
  const rules: Array<PurgeRule & { label: string; days: number }> = [];
  const trackNames = Object.keys(settings.schema.events).filter((name) => !TYPES.includes(name));
  for (const type of TYPES) {
    const days = retentionDays(settings, eventDeclaration(settings.schema, type, null));
    rules.push({ label: type, type, names: null, before: now - days * DAY_MS, days });
  }
  for (const name of trackNames) {
    const days = retentionDays(settings, settings.schema.events[name]);
    rules.push({ label: `track "${name}"`, type: 'track', names: [name], before: now - days * DAY_MS, days });
  }
  const days = retentionDays(settings, undefined);
  rules.push({ label: 'other track events', type: 'track', names: null, exceptNames: trackNames, before: now - days * DAY_MS, days });
  return rules;
}

export async function runRetention(
  deps: { store: Store; privacy: PrivacyContexts; onProgress?: (p: RetentionProgress) => void },
  request: { workspaceId: string; now: number; actor: string },
): Promise<RetentionReport> {
  const { store } = deps;
  const { workspaceId, now } = request;
  const { settings } = await deps.privacy.get(workspaceId);
  const report: RetentionReport = { workspaceId, startedAt: new Date(now).toISOString(), finishedAt: '', events: [], traits: [], profilesRecomputed: 0, profilesDeleted: 0, mergeSnapshotsRedacted: 0, surveyAnswersDeleted: 0, analyticsRowsDeleted: 0 };
  const traitDays = (trait: string) => retentionDays(settings, Object.hasOwn(settings.schema.traits, trait) ? settings.schema.traits[trait] : undefined);
  const touched = new Set<string>();
  let purged = 0;
  for (const rule of eventRules(settings, now)) {
    let deleted = 0;
    for (;;) {
      const result = await store.privacy.purgeEvents(workspaceId, rule, PURGE_LIMIT);
      deleted += result.deleted;
      for (const id of result.profileIds) touched.add(id);
      purged += result.deleted;
      deps.onProgress?.({ phase: 'events', done: purged });
      if (result.deleted < PURGE_LIMIT) break;
    }
    report.events.push({ rule: rule.label, keptDays: rule.days, deleted });
  }

  const traitCounts = new Map<string, { days: number; profiles: number }>();
  const empty: string[] = [];
  let cursor: string | undefined;
  let done = 0;
  const total = await store.profiles.count(workspaceId);
  do {
    const page = await store.profiles.search(workspaceId, { limit: PROFILE_PAGE, ...(cursor ? { cursor } : {}) });
    cursor = page.nextCursor ?? undefined;
    const changed: Profile[] = [];
    await store.write(async (tx) => {
      const ids = page.profiles.map((p) => p.id);
      const loaded = await tx.loadProfiles(workspaceId, ids);
      for (const profile of loaded.values()) {
        let dirty = false;
        if (touched.has(profile.id)) {
          profile.behaviour = replayBehaviour((await tx.loadEvents(workspaceId, [profile.id])).filter((e) => e.type !== 'system' && e.type !== 'consent'));
          report.profilesRecomputed++;
          dirty = true;
        }
        for (const [trait, meta] of Object.entries(profile.traitMeta)) {
          const days = traitDays(trait);
          if (meta.at >= now - days * DAY_MS) continue;
          delete profile.traits[trait];
          delete profile.traitMeta[trait];
          const count = traitCounts.get(trait) ?? { days, profiles: 0 };
          count.profiles++;
          traitCounts.set(trait, count);
          dirty = true;
        }
        if (dirty) changed.push(profile);
        // A consent decision is not nothing: it is the person's will and its proof (the ledger).
        const nothingLeft = profile.behaviour.eventCount === 0 && Object.keys(profile.traits).length === 0 && Object.keys(profile.consent).length === 0;
        if (nothingLeft && (touched.has(profile.id) || dirty)) empty.push(profile.id);
      }
      if (changed.length > 0) await tx.apply({ workspaceId, newProfiles: [], merges: [], identities: [], events: [], profiles: changed, consents: [], counters: [] });
    });
    done += page.profiles.length;
    deps.onProgress?.({ phase: 'profiles', done, total });
  } while (cursor);

  report.mergeSnapshotsRedacted = await store.privacy.redactMergeSnapshots(workspaceId, (trait, at) => at < now - traitDays(trait) * DAY_MS);
  const answerDays = retentionDays(settings, eventDeclaration(settings.schema, 'track', 'Survey Answered'));
  report.surveyAnswersDeleted = await store.emails.purgeAnswers(workspaceId, now - answerDays * DAY_MS);
  const pageDays = retentionDays(settings, eventDeclaration(settings.schema, 'page', null));
  report.analyticsRowsDeleted = await store.analytics.purge(workspaceId, now - pageDays * DAY_MS);
  // Uses of single-use link tokens past their time (every claim deletes them too; this covers a
  // server that stopped recognising anyone): they name a device, and refuse nothing any more.
  await store.tokenUses.purgeExpired(now);
  for (const id of empty) {
    await store.privacy.erase(workspaceId, id, { tombstone: null, at: now });
    report.profilesDeleted++;
  }
  report.traits = [...traitCounts].map(([trait, c]) => ({ trait, keptDays: c.days, profiles: c.profiles }));
  report.finishedAt = new Date().toISOString();
  await store.privacy.audit({
    workspaceId, at: now, actor: request.actor, action: 'retention.purge', subject: null,
    details: { eventsDeleted: purged, traitsRemoved: report.traits.reduce((s, t) => s + t.profiles, 0), profilesRecomputed: report.profilesRecomputed, profilesDeleted: report.profilesDeleted, mergeSnapshotsRedacted: report.mergeSnapshotsRedacted, surveyAnswersDeleted: report.surveyAnswersDeleted },
  });
  return report;
}
