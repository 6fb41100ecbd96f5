/**
 * The SQL of a profile search. Filters (traits, free text) apply to `profile_search`, the order
 * (last update, newest first, then id) and the cursor to `profiles`.
 *
 * Trait search follows the comparison rules (core/segments/comparison.ts), as the SQLite store
 * does: text case-insensitively and ignoring surrounding spaces (`trait.title=cto` finds "CTO",
 * `Ärztin` finds "ÄRZTIN"), a number trait when the value spells it (`trait.age=42` finds 42 and
 * "42"), a list when one of its items matches. `profile_search.traits` holds the folded traits
 * (searchTraits), so each candidate value is one `traits @> {…}` test, which the GIN index
 * (jsonb_path_ops) answers. Free text is `LIKE '%…%'` on the lower-cased search text, with the
 * wildcards of the query escaped; the trigram index answers it when pg_trgm is installed.
 */
import { TesseraError } from '../../core/errors.js';
import type { ProfileSearch } from '../../ports/store.js';
import { foldText } from '../../core/segments/comparison.js';
import { decodeSearchCursor, searchNumber } from '../shared/codec.js';
import { jsonb, text } from './values.js';

export function searchQuery(workspaceId: string, query: ProfileSearch): { text: string; values: unknown[] } {
  const values: unknown[] = [workspaceId];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where = ['p.workspace_id = $1', 'p.merged_into IS NULL'];
  const filters: string[] = [];
  for (const [name, value] of Object.entries(query.traits ?? {})) {
    filters.push(`(${traitCandidates(value).map((c) => `s.traits @> ${param(jsonb({ [name]: c }))}::jsonb`).join(' OR ')})`);
  }
  if (query.q) filters.push(`s.search LIKE ${param(`%${text(query.q.toLowerCase()).replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  const at = decodeSearchCursor(query.cursor);
  if (query.cursor && !at) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
  if (at) {
    const updated = param(at.updatedAt);
    where.push(`(p.updated_at < ${updated} OR (p.updated_at = ${updated} AND p.id > ${param(at.id)}))`);
  }
  const from = filters.length > 0 ? 'profiles p JOIN profile_search s ON s.profile_id = p.id AND s.workspace_id = $1' : 'profiles p';
  return {
    text: `SELECT p.id, p.updated_at FROM ${from} WHERE ${[...where, ...filters].join(' AND ')} ORDER BY p.updated_at DESC, p.id LIMIT ${param(query.limit + 1)}`,
    values,
  };
}

/** The folded JSON values a trait may hold to match `value`: the text, the number it spells, or a list holding either. */
function traitCandidates(value: string): unknown[] {
  const number = searchNumber(value);
  const scalars: unknown[] = number === undefined ? [foldText(value)] : [foldText(value), number];
  return [...scalars, ...scalars.map((c) => [c])];
}
