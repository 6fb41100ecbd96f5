/**
 * Finding the workspace of a request. Write keys come as the HTTP Basic user name (what the
 * Segment libraries send) or as `writeKey` in the body (analytics.js with text/plain bodies);
 * admin keys as `Authorization: Bearer …`. Lookups are cached for a few seconds: the write key is
 * checked on every event request.
 */
import { TesseraError } from '../core/errors.js';
import type { ApiKeyKind } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';
import { hashKey } from '../workspaces/api-keys.js';

const TTL_MS = 5_000;

export interface KeyResolver {
  /** The workspace id for a key, or throws `unauthorized`. */
  workspaceFor(kind: ApiKeyKind, key: string | undefined): Promise<string>;
  /** The workspace and the key's id (for the audit log), or throws `unauthorized`. */
  authenticate(kind: ApiKeyKind, key: string | undefined): Promise<{ workspaceId: string; keyId: string }>;
}

export function createKeyResolver(store: Store, now: () => number): KeyResolver {
  const cache = new Map<string, { workspaceId: string | null; keyId: string | null; until: number }>();
  const authenticate = async (kind: ApiKeyKind, key: string | undefined) => {
    if (!key) throw new TesseraError('unauthorized', { message: kind === 'write' ? 'A write key is required (HTTP Basic user name or "writeKey" in the body).' : 'An admin key is required (Authorization: Bearer …).' });
    const cacheKey = `${kind}:${key}`;
    const t = now();
    let hit = cache.get(cacheKey);
    if (!hit || hit.until < t) {
      const record = await store.workspaces.findKey(kind, hashKey(key));
      hit = { workspaceId: record?.workspaceId ?? null, keyId: record?.id ?? null, until: t + TTL_MS };
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, hit);
    }
    if (!hit.workspaceId || !hit.keyId) throw new TesseraError('unauthorized', { message: `The ${kind} key is not valid.` });
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
