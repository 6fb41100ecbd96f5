/**
 * API keys: a write key (public, sent by browsers and SDKs; may only add events) and an admin key
 * (secret; reads profiles). Keys are random, shown once, and stored only as SHA-256 hashes.
 *
 * Several servers may start at once on one empty database (PostgreSQL): each tries to create the
 * default workspace and seed the configured keys. The store's `create` and `addKey` write nothing
 * and answer false when the row exists already; the server that lost the race goes on as if it had
 * found the workspace at start, and a configured key another server stored first is accepted.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TesseraError } from '../core/errors.js';
import type { ApiKeyKind, ApiKeyRecord, ApiKeyScope, Workspace } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';

const PREFIX: Record<ApiKeyKind, string> = { write: 'wk_', admin: 'ak_', server: 'sk_' };

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(kind: ApiKeyKind): string {
  return PREFIX[kind] + randomBytes(24).toString('base64url');
}

export function keyRecord(workspaceId: string, kind: ApiKeyKind, key: string, now: number, scopes: readonly ApiKeyScope[] = []): ApiKeyRecord {
  return { id: `key_${randomUUID()}`, workspaceId, kind, hash: hashKey(key), prefix: key.slice(0, 7), createdAt: now, revokedAt: null, scopes: kind === 'server' ? [...new Set(scopes)].sort() : [] };
}

/**
 * Adds a key (the given one, or a new random one) to a workspace; returns the key in clear. A key
 * stored already is fine when it is a live key of this workspace and kind (another server seeded
 * it a moment ago); otherwise (revoked, or another workspace's) it is a `conflict`.
 */
export async function addKey(store: Store, workspaceId: string, kind: ApiKeyKind, now: number, key = generateKey(kind)): Promise<string> {
  if (await store.workspaces.addKey(keyRecord(workspaceId, kind, key, now))) return key;
  return alreadyStored(store, workspaceId, kind, key);
}

/**
 * Adds a new secret server key (`sk_…`) holding `scopes` (at least one) and returns it in clear
 * (shown once). Server keys are never configured by environment: they are made here.
 */
export async function addServerKey(store: Store, workspaceId: string, options: { scopes: readonly ApiKeyScope[]; now: number }): Promise<string> {
  if (options.scopes.length === 0) throw new TesseraError('invalid_body', { issues: [{ field: 'scopes', reason: 'a server key needs at least one scope' }] });
  const key = generateKey('server');
  if (await store.workspaces.addKey(keyRecord(workspaceId, 'server', key, options.now, options.scopes))) return key;
  return alreadyStored(store, workspaceId, 'server', key);
}

async function alreadyStored(store: Store, workspaceId: string, kind: ApiKeyKind, key: string): Promise<string> {
  const stored = await store.workspaces.findKey(kind, hashKey(key));
  if (stored?.workspaceId !== workspaceId) {
    throw new TesseraError('conflict', { message: `This ${kind} key (${key.slice(0, 7)}…) is stored already, revoked or for another workspace; use another key.` });
  }
  return key;
}

export interface CreatedWorkspace {
  workspace: Workspace;
  writeKey: string;
  adminKey: string;
}

/** Creates a workspace with a write and an admin key; `conflict` when the id is taken. */
export async function createWorkspace(store: Store, options: { id?: string; name: string; now: number; writeKey?: string | undefined; adminKey?: string | undefined }): Promise<CreatedWorkspace> {
  const created = await tryCreateWorkspace(store, options);
  if (!created) throw new TesseraError('conflict', { message: `A workspace "${options.id}" exists already.` });
  return created;
}

/** createWorkspace, or null (nothing written) when a workspace with that id exists already. */
async function tryCreateWorkspace(store: Store, options: { id?: string; name: string; now: number; writeKey?: string | undefined; adminKey?: string | undefined }): Promise<CreatedWorkspace | null> {
  const workspace: Workspace = { id: options.id ?? `ws_${randomUUID()}`, name: options.name, createdAt: options.now };
  if (!(await store.workspaces.create(workspace))) return null;
  const writeKey = await addKey(store, workspace.id, 'write', options.now, options.writeKey);
  const adminKey = await addKey(store, workspace.id, 'admin', options.now, options.adminKey);
  return { workspace, writeKey, adminKey };
}

/**
 * First start: creates the default workspace when there is none. Keys given by configuration are
 * added to it when missing (automated deployments). Returns the new workspace's keys, or null.
 */
export async function ensureDefaultWorkspace(store: Store, options: { now: number; writeKey?: string | undefined; adminKey?: string | undefined }): Promise<CreatedWorkspace | null> {
  if (!(await store.workspaces.get('default'))) {
    const created = await tryCreateWorkspace(store, { id: 'default', name: 'Default workspace', ...options });
    if (created) return created;
    // Another server created it since: seed the configured keys into it, as below.
  }
  for (const kind of ['write', 'admin'] as const) {
    const key = kind === 'write' ? options.writeKey : options.adminKey;
    if (key && !(await store.workspaces.findKey(kind, hashKey(key)))) await addKey(store, 'default', kind, options.now, key);
  }
  return null;
}
