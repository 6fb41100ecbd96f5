/**
 * The LinkSigner: signs and verifies email-link tokens (core/links/signed-token.ts) with the
 * workspace's keyring (ports/keyring-store.ts), and rotates and retires its keys.
 *
 * - `sign` uses the workspace's newest unretired key; a workspace's first key is made on first use.
 * - `verify` checks a token for one expected purpose. With a workspace id it verifies against that
 *   workspace only; with null (a link that arrives without a write key) it reads the workspace
 *   from the token, unverified, only to choose the keys, and the HMAC then decides. It never throws
 *   on outside input: it answers `{ ok: false, reason }`.
 * - Keys are cached per workspace for CACHE_MS. A key rotated or retired through this signer takes
 *   effect here at once; through another server, within CACHE_MS (a token signed elsewhere with a
 *   key this cache does not know yet triggers one reload, at most once a second).
 * How long each kind of token lives and what a second use of it may do (the threat model):
 * link-lifetimes.ts; single use: single-use.ts.
 */
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../core/events/event.js';
import { signToken, unverifiedWorkspaceId, verifyToken, type SigningKey, type TokenPurpose, type VerifiedToken } from '../core/links/signed-token.js';
import type { KeyringStore, SigningKeyRecord } from '../ports/keyring-store.js';

const CACHE_MS = 30_000;
/** Workspace ids come from unverified tokens: the cache must not grow with what attackers invent. */
const MAX_CACHED_WORKSPACES = 10_000;
const RELOAD_UNKNOWN_AFTER_MS = 1_000;
/** Tokens live one year at most (an opt-in or unsubscribe link in an old email). */
export const MAX_TOKEN_TTL_MS = 366 * 24 * 3600_000;

export interface SignRequest {
  purpose: TokenPurpose;
  /** The recipient's profile id (pseudonymous; never an email address). */
  recipient: string;
  ttlMs: number;
  data?: JsonObject;
}

/** What the admin API and the CLI show of a key: never its secret. */
export interface SigningKeyInfo {
  id: string;
  createdAt: number;
  retiredAt: number | null;
  /** The key new tokens are signed with. */
  active: boolean;
}

export interface LinkSigner {
  sign(workspaceId: string, request: SignRequest): Promise<string>;
  verify(workspaceId: string | null, token: unknown, purpose: TokenPurpose): Promise<VerifiedToken>;
  /** The workspace's keys, oldest first. */
  keys(workspaceId: string): Promise<SigningKeyInfo[]>;
  /** Adds a new key that signs from now on; older keys keep verifying until retired. */
  rotate(workspaceId: string): Promise<SigningKeyInfo>;
  /**
   * Retires a key: tokens signed with it stop verifying. Retiring the active key is allowed (a
   * leaked key); the next token is then signed with the newest remaining key, or a new one.
   * False when the workspace has no such unretired key.
   */
  retire(workspaceId: string, keyId: string): Promise<boolean>;
  /**
   * The key new tokens of other formats are sealed with (decision ids, core/decisions/decision-id.ts):
   * the same active key `sign` uses, made on first use (the only write; the slot admin API makes it
   * when a workspace's first slot is saved, so that decide never writes).
   */
  activeKey(workspaceId: string): Promise<SigningKey>;
  /** An unretired key of the workspace by id, or null (with the same one reload as `verify`). */
  verifyingKey(workspaceId: string, keyId: string): Promise<Buffer | null>;
}

interface CachedKeys {
  loadedAt: number;
  verifying: Map<string, Buffer>;
  active: SigningKey | null;
}

export function createLinkSigner(deps: { keyring: KeyringStore; now: () => number }): LinkSigner {
  const cache = new Map<string, CachedKeys>();

  const load = async (workspaceId: string): Promise<CachedKeys> => {
    const records = await deps.keyring.list(workspaceId);
    const live = records.filter((k) => k.retiredAt === null);
    const newest = newestOf(live);
    const entry: CachedKeys = {
      loadedAt: deps.now(),
      verifying: new Map(live.map((k) => [k.id, k.secret])),
      active: newest ? { id: newest.id, secret: newest.secret } : null,
    };
    if (cache.size >= MAX_CACHED_WORKSPACES) cache.clear();
    // A workspace without keys (or one an attacker made up) is not cached: nothing to keep.
    if (records.length > 0) cache.set(workspaceId, entry);
    return entry;
  };
  const keysOf = async (workspaceId: string): Promise<CachedKeys> => {
    const found = cache.get(workspaceId);
    return found && deps.now() - found.loadedAt < CACHE_MS ? found : load(workspaceId);
  };
  const newKey = (workspaceId: string): SigningKeyRecord => ({
    workspaceId, id: `k${randomBytes(9).toString('base64url')}`, secret: randomBytes(32), createdAt: deps.now(), retiredAt: null,
  });
  const info = async (workspaceId: string): Promise<SigningKeyInfo[]> => {
    const records = await deps.keyring.list(workspaceId);
    const active = newestOf(records.filter((k) => k.retiredAt === null));
    return records.map((k) => ({ id: k.id, createdAt: k.createdAt, retiredAt: k.retiredAt, active: k.id === active?.id }));
  };

  const activeKey = async (workspaceId: string): Promise<SigningKey> => {
    let keys = await keysOf(workspaceId);
    if (!keys.active) {
      await deps.keyring.ensureActive(newKey(workspaceId));
      keys = await load(workspaceId);
    }
    return keys.active!;
  };

  return {
    activeKey,

    async verifyingKey(workspaceId, keyId) {
      let keys = await keysOf(workspaceId);
      const found = keys.verifying.get(keyId);
      if (found || deps.now() - keys.loadedAt < RELOAD_UNKNOWN_AFTER_MS) return found ?? null;
      keys = await load(workspaceId);
      return keys.verifying.get(keyId) ?? null;
    },

    async sign(workspaceId, request) {
      if (!(request.ttlMs > 0 && request.ttlMs <= MAX_TOKEN_TTL_MS)) throw new Error(`token ttl must be in (0, ${MAX_TOKEN_TTL_MS}] ms, got ${request.ttlMs}`);
      const active = await activeKey(workspaceId);
      const issuedAt = deps.now();
      return signToken({
        purpose: request.purpose, workspaceId, recipient: request.recipient, id: randomBytes(12).toString('base64url'),
        issuedAt, expiresAt: issuedAt + request.ttlMs, ...(request.data ? { data: request.data } : {}),
      }, active);
    },

    async verify(workspaceId, token, purpose) {
      const target = workspaceId ?? unverifiedWorkspaceId(token);
      if (target === null) return { ok: false, reason: 'malformed' };
      let keys = await keysOf(target);
      const check = () => verifyToken(token, { purpose, workspaceId: target, now: deps.now(), keys: keys.verifying });
      const first = check();
      if (first.ok || first.reason !== 'unknown_key' || deps.now() - keys.loadedAt < RELOAD_UNKNOWN_AFTER_MS) return first;
      keys = await load(target);
      return check();
    },

    keys: info,

    async rotate(workspaceId) {
      const key = newKey(workspaceId);
      // A clock that has not moved since the previous key would make the order ambiguous.
      const previous = newestOf(await deps.keyring.list(workspaceId));
      if (previous && previous.createdAt >= key.createdAt) key.createdAt = previous.createdAt + 1;
      await deps.keyring.add(key);
      await load(workspaceId);
      return { id: key.id, createdAt: key.createdAt, retiredAt: null, active: true };
    },

    async retire(workspaceId, keyId) {
      const retired = await deps.keyring.retire(workspaceId, keyId, deps.now());
      await load(workspaceId);
      return retired;
    },
  };
}

/** The key that signs: the newest (by createdAt, then id, as the store orders them). */
function newestOf(keys: readonly SigningKeyRecord[]): SigningKeyRecord | undefined {
  return keys.reduce<SigningKeyRecord | undefined>((best, k) => (!best || k.createdAt > best.createdAt || (k.createdAt === best.createdAt && k.id > best.id) ? k : best), undefined);
}
