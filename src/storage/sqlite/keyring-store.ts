/**
 * The signing keyring in SQLite (see ports/keyring-store.ts). Writes go through the store's
 * exclusive writer; `ensureActive` reads and inserts in one immediate transaction, so two callers
 * cannot both store a first key.
 */
import type { KeyringStore, SigningKeyRecord } from '../../ports/keyring-store.js';
import type { Database } from './database.js';
import type { SecretBox } from '../shared/secret-box.js';

interface KeyRow { workspace_id: string; id: string; secret: string; created_at: number; retired_at: number | null }

export function createSqliteKeyringStore(writer: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>, box: SecretBox): KeyringStore {
  const toKey = (r: KeyRow): SigningKeyRecord => ({
    workspaceId: r.workspace_id, id: r.id, secret: Buffer.from(box.open(r.secret), 'base64url'), createdAt: r.created_at, retiredAt: r.retired_at,
  });
  const s = {
    list: writer.prepare('SELECT * FROM signing_keys WHERE workspace_id = ? ORDER BY created_at, id'),
    active: writer.prepare('SELECT * FROM signing_keys WHERE workspace_id = ? AND retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1'),
    add: writer.prepare('INSERT INTO signing_keys (workspace_id, id, secret, created_at, retired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    retire: writer.prepare('UPDATE signing_keys SET retired_at = ? WHERE workspace_id = ? AND id = ? AND retired_at IS NULL'),
  };
  const insert = (k: SigningKeyRecord) => s.add.run(k.workspaceId, k.id, box.seal(k.secret.toString('base64url')), k.createdAt, k.retiredAt).changes === 1;
  return {
    // Reads on the writer connection: a key added a moment ago must verify at once.
    list: (workspaceId) => exclusive(() => (s.list.all(workspaceId) as KeyRow[]).map(toKey)),
    add: (key) => exclusive(() => insert(key)),
    ensureActive: (candidate) => exclusive(() => writer.transaction(() => {
      const found = s.active.get(candidate.workspaceId) as KeyRow | undefined;
      if (found) return toKey(found);
      insert(candidate);
      return toKey(s.active.get(candidate.workspaceId) as KeyRow);
    }).immediate()),
    retire: (workspaceId, keyId, at) => exclusive(() => s.retire.run(at, workspaceId, keyId).changes === 1),
  };
}
