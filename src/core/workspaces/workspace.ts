/** A workspace is one tenant: its own keys, profiles, identities and events. */
import type { EpochMs } from '../time.js';

export interface Workspace {
  id: string;
  name: string;
  createdAt: EpochMs;
}

export type ApiKeyKind = 'write' | 'admin';

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
}
