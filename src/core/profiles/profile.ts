/**
 * The unified profile: one person, all their identities, traits with their provenance, and the
 * behaviour computed from their events.
 */
import type { IdentityKey } from '../identity/identity-key.js';
import type { JsonObject } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { emptyBehaviour, type Behaviour } from './behaviour.js';
import type { ConsentState } from '../privacy/consent.js';
import type { DeclinedFields } from '../forms/declined.js';

export interface TraitMeta {
  /** What set it: `identify`, `track:Form Submitted`, `context.traits`, later `form:<id>` … */
  source: string;
  messageId: string;
  /** Event time of the value; the latest wins, except for set-once traits where the first stays. */
  at: EpochMs;
  once?: true;
}

export interface IdentityRecord extends IdentityKey {
  firstSeenAt: EpochMs;
  /** The event that introduced it. */
  messageId: string | null;
}

export interface Profile {
  id: string;
  workspaceId: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  traits: JsonObject;
  traitMeta: Record<string, TraitMeta>;
  behaviour: Behaviour;
  identities: IdentityRecord[];
  /** Merges refused for this profile, by `<identity key> <other profile id>`, so each is logged once. */
  mergeRefusals: Record<string, { reason: string; count: number; firstAt: EpochMs; lastAt: EpochMs }>;
  /** Current consent per purpose; the ledger (ConsentRecord) proves how it came to be. */
  consent: ConsentState;
  /** Form fields the person declined to answer, with when (forms: not asked again for a while). */
  declined?: DeclinedFields;
}

export function newProfile(id: string, workspaceId: string, at: EpochMs): Profile {
  return { id, workspaceId, createdAt: at, updatedAt: at, traits: {}, traitMeta: {}, behaviour: emptyBehaviour(), identities: [], mergeRefusals: {}, consent: {} };
}

/** One entry of a profile's merge log. The snapshot of the merged profile allows undoing it later. */
export interface MergeRecord {
  workspaceId: string;
  survivorId: string;
  mergedId: string;
  /** The identifier that proved both are one person. */
  cause: IdentityKey;
  messageId: string;
  at: EpochMs;
  snapshot: { traits: JsonObject; traitMeta: Record<string, TraitMeta>; identities: IdentityRecord[]; createdAt: EpochMs };
}
