/**
 * The signing keyring port (issue 6): per-workspace HMAC keys that sign email-link and
 * recognition tokens (core/links/signed-token.ts). Store.keyring.
 *
 * Rotation: a new key is added; the newest unretired key signs new tokens, every unretired key
 * still verifies, so links already sent keep working. Retiring a key makes every token signed with
 * it fail verification (`unknown_key`) from then on. Keys are never deleted: a retired key stays
 * listed as evidence of when it stopped verifying.
 */
import type { EpochMs } from '../core/time.js';

export interface SigningKeyRecord {
  workspaceId: string;
  /** Matches /^[A-Za-z0-9_-]{1,32}$/; unique in the workspace. */
  id: string;
  /** At least 32 random bytes. */
  secret: Buffer;
  createdAt: EpochMs;
  /** When it stopped verifying; null while it verifies. */
  retiredAt: EpochMs | null;
}

export interface KeyringStore {
  /**
   * The workspace's keys, oldest first (by createdAt, then id), retired ones included. An unknown
   * workspace has none.
   */
  list(workspaceId: string): Promise<SigningKeyRecord[]>;
  /** Stores a new key. False, writing nothing, when the workspace has a key with this id already. */
  add(key: SigningKeyRecord): Promise<boolean>;
  /**
   * The newest unretired key, or `candidate` stored now when the workspace has none. Safe under
   * concurrent calls from several servers: all of them answer the same key.
   */
  ensureActive(candidate: SigningKeyRecord): Promise<SigningKeyRecord>;
  /** Marks the key retired at `at`; false when there is no such unretired key in the workspace. */
  retire(workspaceId: string, keyId: string, at: EpochMs): Promise<boolean>;
}
