/**
 * The SQLite write transaction. better-sqlite3 is synchronous; the methods return promises only to
 * meet the port. Statements are prepared once per store. Nothing else uses the writer connection
 * while a transaction is open: the store runs one `write` at a time.
 */
import { identityKeyString, type IdentityKey } from '../../core/identity/identity-key.js';
import type { IdentityRecord, Profile } from '../../core/profiles/profile.js';
import type { ChangeSet, WriteTx } from '../../ports/store.js';
import { eventBody, profileFromColumns, profileState, searchText } from '../shared/codec.js';
import type { Database } from './database.js';
import type { WriteCache } from './write-cache.js';
import { mergeSqliteCounters, prepareCounterMerge, updateSqliteCounters } from './decision-store.js';
import { insertSqliteItemStubs, learnSqliteItems, switchSqliteRebuild, mergeSqliteHistories, prepareItemLearningWrites, prepareItemStubWrites, prepareRebuildWrite } from './recommendation-store.js';
import { stubTime } from '../shared/item-codec.js';
import { createSqliteUnmergeTx, prepareUnmergeStatements } from './unmerge-store.js';
import { applyExperimentChanges, moveAssignments, prepareAssignmentMoves, prepareExperimentWrites } from './experiment-store.js';
import { applySqliteAnalytics, createSqliteAnalyticsTx, prepareAnalyticsWrites } from './analytics-store.js';
import { applySegmentChanges, createSqliteSegmentTx, eventsByProfile, prepareSegmentWrites } from './segment-store.js';

export function prepareWriteStatements(db: Database.Database) {
  return {
    messageExists: db.prepare('SELECT 1 FROM events WHERE workspace_id = ? AND message_id = ?').pluck(),
    owner: db.prepare('SELECT profile_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?').pluck(),
    profile: db.prepare('SELECT id, workspace_id, created_at, updated_at, merged_into, traits, state FROM profiles WHERE workspace_id = ? AND id = ?'),
    identitiesOf: db.prepare('SELECT kind, value, first_seen_at, message_id FROM identities WHERE profile_id = ?'),
    insertProfile: db.prepare('INSERT INTO profiles (id, workspace_id, created_at, updated_at, merged_into, traits, state, search) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)'),
    updateProfile: db.prepare('UPDATE profiles SET created_at = ?, updated_at = ?, traits = ?, state = ?, search = ? WHERE id = ?'),
    moveIdentities: db.prepare('UPDATE identities SET profile_id = ? WHERE profile_id = ?'),
    moveEvents: db.prepare('UPDATE events SET profile_id = ? WHERE profile_id = ?'),
    retire: db.prepare("UPDATE profiles SET merged_into = ?, traits = '{}', state = '{}', search = '' WHERE id = ?"),
    redirect: db.prepare('UPDATE profiles SET merged_into = ? WHERE merged_into = ?'),
    insertMerge: db.prepare('INSERT INTO merges (workspace_id, survivor_id, merged_id, cause_kind, cause_value, message_id, at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    insertIdentity: db.prepare('INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at, message_id) VALUES (?, ?, ?, ?, ?, ?)'),
    tombstone: db.prepare('SELECT 1 FROM tombstones WHERE workspace_id = ? AND hash = ?').pluck(),
    moveConsents: db.prepare('UPDATE consents SET profile_id = ? WHERE profile_id = ?'),
    insertConsent: db.prepare(`INSERT INTO consents (workspace_id, profile_id, message_id, purposes, channel, wording_version, wording_hash, wording_text, evidence, request, at, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertWording: db.prepare('INSERT INTO consent_wordings (workspace_id, hash, version, text, first_seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET text = coalesce(consent_wordings.text, excluded.text)'),
    addCounter: db.prepare('INSERT INTO privacy_counters (workspace_id, day, kind, name, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count'),
    segments: prepareSegmentWrites(db),
    analytics: prepareAnalyticsWrites(db),
    counterMerge: prepareCounterMerge(db),
    itemStubs: prepareItemStubWrites(db),
    itemRebuild: prepareRebuildWrite(db),
    itemLearning: prepareItemLearningWrites(db),
    unmerges: prepareUnmergeStatements(db),
    assignments: prepareAssignmentMoves(db),
    experiments: prepareExperimentWrites(db),
    insertDelivery: db.prepare(`INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, profile_id, event, payload, status, attempts, next_attempt_at, created_at, log)
      VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, '[]')`),
    insertEvent: db.prepare('INSERT INTO events (workspace_id, message_id, profile_id, original_profile_id, type, name, anonymous_id, user_id, ts, received_at, body, hit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  };
}

export type WriteStatements = ReturnType<typeof prepareWriteStatements>;

interface ProfileRow { id: string; workspace_id: string; created_at: number; updated_at: number; merged_into: string | null; traits: string; state: string }

export function loadProfileRow(s: WriteStatements, workspaceId: string, id: string): Profile | null {
  let row = s.profile.get(workspaceId, id) as ProfileRow | undefined;
  for (let hops = 0; row?.merged_into && hops < 100; hops++) row = s.profile.get(workspaceId, row.merged_into) as ProfileRow | undefined;
  if (!row || row.merged_into) return null;
  const identities = (s.identitiesOf.all(row.id) as Array<{ kind: IdentityRecord['kind']; value: string; first_seen_at: number; message_id: string | null }>)
    .map((r) => ({ kind: r.kind, value: r.value, firstSeenAt: r.first_seen_at, messageId: r.message_id }));
  return profileFromColumns({ ...row, traits: JSON.parse(row.traits), state: JSON.parse(row.state) }, identities);
}

export function createSqliteWriteTx(s: WriteStatements, cache: WriteCache): WriteTx {
  return {
    segments: createSqliteSegmentTx(s.segments),
    analytics: createSqliteAnalyticsTx(s.analytics),
    unmerges: createSqliteUnmergeTx(s.unmerges, cache),
    async existingMessageIds(workspaceId, ids) {
      const found = new Set<string>();
      for (const id of ids) if (s.messageExists.get(workspaceId, id)) found.add(id);
      return found;
    },
    async findOwners(workspaceId, keys: readonly IdentityKey[]) {
      const owners = new Map<string, string>();
      for (const k of keys) {
        const owner = cache.owner(workspaceId, k) ?? (s.owner.get(workspaceId, k.kind, k.value) as string | undefined);
        if (owner) owners.set(identityKeyString(k), owner);
      }
      return owners;
    },
    async loadProfiles(workspaceId, ids) {
      const profiles = new Map<string, Profile>();
      for (const id of ids) {
        const cached = cache.profile(id);
        if (cached && cached.workspaceId === workspaceId) { profiles.set(id, cached); continue; }
        const p = loadProfileRow(s, workspaceId, id);
        if (!p) continue;
        cache.loaded(p);
        profiles.set(id, p);
      }
      return profiles;
    },
    async loadEvents(workspaceId, profileIds) {
      return [...eventsByProfile(s.segments.events, workspaceId, profileIds).values()].flat().sort((a, b) => a.timestamp - b.timestamp);
    },
    async findTombstones(workspaceId, hashes) {
      const found = new Set<string>();
      for (const h of hashes) if (s.tombstone.get(workspaceId, h)) found.add(h);
      return found;
    },
    async apply(c: ChangeSet) {
      for (const p of c.newProfiles) {
        s.insertProfile.run(p.id, c.workspaceId, p.createdAt, p.updatedAt, JSON.stringify(p.traits), JSON.stringify(profileState(p)), searchText(p));
        cache.saved(p);
      }
      for (const m of c.merges) {
        s.moveIdentities.run(m.survivorId, m.mergedId);
        s.moveEvents.run(m.survivorId, m.mergedId);
        s.moveConsents.run(m.survivorId, m.mergedId);
        moveAssignments(s.assignments, c.workspaceId, m.survivorId, m.mergedId);
        s.retire.run(m.survivorId, m.mergedId);
        s.redirect.run(m.survivorId, m.mergedId);
        s.insertMerge.run(c.workspaceId, m.survivorId, m.mergedId, m.cause.kind, m.cause.value, m.messageId, m.at, JSON.stringify(m.snapshot));
        mergeSqliteCounters(s.counterMerge, { workspaceId: c.workspaceId, survivorId: m.survivorId, mergedId: m.mergedId, at: m.at });
        mergeSqliteHistories(s.itemLearning, { workspaceId: c.workspaceId, survivorId: m.survivorId, mergedId: m.mergedId, at: m.at });
        cache.retired(m.mergedId);
        for (const i of m.snapshot.identities) cache.setOwner(c.workspaceId, i, m.survivorId);
      }
      updateSqliteCounters(s.counterMerge, c);
      learnSqliteItems(s.itemLearning, c);
      for (const { profileId, identity: i } of c.identities) {
        s.insertIdentity.run(c.workspaceId, i.kind, i.value, profileId, i.firstSeenAt, i.messageId);
        cache.setOwner(c.workspaceId, i, profileId);
      }
      for (const { event: e, profileId, originalProfileId, hit } of c.events) {
        s.insertEvent.run(c.workspaceId, e.messageId, profileId, originalProfileId, e.type, e.name, e.anonymousId, e.userId, e.timestamp, e.receivedAt, JSON.stringify(eventBody(e)), hit ?? null);
      }
      for (const r of c.consents) {
        // The workspace's published wording is kept once for everyone; any other text only on the
        // person's record, which their erasure deletes (core/privacy/consent.ts).
        if (r.wording?.published) s.insertWording.run(c.workspaceId, r.wording.hash, r.wording.version, r.wording.text ?? null, r.receivedAt);
        s.insertConsent.run(c.workspaceId, r.profileId, r.messageId, JSON.stringify(r.purposes), r.channel, r.wording?.version ?? null, r.wording?.hash ?? null,
          r.wording && !r.wording.published ? r.wording.text ?? null : null, JSON.stringify(r.evidence), JSON.stringify(r.request), r.at, r.receivedAt);
      }
      for (const k of c.counters) s.addCounter.run(c.workspaceId, k.day, k.kind, k.name, k.count);
      for (const p of c.profiles) {
        s.updateProfile.run(p.createdAt, p.updatedAt, JSON.stringify(p.traits), JSON.stringify(profileState(p)), searchText(p), p.id);
        cache.saved(p);
      }
      for (const d of c.deliveries ?? []) s.insertDelivery.run(d.id, c.workspaceId, d.webhookId, d.profileId, d.event, d.payload, d.nextAttemptAt, d.createdAt);
      if (c.segments) applySegmentChanges(s.segments, c.workspaceId, c.segments);
      if (c.itemStubs && c.itemStubs.length > 0) insertSqliteItemStubs(s.itemStubs, c.workspaceId, c.itemStubs, stubTime(c));
      if (c.itemRebuild) {
        const p = c.itemRebuild.progress;
        s.itemRebuild.run(c.workspaceId, p.cursor, p.processed, p.startedAt, p.finishedAt);
        if (p.finishedAt !== null) switchSqliteRebuild(s.itemLearning, c.workspaceId);
      }
      applySqliteAnalytics(s.analytics, c.workspaceId, c.analytics, c.merges);
      applyExperimentChanges(s.experiments, c.workspaceId, c.experiments);
    },
  };
}
