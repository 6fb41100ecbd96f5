/**
 * Writes an ingest batch's ChangeSet (order of effects: see ports/store.ts) with one statement per
 * kind of row, never one per event. Each column travels as one parameter holding a JSON array
 * (json_array_elements_text for values, json_array_elements for documents) and ROWS FROM zips the
 * columns back into rows. Measured against PostgreSQL arrays (text[] with unnest): the JSON is
 * built natively by JSON.stringify instead of element by element, and PostgreSQL reads documents
 * inside one json value several times faster than quoted in an array literal. Large batches are
 * cut into chunks so that no statement carries more than a few MB.
 *
 * `profile_search` is written only for profiles whose traits or search text changed (see
 * migrations.ts for why it is a table of its own).
 */
import { assignmentMoveQueries, experimentChangeQueries } from './experiment-store.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { ConsentWording } from '../../core/privacy/consent.js';
import type { ChangeSet } from '../../ports/store.js';
import { eventBody, profileState, searchText, searchTraits } from '../shared/codec.js';
import type { Queryable } from './database.js';
import { chunks, jsonArray, jsonb, text } from './values.js';
import { applySegmentChanges } from './segment-store.js';
import { analyticsQueries } from './analytics-store.js';
import { mergePostgresCounters, updatePostgresCounters } from './decision-store.js';
import { insertPostgresItemStubs, learnPostgresItems, putPostgresRebuild, switchPostgresRebuild } from './recommendation-store.js';
import { stubTime } from '../shared/item-codec.js';

/** What profile_search holds for a profile: jsonb-safe folded traits (searchTraits) and the search text. */
export interface SearchEntry {
  traits: string;
  search: string;
}

export function searchEntry(p: Profile): SearchEntry {
  return { traits: jsonb(searchTraits(p.traits)), search: text(searchText(p)) };
}

/** `searchBefore`: the entries of the loaded profiles as they were loaded (unchanged ones are skipped). */
export async function applyChanges(db: Queryable, c: ChangeSet, searchBefore: ReadonlyMap<string, SearchEntry>): Promise<void> {
  // Every statement is sent at once (the pool's connections pipeline); PostgreSQL runs them in this
  // order. When one fails, the ones after it fail too (the transaction is aborted) and the first
  // error is the one reported.
  const sent: Array<Promise<unknown>> = [];
  try {
    for (const part of chunks(c.newProfiles)) {
      sent.push(db.query({ name: 'tessera_insert_profiles', text: INSERT_PROFILES, values: [c.workspaceId, ...profileColumns(part)] }));
      sent.push(writeSearch(db, c.workspaceId, part.map((p) => [p.id, searchEntry(p)]), 'insert'));
    }
    if (c.merges.length > 0) sent.push(...applyMerges(db, c));
    // Experiment assignments merge one merge at a time, in batch order (a chain A→B→C ends at C).
    for (const m of c.merges) sent.push(...assignmentMoveQueries(db, c.workspaceId, m.survivorId, m.mergedId));
    if (c.merges.length > 0 || (c.exposures?.length ?? 0) > 0) sent.push(writeCounters(db, c));
    const learning = c.merges.length > 0 || (c.itemLearning?.interactions.length ?? 0) > 0 || (c.itemLearning?.feedback?.length ?? 0) > 0 ? learnPostgresItems(db, c, finalSurvivors(c)) : Promise.resolve();
    sent.push(learning);
    for (const part of chunks(c.identities)) sent.push(insertIdentities(db, c.workspaceId, part));
    for (const part of chunks(c.events)) sent.push(insertEvents(db, c.workspaceId, part));
    const wordings = insertWordings(db, c.workspaceId, c.consents);
    if (wordings) sent.push(wordings);
    for (const part of chunks(c.consents)) sent.push(insertConsents(db, c.workspaceId, part));
    if (c.counters.length > 0) sent.push(addCounters(db, c.workspaceId, c.counters));
    for (const part of chunks(c.profiles)) {
      // Unnamed, so planned for each batch with the table's current size: a plan cached while the
      // table was small would scan it whole on every batch.
      sent.push(db.query({ text: UPDATE_PROFILES, values: [c.workspaceId, ...profileColumns(part)] }));
      const changed = part.map((p): [string, SearchEntry] => [p.id, searchEntry(p)]).filter(([id, entry]) => {
        const before = searchBefore.get(id);
        return !before || before.traits !== entry.traits || before.search !== entry.search;
      });
      if (changed.length > 0) sent.push(writeSearch(db, c.workspaceId, changed, 'upsert'));
    }
    if (c.segments) sent.push(...applySegmentChanges(db, c.workspaceId, c.segments));
    for (const part of chunks(c.deliveries ?? [])) sent.push(insertDeliveries(db, c.workspaceId, part));
    for (const part of chunks(c.itemStubs ?? [])) sent.push(insertPostgresItemStubs(db, c.workspaceId, part, stubTime(c)));
    if (c.itemRebuild) {
      sent.push(putPostgresRebuild(db, c.workspaceId, c.itemRebuild.progress));
      // The last page switches its shadow tables in once its own learning went out (the stubs went before).
      if (c.itemRebuild.progress.finishedAt !== null) sent.push(learning.then(() => switchPostgresRebuild(db, c.workspaceId)));
    }
    sent.push(...analyticsQueries(db, c.workspaceId, c.analytics, c.merges));
    sent.push(...experimentChangeQueries(db, c.workspaceId, c.experiments));
  } catch (error) {
    // Serialising a row failed after some statements went out: let them finish before the rollback.
    await Promise.allSettled(sent);
    throw error;
  }
  await Promise.all(sent);
}

type ColumnType = 'text' | 'bigint' | 'json';

/** `ROWS FROM (…) AS alias(…)` over JSON-array parameters $first, $first+1, …, and the typed select list. */
function rowsFrom(alias: string, first: number, columns: ReadonlyArray<[string, ColumnType]>): { from: string; select: string } {
  const fns = columns.map(([, type], i) => `${type === 'json' ? 'json_array_elements' : 'json_array_elements_text'}($${first + i}::json)`);
  return {
    from: `ROWS FROM (${fns.join(', ')}) AS ${alias}(${columns.map(([name]) => name).join(', ')})`,
    select: columns.map(([name, type]) => (type === 'bigint' ? `${alias}.${name}::bigint` : `${alias}.${name}`)).join(', '),
  };
}

const json = (values: unknown[]) => JSON.stringify(values);

const PROFILE = rowsFrom('p', 2, [['id', 'text'], ['created_at', 'bigint'], ['updated_at', 'bigint'], ['traits', 'json'], ['state', 'json']]);
const INSERT_PROFILES = `INSERT INTO profiles (id, workspace_id, created_at, updated_at, traits, state)
  SELECT p.id, $1::text, p.created_at::bigint, p.updated_at::bigint, p.traits, p.state FROM ${PROFILE.from}`;
const UPDATE_PROFILES = `UPDATE profiles SET created_at = p.created_at::bigint, updated_at = p.updated_at::bigint, traits = p.traits, state = p.state
  FROM ${PROFILE.from} WHERE profiles.id = p.id AND profiles.workspace_id = $1::text`;

function profileColumns(profiles: Profile[]): string[] {
  return [
    json(profiles.map((p) => p.id)),
    json(profiles.map((p) => p.createdAt)),
    json(profiles.map((p) => p.updatedAt)),
    json(profiles.map((p) => p.traits)),
    json(profiles.map(profileState)),
  ];
}

const SEARCH = rowsFrom('s', 2, [['id', 'text'], ['traits', 'json'], ['search', 'text']]);

/** New profiles get their row inserted; changed ones upsert it (a plain insert skips the conflict check). */
function writeSearch(db: Queryable, workspaceId: string, entries: Array<[string, SearchEntry]>, mode: 'insert' | 'upsert'): Promise<unknown> {
  return db.query({
    name: `tessera_${mode}_search`,
    text: `INSERT INTO profile_search (profile_id, workspace_id, traits, search)
      SELECT s.id, $1::text, s.traits::jsonb, s.search FROM ${SEARCH.from}
      ${mode === 'upsert' ? 'ON CONFLICT (profile_id) DO UPDATE SET traits = excluded.traits, search = excluded.search' : ''}`,
    values: [workspaceId, json(entries.map(([id]) => id)), jsonArray(entries.map(([, e]) => e.traits)), json(entries.map(([, e]) => e.search))],
  });
}

/**
 * merged id → final survivor, as PostgreSQL arrays: unnest of a text[] parameter tells the planner
 * how many rows it yields, and `= ANY($1)` keeps the lookup on the profile_id indexes (a merged
 * profile may own thousands of events; a hash join would read the whole events table).
 */
const MAPPING = 'unnest($1::text[], $2::text[]) AS m(merged, final)';
const MERGE = rowsFrom('m', 2, [['survivor_id', 'text'], ['merged_id', 'text'], ['cause_kind', 'text'], ['cause_value', 'text'], ['message_id', 'text'], ['at', 'bigint'], ['snapshot', 'json']]);

/**
 * Merges in batch order may chain (A into B, then B into C); everything of a merged profile goes
 * to the end of its chain, and every redirect points there directly, as if applied one by one.
 */
function finalSurvivors(c: ChangeSet): (id: string) => string {
  const next = new Map(c.merges.map((m) => [m.mergedId, m.survivorId]));
  return (id: string) => {
    let current = id;
    for (let hop = next.get(current); hop !== undefined && hop !== id; hop = next.get(current)) current = hop;
    return current;
  };
}

/**
 * Exposure counters (ports/decision-store.ts) are folded on a merge, not moved (read, merged with
 * core's mergeCounters, written), then the batch's own counter updates land on the folded record.
 */
async function writeCounters(db: Queryable, c: ChangeSet): Promise<void> {
  if (c.merges.length > 0) {
    const finalOf = finalSurvivors(c);
    await mergePostgresCounters(db, c.workspaceId, c.merges.map((m) => ({ mergedId: m.mergedId, finalId: finalOf(m.mergedId), at: m.at })));
  }
  await updatePostgresCounters(db, c);
}

function applyMerges(db: Queryable, c: ChangeSet): Array<Promise<unknown>> {
  const finalOf = finalSurvivors(c);
  const merged = [...new Set(c.merges.map((m) => m.mergedId))];
  const mapping = [merged, merged.map(finalOf)];
  return [
    db.query(`UPDATE identities SET profile_id = m.final FROM ${MAPPING} WHERE identities.profile_id = m.merged AND identities.profile_id = ANY($1)`, mapping),
    db.query(`UPDATE events SET profile_id = m.final FROM ${MAPPING} WHERE events.profile_id = m.merged AND events.profile_id = ANY($1)`, mapping),
    db.query(`UPDATE consents SET profile_id = m.final FROM ${MAPPING} WHERE consents.profile_id = m.merged AND consents.profile_id = ANY($1)`, mapping),
    db.query(`UPDATE profiles SET merged_into = m.final FROM ${MAPPING} WHERE profiles.merged_into = m.merged AND profiles.merged_into = ANY($1)`, mapping),
    db.query(`UPDATE profiles SET merged_into = m.final, traits = '{}', state = '{}' FROM ${MAPPING} WHERE profiles.id = m.merged AND profiles.id = ANY($1)`, mapping),
    db.query('DELETE FROM profile_search WHERE profile_id = ANY($1::text[])', [merged]),
    db.query(`INSERT INTO merges (workspace_id, survivor_id, merged_id, cause_kind, cause_value, message_id, at, snapshot)
      SELECT $1::text, ${MERGE.select} FROM ${MERGE.from}`, [
      c.workspaceId,
      json(c.merges.map((m) => m.survivorId)),
      json(c.merges.map((m) => m.mergedId)),
      json(c.merges.map((m) => m.cause.kind)),
      json(c.merges.map((m) => text(m.cause.value))),
      json(c.merges.map((m) => text(m.messageId))),
      json(c.merges.map((m) => m.at)),
      json(c.merges.map((m) => m.snapshot)),
    ]),
  ];
}

const IDENTITY = rowsFrom('i', 2, [['kind', 'text'], ['value', 'text'], ['profile_id', 'text'], ['first_seen_at', 'bigint'], ['message_id', 'text']]);

function insertIdentities(db: Queryable, workspaceId: string, rows: ChangeSet['identities']): Promise<unknown> {
  return db.query({
    name: 'tessera_insert_identities',
    text: `INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at, message_id) SELECT $1::text, ${IDENTITY.select} FROM ${IDENTITY.from}`,
    values: [
      workspaceId,
      json(rows.map((r) => r.identity.kind)),
      json(rows.map((r) => text(r.identity.value))),
      json(rows.map((r) => r.profileId)),
      json(rows.map((r) => r.identity.firstSeenAt)),
      json(rows.map((r) => text(r.identity.messageId))),
    ],
  });
}

const EVENT = rowsFrom('e', 2, [
  ['message_id', 'text'], ['profile_id', 'text'], ['original_profile_id', 'text'], ['type', 'text'], ['name', 'text'],
  ['anonymous_id', 'text'], ['user_id', 'text'], ['ts', 'bigint'], ['received_at', 'bigint'], ['body', 'json'], ['hit', 'text'],
]);

function insertEvents(db: Queryable, workspaceId: string, rows: ChangeSet['events']): Promise<unknown> {
  return db.query({
    name: 'tessera_insert_events',
    text: `INSERT INTO events (workspace_id, message_id, profile_id, original_profile_id, type, name, anonymous_id, user_id, ts, received_at, body, hit)
      SELECT $1::text, ${EVENT.select} FROM ${EVENT.from}`,
    values: [
      workspaceId,
      json(rows.map((r) => text(r.event.messageId))),
      json(rows.map((r) => r.profileId)),
      json(rows.map((r) => r.originalProfileId)),
      json(rows.map((r) => r.event.type)),
      json(rows.map((r) => text(r.event.name))),
      json(rows.map((r) => text(r.event.anonymousId))),
      json(rows.map((r) => text(r.event.userId))),
      json(rows.map((r) => r.event.timestamp)),
      json(rows.map((r) => r.event.receivedAt)),
      json(rows.map((r) => eventBody(r.event))),
      json(rows.map((r) => (r.hit == null ? null : text(r.hit)))),
    ],
  });
}

/**
 * The workspace's published consent wordings are kept once per hash (core/privacy/consent.ts); any
 * other text is kept only on the person's consent record (`consents.wording_text`). Several
 * records of a batch may share a wording, and one statement may not upsert a row twice: one row
 * per hash, in hash order (two batches lock shared rows in one order, so they cannot deadlock).
 * An existing row is left alone unless it lacks the text this batch has.
 */
function insertWordings(db: Queryable, workspaceId: string, records: ChangeSet['consents']): Promise<unknown> | null {
  const byHash = new Map<string, { wording: ConsentWording; at: number }>();
  for (const r of records) {
    if (!r.wording?.published) continue;
    const hash = text(r.wording.hash);
    const held = byHash.get(hash);
    if (!held) byHash.set(hash, { wording: r.wording, at: r.receivedAt });
    else if (held.wording.text === undefined && r.wording.text !== undefined) held.wording = { ...held.wording, text: r.wording.text };
  }
  if (byHash.size === 0) return null;
  const rows = [...byHash].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return db.query({
    name: 'tessera_insert_wordings',
    text: `INSERT INTO consent_wordings (workspace_id, hash, version, text, first_seen_at) SELECT $1::text, ${WORDING.select} FROM ${WORDING.from}
      ON CONFLICT (workspace_id, hash) DO UPDATE SET text = excluded.text WHERE consent_wordings.text IS NULL AND excluded.text IS NOT NULL`,
    values: [
      workspaceId,
      json(rows.map(([hash]) => hash)),
      json(rows.map(([, w]) => text(w.wording.version))),
      json(rows.map(([, w]) => (w.wording.text === undefined ? null : text(w.wording.text)))),
      json(rows.map(([, w]) => w.at)),
    ],
  });
}

const WORDING = rowsFrom('w', 2, [['hash', 'text'], ['version', 'text'], ['text', 'text'], ['first_seen_at', 'bigint']]);

const CONSENT = rowsFrom('c', 2, [
  ['profile_id', 'text'], ['message_id', 'text'], ['purposes', 'json'], ['channel', 'text'], ['wording_version', 'text'], ['wording_hash', 'text'],
  ['wording_text', 'text'], ['evidence', 'json'], ['request', 'json'], ['at', 'bigint'], ['received_at', 'bigint'],
]);

function insertConsents(db: Queryable, workspaceId: string, rows: ChangeSet['consents']): Promise<unknown> {
  return db.query({
    name: 'tessera_insert_consents',
    text: `INSERT INTO consents (workspace_id, profile_id, message_id, purposes, channel, wording_version, wording_hash, wording_text, evidence, request, at, received_at)
      SELECT $1::text, ${CONSENT.select} FROM ${CONSENT.from}`,
    values: [
      workspaceId,
      json(rows.map((r) => r.profileId)),
      json(rows.map((r) => text(r.messageId))),
      json(rows.map((r) => r.purposes)),
      json(rows.map((r) => r.channel)),
      json(rows.map((r) => (r.wording ? text(r.wording.version) : null))),
      json(rows.map((r) => (r.wording ? text(r.wording.hash) : null))),
      json(rows.map((r) => (r.wording && !r.wording.published && r.wording.text !== undefined ? text(r.wording.text) : null))),
      json(rows.map((r) => r.evidence)),
      json(rows.map((r) => r.request)),
      json(rows.map((r) => r.at)),
      json(rows.map((r) => r.receivedAt)),
    ],
  });
}

const COUNTER = rowsFrom('k', 2, [['day', 'text'], ['kind', 'text'], ['name', 'text'], ['count', 'bigint']]);

/**
 * Adds to the per-day counters. Names are cleaned for text first, so two names may become one row:
 * they are added up here (one statement may not upsert a row twice), and sent in key order so that
 * two batches bumping the same counters lock them in the same order.
 */
function addCounters(db: Queryable, workspaceId: string, counters: ChangeSet['counters']): Promise<unknown> {
  const sums = new Map<string, { day: string; kind: string; name: string; count: number }>();
  for (const k of counters) {
    const name = text(k.name);
    const key = JSON.stringify([k.day, k.kind, name]);
    const held = sums.get(key);
    if (held) held.count += k.count;
    else sums.set(key, { day: k.day, kind: k.kind, name, count: k.count });
  }
  const rows = [...sums.values()].sort((a, b) => compare(a.day, b.day) || compare(a.kind, b.kind) || compare(a.name, b.name));
  return db.query({
    name: 'tessera_add_counters',
    text: `INSERT INTO privacy_counters (workspace_id, day, kind, name, count) SELECT $1::text, k.day::date, k.kind, k.name, k.count::bigint FROM ${COUNTER.from}
      ON CONFLICT (workspace_id, day, kind, name) DO UPDATE SET count = privacy_counters.count + excluded.count`,
    values: [workspaceId, json(rows.map((r) => r.day)), json(rows.map((r) => r.kind)), json(rows.map((r) => r.name)), json(rows.map((r) => r.count))],
  });
}

/** Any fixed order keeps two batches from locking shared rows in opposite orders; this is UTF-16 order. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The outbox rows of the batch's profile changes (ports/webhook-store.ts), pending from the start. */
function insertDeliveries(db: Queryable, workspaceId: string, rows: NonNullable<ChangeSet['deliveries']>): Promise<unknown> {
  return db.query({
    name: 'tessera_insert_deliveries',
    text: `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, profile_id, event, payload, status, attempts, next_attempt_at, created_at, log)
      SELECT d.id, $1::text, d.webhook_id, d.profile_id, d.event, d.payload, 'pending', 0, d.next_attempt_at, d.created_at, '[]'::json
      FROM json_to_recordset($2::json) AS d(id text, webhook_id text, profile_id text, event text, payload text, next_attempt_at bigint, created_at bigint)`,
    values: [workspaceId, JSON.stringify(rows.map((d) => ({
      id: d.id, webhook_id: d.webhookId, profile_id: d.profileId, event: d.event, payload: d.payload, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt,
    })))],
  });
}
