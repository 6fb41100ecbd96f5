/**
 * Free-text People search (`GET /v1/profiles?q=`) through the trigram index of the profiles' search
 * text (schema version 30: profiles_search, an FTS5 trigram table keyed by profile_search_keys).
 *
 * The index only narrows the candidates; the answer is what it was before it existed: the query
 * still filters `search LIKE '%q%'` (same escaping), `ORDER BY updated_at DESC, id` and the same
 * cursor. A trigram phrase holding q finds every row whose text contains q (both sides are folded
 * alike; the search text is lower-cased already), so the LIKE only removes look-alikes.
 *
 * Two plans, chosen per query:
 * - q of 3 or more characters matching few profiles (at most DRIVE_LIMIT in the whole database):
 *   read the matches from the index, then their profiles, and sort them — a rare e-mail or name
 *   costs a few lookups instead of a scan of every profile (~3 s at 1,000,000 before version 30).
 * - a shorter q (no trigram to look up), or one matching many profiles: the scan in the
 *   (workspace_id, updated_at) index order, with the LIKE on each row; matches are common there,
 *   so it stops after a page of them. Counting up to DRIVE_LIMIT matches first is cheap either way.
 */
import type { Database } from './database.js';

/** Above this many index matches the ordered scan finds a page sooner than sorting the matches. */
export const DRIVE_LIMIT = 5000;

/** The FTS5 query for the literal text q: one phrase, double quotes doubled (no operator applies). */
export function trigramPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

/** Trigrams need three characters (code points, as the tokenizer counts them). */
export function indexable(q: string): boolean {
  return [...q].length >= 3;
}

/**
 * The search statement over the conditions `where` (columns named through p, the profile): read
 * from the index when `byIndex` (its MATCH parameter comes first), else from profiles alone.
 * CROSS JOIN keeps the written order (SQLite never reorders it): index matches → keys → profiles.
 */
export function searchStatement(where: readonly string[], byIndex: boolean): string {
  const source = byIndex
    ? 'profiles_search s CROSS JOIN profile_search_keys k ON k.key = s.rowid CROSS JOIN profiles p ON p.id = k.profile_id WHERE s.profiles_search MATCH ? AND'
    : 'profiles p WHERE';
  return `SELECT p.id, p.updated_at FROM ${source} ${where.join(' AND ')} ORDER BY p.updated_at DESC, p.id LIMIT ?`;
}

/** Whether the index should drive the search for this (lower-cased) q. */
export function createSearchPlanner(db: Database.Database): (q: string) => boolean {
  const count = db.prepare('SELECT count(*) FROM (SELECT rowid FROM profiles_search WHERE profiles_search MATCH ? LIMIT ?)').pluck();
  return (q) => indexable(q) && (count.get(trigramPhrase(q), DRIVE_LIMIT + 1) as number) <= DRIVE_LIMIT;
}
