/**
 * Loading profiles with their identities, shared by the write transaction (which locks them) and
 * the read side. A merged-away profile is a redirect (`merged_into`) to its survivor; redirects are
 * kept flat by the merge step, but chains are followed anyway (at most 100 hops).
 */
import type { IdentityRecord, Profile } from '../../core/profiles/profile.js';
import { profileFromColumns, type ProfileState } from '../shared/codec.js';
import type { Queryable } from './database.js';

interface ProfileRow {
  id: string;
  workspace_id: string;
  created_at: string;
  updated_at: string;
  merged_into: string | null;
  traits: Record<string, unknown>;
  state: Partial<ProfileState>;
}

interface IdentityRow { profile_id: string; kind: IdentityRecord['kind']; value: string; first_seen_at: string; message_id: string | null }

/**
 * One primary-key probe per id (a LATERAL subquery, kept apart by its locking clause or OFFSET 0),
 * whatever the table's statistics say; see write-tx.ts. With FOR UPDATE each probe locks its row,
 * in the order of the ids given (sorted, so that two transactions lock in the same order).
 */
const selectProfiles = (lock: string) => `SELECT p.id, p.workspace_id, p.created_at, p.updated_at, p.merged_into, p.traits, p.state
  FROM unnest($2::text[]) AS k(id)
  CROSS JOIN LATERAL (SELECT * FROM profiles WHERE profiles.id = k.id AND profiles.workspace_id = $1 ${lock}) AS p`;
const SELECT_PROFILES = selectProfiles('OFFSET 0');
const SELECT_PROFILES_FOR_UPDATE = selectProfiles('FOR UPDATE');

/**
 * Live profiles for the asked ids, keyed by the asked id (a merged-away id maps to its survivor;
 * several asked ids may share one Profile object). With `forUpdate`, every row read is locked
 * until the transaction ends, in id order; a row changed meanwhile is read as committed.
 */
export async function loadLiveProfiles(db: Queryable, workspaceId: string, ids: readonly string[], options: { forUpdate: boolean }): Promise<Map<string, Profile>> {
  const result = new Map<string, Profile>();
  if (ids.length === 0) return result;
  const text = options.forUpdate ? SELECT_PROFILES_FOR_UPDATE : SELECT_PROFILES;
  const name = options.forUpdate ? 'tessera_profiles_for_update' : 'tessera_profiles';
  const rows = new Map<string, ProfileRow>();
  const identities = new Map<string, IdentityRecord[]>();
  let want = [...new Set(ids)].sort();
  for (let hops = 0; want.length > 0 && hops <= 100; hops++) {
    // Sent together (the pool's connections pipeline): the identities are read right after the
    // rows are locked. Those of a merged-away id come back empty, its survivor's in the next hop.
    const [found] = await Promise.all([
      db.query<ProfileRow>({ name, text, values: [workspaceId, want] }),
      identitiesOf(db, want, identities),
    ]);
    for (const row of found.rows) rows.set(row.id, row);
    want = [...new Set(found.rows.map((r) => r.merged_into).filter((id): id is string => id !== null && !rows.has(id)))].sort();
  }
  const liveOf = (id: string): ProfileRow | undefined => {
    let row = rows.get(id);
    for (let hops = 0; row?.merged_into && hops < 100; hops++) row = rows.get(row.merged_into);
    return row && !row.merged_into ? row : undefined;
  };
  const profiles = new Map<string, Profile>();
  for (const id of ids) {
    const row = liveOf(id);
    if (!row) continue;
    let profile = profiles.get(row.id);
    if (!profile) profiles.set(row.id, profile = profileFromColumns(row, identities.get(row.id) ?? []));
    result.set(id, profile);
  }
  return result;
}

async function identitiesOf(db: Queryable, profileIds: string[], into: Map<string, IdentityRecord[]>): Promise<void> {
  const { rows } = await db.query<IdentityRow>({
    name: 'tessera_identities_of',
    text: `SELECT i.profile_id, i.kind, i.value, i.first_seen_at, i.message_id FROM unnest($1::text[]) AS k(id)
      CROSS JOIN LATERAL (SELECT * FROM identities WHERE identities.profile_id = k.id OFFSET 0) AS i
      ORDER BY i.profile_id, i.kind, i.value`,
    values: [profileIds],
  });
  for (const r of rows) {
    const list = into.get(r.profile_id) ?? [];
    list.push({ kind: r.kind, value: r.value, firstSeenAt: Number(r.first_seen_at), messageId: r.message_id });
    into.set(r.profile_id, list);
  }
}
