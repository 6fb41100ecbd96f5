/**
 * The unified profile: one person, all their identities, traits with their provenance, and the
 * behaviour computed from their events.
 */
import type { IdentityKey } from '../identity/identity-key.js';
import type { JsonObject } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { emptyBehaviour, type Behaviour } from './behaviour.js';
import type { ConsentState } from '../privacy/consent.js';
import type { ProfileScores } from '../scoring/scores.js';
import type { ProfileLifecycle } from '../lifecycle/lifecycle.js';
import type { ProfileSegments } from '../segments/segment.js';
import type { ComputedTraitValue } from '../computed-traits/aggregate.js';
import type { DeclinedFields } from '../forms/declined.js';
import type { ProfilePersona } from '../personas/profile-persona.js';
import type { ProfileExperiments } from '../experiments/unit-state.js';

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
  /** Engagement and fit scores with their breakdown; absent until the profile is first scored. */
  scores?: ProfileScores;
  /** Current lifecycle stage and its history; absent until the profile enters a stage. */
  lifecycle?: ProfileLifecycle;
  /** Computed trait key → current value and the state it is derived from; absent until one is defined. */
  computed?: Record<string, ComputedTraitValue>;
  /** Current segment memberships (since, reason) and the event trackers segment conditions read. */
  segments?: ProfileSegments;
  /** Form fields the person declined to answer, with when (forms: not asked again for a while). */
  declined?: DeclinedFields;
  /**
   * The person's persona probabilities under the current persona model (issue 17); absent when
   * never assigned or when profiling has no legal basis for them (removed at once on withdrawal).
   */
  persona?: ProfilePersona;
  /**
   * The person's state in the experiments they were exposed to: arm, first exposure, metric values since
   * (core/experiments/unit-state.ts), from which the experiment aggregates are kept; absent until exposed.
   */
  experiments?: ProfileExperiments;
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
  /** Set when the merge was undone (POST /v1/profiles/{id}/unmerge): when, and by whom (`manual:<key id>`). */
  undone?: { at: EpochMs; cause: string };
}
