/**
 * API keys: a write key (public, sent by browsers and SDKs; may only add events) and an admin key
 * (secret; reads profiles). Keys are random, shown once, and stored only as SHA-256 hashes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyKind, ApiKeyRecord, Workspace } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';

const PREFIX: Record<ApiKeyKind, string> = { write: 'wk_', admin: 'ak_' };

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(kind: ApiKeyKind): string {
  return PREFIX[kind] + randomBytes(24).toString('base64url');
}

export function keyRecord(workspaceId: string, kind: ApiKeyKind, key: string, now: number): ApiKeyRecord {
  return { id: `key_${randomUUID()}`, workspaceId, kind, hash: hashKey(key), prefix: key.slice(0, 7), createdAt: now, revokedAt: null };
}

/** Adds a key (the given one, or a new random one) to a workspace; returns the key in clear. */
export async function addKey(store: Store, workspaceId: string, kind: ApiKeyKind, now: number, key = generateKey(kind)): Promise<string> {
  await store.workspaces.addKey(keyRecord(workspaceId, kind, key, now));
  return key;
}

export interface CreatedWorkspace {
  workspace: Workspace;
  writeKey: string;
  adminKey: string;
}

export async function createWorkspace(store: Store, options: { id?: string; name: string; now: number; writeKey?: string | undefined; adminKey?: string | undefined }): Promise<CreatedWorkspace> {
  const workspace: Workspace = { id: options.id ?? `ws_${randomUUID()}`, name: options.name, createdAt: options.now };
  await store.workspaces.create(workspace);
  const writeKey = await addKey(store, workspace.id, 'write', options.now, options.writeKey);
  const adminKey = await addKey(store, workspace.id, 'admin', options.now, options.adminKey);
  return { workspace, writeKey, adminKey };
}

/**
 * First start: creates the default workspace when there is none. Keys given by configuration are
 * added to it when missing (automated deployments). Returns the new workspace's keys, or null.
 */
export async function ensureDefaultWorkspace(store: Store, options: { now: number; writeKey?: string | undefined; adminKey?: string | undefined }): Promise<CreatedWorkspace | null> {
  const existing = await store.workspaces.get('default');
  if (!existing) return createWorkspace(store, { id: 'default', name: 'Default workspace', ...options });
  for (const kind of ['write', 'admin'] as const) {
    const key = kind === 'write' ? options.writeKey : options.adminKey;
    if (key && !(await store.workspaces.findKey(kind, hashKey(key)))) await addKey(store, 'default', kind, options.now, key);
  }
  return null;
}
