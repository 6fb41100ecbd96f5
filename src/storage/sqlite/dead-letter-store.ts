/** Dead letters in SQLite (ports/dead-letter-store.ts). Writes take the store's writer and are durable when they resolve. */
import type { TrackedEvent } from '../../core/events/event.js';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import type { DeadLetter, DeadLetterStore } from '../../ports/dead-letter-store.js';
import { afterDeadLetter, deadLetterCursor } from '../shared/dead-letter-codec.js';
import type { Database } from './database.js';

interface Row { workspace_id: string; id: string; event: string; error: string; failed_at: number; attempts: number; keys: string }

const SELECT = `SELECT d.*, (SELECT json_group_array(json_object('kind', k.kind, 'value', k.value)) FROM dead_letter_keys k
  WHERE k.workspace_id = d.workspace_id AND k.dead_letter_id = d.id) AS keys FROM dead_letters d`;
/** Letters naming one of the identifiers given as a JSON array of {kind, value}. */
const NAMING = `SELECT DISTINCT k.dead_letter_id FROM dead_letter_keys k JOIN json_each(?) j
  ON k.kind = json_extract(j.value, '$.kind') AND k.value = json_extract(j.value, '$.value') WHERE k.workspace_id = ?`;

const toLetter = (row: Row): DeadLetter => ({
  id: row.id, workspaceId: row.workspace_id, event: JSON.parse(row.event) as TrackedEvent, error: row.error, failedAt: row.failed_at, attempts: row.attempts,
  keys: (JSON.parse(row.keys) as IdentityKey[]).sort((a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value)),
});

export function createSqliteDeadLetterStore(writer: Database.Database, reader: Database.Database, durably: <T>(fn: () => T) => Promise<T>): DeadLetterStore {
  const r = {
    page: reader.prepare(`${SELECT} WHERE d.workspace_id = ? AND d.id > ? ORDER BY d.id LIMIT ?`),
    get: reader.prepare(`${SELECT} WHERE d.workspace_id = ? AND d.id = ?`),
    naming: reader.prepare(`${SELECT} WHERE d.workspace_id = ? AND d.id IN (${NAMING}) ORDER BY d.id`),
    count: reader.prepare('SELECT count(*) FROM dead_letters').pluck(),
  };
  const w = {
    add: writer.prepare('INSERT INTO dead_letters (workspace_id, id, event, error, failed_at, attempts) VALUES (?, ?, ?, ?, ?, ?)'),
    addKey: writer.prepare('INSERT INTO dead_letter_keys (workspace_id, kind, value, dead_letter_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    fail: writer.prepare('UPDATE dead_letters SET attempts = attempts + 1, error = ?, failed_at = ? WHERE workspace_id = ? AND id = ?'),
    remove: writer.prepare('DELETE FROM dead_letters WHERE workspace_id = ? AND id = ?'),
    removeKeys: writer.prepare('DELETE FROM dead_letter_keys WHERE workspace_id = ? AND dead_letter_id = ?'),
    naming: writer.prepare(NAMING).pluck(),
  };
  const remove = (workspaceId: string, id: string): boolean => {
    w.removeKeys.run(workspaceId, id);
    return w.remove.run(workspaceId, id).changes > 0;
  };
  return {
    add: (letter) => durably(() => writer.transaction(() => {
      w.add.run(letter.workspaceId, letter.id, JSON.stringify(letter.event), letter.error, letter.failedAt, letter.attempts);
      for (const key of letter.keys) w.addKey.run(letter.workspaceId, key.kind, key.value, letter.id);
    })()),
    async list(workspaceId, { limit, cursor }) {
      const rows = r.page.all(workspaceId, afterDeadLetter(cursor), limit + 1) as Row[];
      const deadLetters = rows.slice(0, limit).map(toLetter);
      return { deadLetters, nextCursor: rows.length > limit ? deadLetterCursor(deadLetters[deadLetters.length - 1]!.id) : null };
    },
    async get(workspaceId, id) {
      const row = r.get.get(workspaceId, id) as Row | undefined;
      return row ? toLetter(row) : null;
    },
    recordFailure: (workspaceId, id, { error, at }) => durably(() => w.fail.run(error, at, workspaceId, id).changes > 0),
    remove: (workspaceId, id) => durably(() => writer.transaction(() => remove(workspaceId, id))()),
    async naming(workspaceId, keys) {
      if (keys.length === 0) return [];
      return (r.naming.all(workspaceId, JSON.stringify(keys), workspaceId) as Row[]).map(toLetter);
    },
    eraseNaming: (workspaceId, keys) => durably(() => {
      if (keys.length === 0) return 0;
      const ids = writer.transaction(() => {
        const found = w.naming.all(JSON.stringify(keys), workspaceId) as string[];
        for (const id of found) remove(workspaceId, id);
        return found;
      })();
      // The WAL holds the letters' old pages until a checkpoint copies the deletion over them;
      // truncate it now, as a profile's erasure does (best effort: a busy background pass copies them soon after).
      if (ids.length > 0) writer.pragma('wal_checkpoint(TRUNCATE)');
      return ids.length;
    }),
    async count() {
      return r.count.get() as number;
    },
  };
}
