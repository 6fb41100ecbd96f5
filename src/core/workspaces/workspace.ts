/** A workspace is one tenant: its own keys, profiles, identities and events. */
import type { EpochMs } from '../time.js';

export interface Workspace {
  id: string;
  name: string;
  createdAt: EpochMs;
}

/**
 * `write`: public (in web pages), may only add events and ask decisions for its own visitor.
 * `admin`: secret, reads and changes everything of its workspace.
 * `server`: secret, for a site's or an email platform's server, limited to its `scopes`.
 */
export const API_KEY_KINDS = ['write', 'admin', 'server'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

/**
 * What a server key may do. `decide`: decisions for any person of the workspace by userId or email
 * (POST/GET /v1/decide, GET /v1/decide/email). New scopes are added here; a key holds a subset.
 */
export const API_KEY_SCOPES = ['decide'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const isApiKeyScope = (v: unknown): v is ApiKeyScope => (API_KEY_SCOPES as readonly unknown[]).includes(v);

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  kind: ApiKeyKind;
  /** SHA-256 of the key; the key itself is shown once, when created. */
  hash: string;
  /** The first characters, to recognise a key in a listing. */
  prefix: string;
  createdAt: EpochMs;
  revokedAt: EpochMs | null;
  /** What a `server` key may do; empty for write and admin keys (their kind says it all). */
  scopes: ApiKeyScope[];
}
