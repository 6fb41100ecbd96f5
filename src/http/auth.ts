/**
 * Finding the workspace of a request. Write keys come as the HTTP Basic user name (what the
 * Segment libraries send) or as `writeKey` in the body (analytics.js with text/plain bodies);
 * admin keys as `Authorization: Bearer …`. Lookups are cached for a few seconds: the write key is
 * checked on every event request.
 */
import { LRUCache } from 'lru-cache';
import { TesseraError } from '../core/errors.js';
import type { ApiKeyKind } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';
import { hashKey } from '../workspaces/api-keys.js';

const TTL_MS = 5_000;

interface KeyLookup {
  workspaceId: string | null;
  keyId: string | null;
  /** Set when the key is not of the kind asked for but of the other kind: the hint to give. */
  otherKind: boolean;
}

export interface KeyResolver {
  /** The workspace id for a key, or throws `unauthorized`. */
  workspaceFor(kind: ApiKeyKind, key: string | undefined): Promise<string>;
  /** The workspace and the key's id (for the audit log), or throws `unauthorized`. */
  authenticate(kind: ApiKeyKind, key: string | undefined): Promise<{ workspaceId: string; keyId: string }>;
}

const MISSING: Record<ApiKeyKind, string> = {
  write: 'A write key is required (HTTP Basic user name or "writeKey" in the body).',
  admin: 'An admin key is required (Authorization: Bearer …).',
};

/** What to say when a valid key of the other kind was sent: the most common mistake of a first try. */
const WRONG_KIND: Record<ApiKeyKind, string> = {
  write: 'This is an admin key. The collection API takes the workspace\'s write key (wk_…), as the HTTP Basic user name or "writeKey" in the body. Keep admin keys on servers: they read personal data.',
  admin: 'This is a write key. This route takes an admin key, as "Authorization: Bearer ak_…".',
};

export function createKeyResolver(store: Store, now: () => number): KeyResolver {
  // Misses are cached too, so that a client retrying a wrong key does not reach the store each time.
  const cache = new LRUCache<string, KeyLookup>({ max: 10_000, ttl: TTL_MS, ttlAutopurge: false, perf: { now } });
  const lookup = async (kind: ApiKeyKind, key: string): Promise<KeyLookup> => {
    const hash = hashKey(key);
    const record = await store.workspaces.findKey(kind, hash);
    if (record) return { workspaceId: record.workspaceId, keyId: record.id, otherKind: false };
    const other = await store.workspaces.findKey(kind === 'write' ? 'admin' : 'write', hash);
    return { workspaceId: null, keyId: null, otherKind: other !== null };
  };
  const authenticate = async (kind: ApiKeyKind, key: string | undefined) => {
    if (!key) throw new TesseraError('unauthorized', { message: MISSING[kind] });
    const cacheKey = `${kind}:${key}`;
    let hit = cache.get(cacheKey);
    if (!hit) {
      hit = await lookup(kind, key);
      cache.set(cacheKey, hit);
    }
    if (!hit.workspaceId || !hit.keyId) throw new TesseraError('unauthorized', { message: hit.otherKind ? WRONG_KIND[kind] : `The ${kind} key is not valid.` });
    return { workspaceId: hit.workspaceId, keyId: hit.keyId };
  };
  return {
    authenticate,
    workspaceFor: async (kind, key) => (await authenticate(kind, key)).workspaceId,
  };
}

/** The user name of an HTTP Basic Authorization header. */
export function basicUser(header: string | undefined): string | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return (colon === -1 ? decoded : decoded.slice(0, colon)) || undefined;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header || !/^bearer /i.test(header)) return undefined;
  return header.slice(7).trim() || undefined;
}
