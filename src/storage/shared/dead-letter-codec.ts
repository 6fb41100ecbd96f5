/** What both stores share about dead letters (ports/dead-letter-store.ts): the page cursor. */
import { TesseraError } from '../../core/errors.js';

/** The cursor after a page: the last letter's id, opaque to clients. */
export const deadLetterCursor = (lastId: string): string => Buffer.from(lastId).toString('base64url');

/** The id to continue after; `invalid_query` for anything this API did not hand out. */
export function afterDeadLetter(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^dl_[0-9a-f-]{36}$/.test(id)) throw new TesseraError('invalid_query', { issues: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
  return id;
}
