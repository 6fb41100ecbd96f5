/**
 * Finding the workspace of a request. Write keys come as the HTTP Basic user name (what the
 * Segment libraries send) or as `writeKey` in the body (analytics.js with text/plain bodies);
 * admin keys and server keys as `Authorization: Bearer …`. A server key is limited to its scopes:
 * a route asks for one (`authenticateServer('decide', …)`): missing → 403 `forbidden`. Lookups are
 * cached for a few seconds: the write key is checked on every event request.
 */
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { TesseraError } from '../core/errors.js';
import { API_KEY_KINDS, type ApiKeyKind, type ApiKeyScope } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';
import { hashKey } from '../workspaces/api-keys.js';

const TTL_MS = 5_000;

interface KeyLookup {
  workspaceId: string | null;
  keyId: string | null;
  scopes: readonly ApiKeyScope[];
  /** Set when the key is not of the kind asked for but of another kind: the hint to give. */
  otherKind: ApiKeyKind | null;
}

export interface AuthenticatedKey {
  workspaceId: string;
  keyId: string;
}

export interface KeyResolver {
  /** The workspace id for a key, or throws `unauthorized`. */
  workspaceFor(kind: ApiKeyKind, key: string | undefined): Promise<string>;
  /** The workspace and the key's id (for the audit log), or throws `unauthorized`. */
  authenticate(kind: ApiKeyKind, key: string | undefined): Promise<AuthenticatedKey>;
  /** A server key holding `scope`: `unauthorized` (with a hint for a key of another kind), or `forbidden` without the scope. */
  authenticateServer(scope: ApiKeyScope, key: string | undefined): Promise<AuthenticatedKey>;
  /**
   * The caller of an admin route: a person signed in (accepted by http/session-auth.ts, which
   * checked their role; `keyId` is then the audit actor `user:<e-mail>`), else the admin key of
   * `Authorization: Bearer …`. Every admin route authenticates with this.
   */
  admin(request: FastifyRequest): Promise<{ workspaceId: string; keyId: string }>;
}

const MISSING: Record<ApiKeyKind, string> = {
  write: 'A write key is required (HTTP Basic user name or "writeKey" in the body).',
  admin: 'An admin key (Authorization: Bearer …) or a signed-in session (POST /v1/session) is required.',
  server: 'A server key is required (Authorization: Bearer sk_…).',
};

/** What to say when a valid key of another kind was sent (asked for → sent): the most common mistake of a first try. */
const WRONG_KIND: Record<ApiKeyKind, Partial<Record<ApiKeyKind, string>>> = {
  write: {
    admin: 'This is an admin key. The collection API takes the workspace\'s write key (wk_…), as the HTTP Basic user name or "writeKey" in the body. Keep admin keys on servers: they read personal data.',
    server: 'This is a server key. The collection API takes the workspace\'s write key (wk_…), as the HTTP Basic user name or "writeKey" in the body. Keep server keys on servers.',
  },
  admin: {
    write: 'This is a write key. This route takes an admin key, as "Authorization: Bearer ak_…".',
    server: 'This is a server key: it holds only its scopes. This route takes an admin key, as "Authorization: Bearer ak_…".',
  },
  server: {
    write: 'This is a write key. This route takes a server key (sk_…, `tessera keys create --kind server --scope …`), as "Authorization: Bearer sk_…".',
    admin: 'This is an admin key. This route takes a server key with a scope (sk_…, `tessera keys create --kind server --scope …`), as "Authorization: Bearer sk_…": give servers only what they need.',
  },
};

export function createKeyResolver(store: Store, now: () => number): KeyResolver {
  // Misses are cached too, so that a client retrying a wrong key does not reach the store each time.
  const cache = new LRUCache<string, KeyLookup>({ max: 10_000, ttl: TTL_MS, ttlAutopurge: false, perf: { now } });
  const lookup = async (kind: ApiKeyKind, key: string): Promise<KeyLookup> => {
    const hash = hashKey(key);
    const record = await store.workspaces.findKey(kind, hash);
    if (record) return { workspaceId: record.workspaceId, keyId: record.id, scopes: record.scopes, otherKind: null };
    for (const other of API_KEY_KINDS) {
      if (other !== kind && (await store.workspaces.findKey(other, hash))) return { workspaceId: null, keyId: null, scopes: [], otherKind: other };
    }
    return { workspaceId: null, keyId: null, scopes: [], otherKind: null };
  };
  const find = async (kind: ApiKeyKind, key: string | undefined): Promise<KeyLookup & AuthenticatedKey> => {
    if (!key) throw new TesseraError('unauthorized', { message: MISSING[kind] });
    const cacheKey = `${kind}:${key}`;
    let hit = cache.get(cacheKey);
    if (!hit) {
      hit = await lookup(kind, key);
      cache.set(cacheKey, hit);
    }
    if (!hit.workspaceId || !hit.keyId) throw new TesseraError('unauthorized', { message: (hit.otherKind && WRONG_KIND[kind][hit.otherKind]) || `The ${kind} key is not valid.` });
    return { ...hit, workspaceId: hit.workspaceId, keyId: hit.keyId };
  };
  const authenticate = async (kind: ApiKeyKind, key: string | undefined): Promise<AuthenticatedKey> => {
    const { workspaceId, keyId } = await find(kind, key);
    return { workspaceId, keyId };
  };
  return {
    authenticate,
    admin: async (request) => {
      const principal = request.principal;
      if (principal) return { workspaceId: principal.workspaceId, keyId: principal.actor };
      return authenticate('admin', bearerToken(request.headers.authorization));
    },
    workspaceFor: async (kind, key) => (await authenticate(kind, key)).workspaceId,
    async authenticateServer(scope, key) {
      const found = await find('server', key);
      if (!found.scopes.includes(scope)) {
        throw new TesseraError('forbidden', { message: `This server key does not hold the "${scope}" scope (it holds: ${found.scopes.join(', ') || 'none'}). Create one with \`tessera keys create --kind server --scope ${scope}\`.` });
      }
      return { workspaceId: found.workspaceId, keyId: found.keyId };
    },
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
