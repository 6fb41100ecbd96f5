/**
 * The storage port. The core and the ingest pipeline talk to storage only through these
 * interfaces; `storage/sqlite` and `storage/postgres` implement them and pass one contract suite
 * (`storage/contract`).
 *
 * Writes happen in `Store.write`, one transaction per call. Reads inside a write transaction see
 * the transaction's own state and lock what they return against concurrent writers (PostgreSQL
 * row and advisory locks; SQLite's single writer), so that two servers resolving the same new
 * person at once end with one profile.
 */
import type { StoredEvent, TrackedEvent } from '../core/events/event.js';
import type { IdentityKey } from '../core/identity/identity-key.js';
import type { IdentityRecord, MergeRecord, Profile } from '../core/profiles/profile.js';
import type { EpochMs } from '../core/time.js';
import type { ApiKeyKind, ApiKeyRecord, Workspace } from '../core/workspaces/workspace.js';
import type { ConsentRecord } from '../core/privacy/consent.js';
import type { PrivacyCounter, PrivacyStore } from './privacy-store.js';
import type { ConfigStore } from './config-store.js';
import type { WebhookDelivery, WebhookStore } from './webhook-store.js';
import type { SegmentChanges, SegmentStore, SegmentTx } from './segment-store.js';
import type { KeyringStore } from './keyring-store.js';
import type { EmailStore } from './email-store.js';
import type { FormStore } from './form-store.js';
import type { UnmergeTx } from './unmerge-store.js';
import type { TokenUseStore } from './token-use-store.js';
import type { DeadLetterStore } from './dead-letter-store.js';
import type { AudienceStore } from './audience-store.js';
import type { PersonaStore } from './persona-store.js';
import type { StoreMaintenance } from './store-maintenance.js';
import type { ExperimentChanges, ExperimentStore } from './experiment-store.js';
import type { CounterUpdate, DecisionStore } from './decision-store.js';
import type { SlotReportStore } from './slot-report-store.js';
import type { UserStore } from './user-store.js';
import type { Item, RecommendationStore } from './recommendation-store.js';
import type { Interaction, LearningParams } from '../core/recommendations/co-occurrence.js';
import type { RecommendationFeedback } from '../core/recommendations/feedback.js';
import type { RebuildProgress } from './recommendation-store.js';
import type { RotationParams } from '../core/recommendations/rotation.js';
import type { AnalyticsChanges, AnalyticsStore, AnalyticsTx } from './analytics-store.js';
import type { HitStore } from './hit-store.js';

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly workspaces: WorkspaceStore;
  readonly profiles: ProfileQueries;
  readonly privacy: PrivacyStore;
  /** Scoring and lifecycle configuration per workspace. */
  readonly configs: ConfigStore;
  readonly webhooks: WebhookStore;
  readonly segments: SegmentStore;
  /** Signing keys of email-link tokens (issue 6). */
  readonly keyring: KeyringStore;
  /** Link settings, email lists and subscriptions, micro-surveys and their answers (issue 6). */
  readonly emails: EmailStore;
  /** Form definitions and their view/start/submit/abandon counters (issue 6). */
  readonly forms: FormStore;
  /** Uses of single-use link tokens: a recognition token bound to its first device (issue 13). */
  readonly tokenUses: TokenUseStore;
  /** Events ingest failed on by themselves, kept for an admin to retry (ports/dead-letter-store.ts). */
  readonly deadLetters: DeadLetterStore;
  /** Experiments and their sticky assignments (ports/experiment-store.ts, issue 16). */
  readonly experiments: ExperimentStore;
  /** Personalization slots, decision settings, per-person exposure counters (ports/decision-store.ts). */
  readonly decisions: DecisionStore;
  /** Slot reports: counts per slot × variant × rule × depth × day, no person ids (ports/slot-report-store.ts). */
  readonly slotReports: SlotReportStore;
  /** Persona models: aggregates only, no profile ids (ports/persona-store.ts, issue 17). */
  readonly personas: PersonaStore;
  /** People who sign in, their sessions and one-time sign-in tokens (ports/user-store.ts, issue 19). */
  readonly users: UserStore;
  /** The item catalogue and what recommendations learn from events (ports/recommendation-store.ts, issue 15). */
  readonly recommendations: RecommendationStore;
  /** Web-analytics rollups, visitor sketches and open visits (ports/analytics-store.ts, issue 18). */
  readonly analytics: AnalyticsStore;
  /** Funnel steps and retention activity, read from events through their hit keys (ports/hit-store.ts, issue 18). */
  readonly hits: HitStore;
  readonly audiences: AudienceStore;
  /** Failures of the store's background upkeep (WAL checkpoints, VACUUM), for logs, metrics and `/readyz`. */
  readonly maintenance: StoreMaintenance;
  /**
   * Runs `work` in one write transaction and commits it; returns what `work` returned. When it
   * throws, nothing is written. Transient conflicts (deadlock, serialisation failure, a unique
   * violation from a concurrent writer) re-run `work` from the start, so it must be repeatable.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** Resolves when the store answers queries and its schema is current. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface WriteTx {
  /** Which of `messageIds` are already stored in the workspace. */
  existingMessageIds(workspaceId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /**
   * Current owner profile of each identity, keyed by `identityKeyString`; absent keys have no
   * owner. Locks the identities (also the absent ones) until the transaction ends.
   */
  findOwners(workspaceId: string, keys: readonly IdentityKey[]): Promise<Map<string, string>>;
  /**
   * Loads profiles for update, keyed by the id asked for. A profile merged away is answered with
   * its survivor (so the value's `id` may differ from the key); an unknown id is absent.
   */
  loadProfiles(workspaceId: string, ids: readonly string[]): Promise<Map<string, Profile>>;
  /** Every event of the given profiles, in timestamp order, for recomputing behaviour after a merge. */
  loadEvents(workspaceId: string, profileIds: readonly string[]): Promise<TrackedEvent[]>;
  /** Which of the given tombstone hashes (of erased people's identifiers) exist in the workspace. */
  findTombstones(workspaceId: string, hashes: readonly string[]): Promise<Set<string>>;
  /** Writes the outcome of an ingest batch; see ChangeSet for the order of effects. */
  apply(changes: ChangeSet): Promise<void>;
  /** Segment scheduler claims and history reads (ports/segment-store.ts). */
  readonly segments: SegmentTx;
  /** Undoing merges (ports/unmerge-store.ts). */
  readonly unmerges: UnmergeTx;
  /** Open visits and stored sketches for the analytics step (ports/analytics-store.ts). */
  readonly analytics: AnalyticsTx;
}

/**
 * Everything one ingest batch changes, applied in this order: new profiles are inserted as they
 * are; merges move the merged profiles' identities, events and consent records to the survivor
 * and leave the merged profile as an empty redirect; new identities are inserted; events are
 * inserted; consent records appended; counters added; the existing `profiles` are saved as they are.
 */
export interface ChangeSet {
  workspaceId: string;
  newProfiles: Profile[];
  merges: MergeRecord[];
  identities: Array<{ profileId: string; identity: IdentityRecord }>;
  /** `hit`: the event's web-analytics hit key (core/analytics/hit-key.ts), null or absent when it has none. */
  events: Array<{ event: TrackedEvent; profileId: string; originalProfileId: string; hit?: string | null }>;
  profiles: Profile[];
  /** Appended to the consent ledger, after the events (profile ids are live ones). */
  consents: ConsentRecord[];
  /** Added to the per-day privacy counters. */
  counters: PrivacyCounter[];
  /**
   * Webhook deliveries (the outbox) announcing this batch's profile changes, inserted in the same
   * transaction as the changes: committed together or not at all.
   */
  deliveries?: WebhookDelivery[];
  /** Segment memberships and due times, written after the profiles (ports/segment-store.ts). */
  segments?: SegmentChanges;
  /** Exposure counter changes (ports/decision-store.ts), applied after the merges. */
  exposures?: CounterUpdate[];
  /**
   * Items the events named (ports/recommendation-store.ts): each inserted as a stub (`source:
   * event`) only when the workspace has no item of its id; a stored item is never changed.
   */
  itemStubs?: Item[];
  /**
   * Item interactions to learn from (core/recommendations/co-occurrence.ts), applied after the
   * merges (a merged person's recent items fold into the survivor's): each person's recent history
   * advances, and the co-occurrence and popularity aggregates get the batch's increments. Profile
   * ids are live ones.
   */
  itemLearning?: {
    params: LearningParams & RotationParams;
    interactions: Array<Interaction & { profileId: string }>;
    /**
     * Views and clicks of recommended lists (core/recommendations/feedback.ts): each person's shown
     * counts advance (rotation.ts, in their history), and the per-list report gets the batch's sums.
     */
    feedback?: Array<RecommendationFeedback & { profileId: string }>;
    /**
     * A rebuild's page (recommendations/rebuild-recommendations.ts): each person's history is
     * learned from empty, then the history ingest kept for them since the rebuild began is folded
     * in; the per-list report is left as it is (ingest counted those views once).
     */
    replay?: true;
    /**
     * Out: the adapter adds the ids of the items whose co-occurrence or popularity the batch
     * changed (both items of each pair), so that the serving index of this process reads their lists
     * again once the transaction committed (recommendations/serving-index.ts).
     */
    learned?: Set<string>;
  };
  /** A rebuild's page: its progress, replaced with the page, and the time its stubs are created at. */
  itemRebuild?: { progress: RebuildProgress; stubsAt: EpochMs };
  /**
   * Web-analytics rollups, sketches and open visits (ports/analytics-store.ts), written last; the
   * open visits of profiles merged away in the batch are dropped.
   */
  analytics?: AnalyticsChanges;
  /** Experiment aggregate deltas and recompute progress (ports/experiment-store.ts), applied last. */
  experiments?: ExperimentChanges;
}

export interface EventPage {
  events: StoredEvent[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
}

export interface ProfileSearch {
  /** Exact trait matches, e.g. { email: 'k@acme.com' }. */
  traits?: Record<string, string>;
  /** Free text, matched case-insensitively against identities and string traits. */
  q?: string;
  limit: number;
  cursor?: string;
}

export interface ProfileQueries {
  /**
   * Finds the live profile for any known id: a profile id (also a merged-away one, which resolves
   * to its survivor), a userId, an email or an anonymousId. Null when nothing matches.
   */
  resolve(workspaceId: string, idOrIdentifier: string): Promise<string | null>;
  get(workspaceId: string, profileId: string): Promise<Profile | null>;
  /** The profile's timeline, newest first. */
  events(workspaceId: string, profileId: string, options: { limit: number; cursor?: string }): Promise<EventPage>;
  /** Merges in which the profile survived or was merged away, oldest first; undone ones carry `undone`. */
  merges(workspaceId: string, profileId: string): Promise<MergeRecord[]>;
  search(workspaceId: string, query: ProfileSearch): Promise<{ profiles: Profile[]; nextCursor: string | null }>;
  count(workspaceId: string): Promise<number>;
  /**
   * Lifecycle moves of the period (`from` included, `to` excluded; the `Lifecycle Stage Changed`
   * entries of the timelines, so a person erased is gone from them), counted per (from, to):
   * the moves and the distinct people who made them. Order: most moves first, then from, to.
   */
  lifecycleMoves(workspaceId: string, period: { from: EpochMs; to: EpochMs }): Promise<LifecycleMoveCount[]>;
}

export interface LifecycleMoveCount {
  /** Null for a person's first stage. */
  from: string | null;
  to: string;
  moves: number;
  people: number;
}

export interface WorkspaceStore {
  /**
   * Stores a new workspace. Idempotent under races: returns false, writing nothing, when a
   * workspace with this id exists already (another server may have created it a moment ago).
   */
  create(workspace: Workspace): Promise<boolean>;
  get(id: string): Promise<Workspace | null>;
  list(): Promise<Workspace[]>;
  /**
   * Stores a key. Returns false, writing nothing, when a key with this id or hash is stored
   * already (in any workspace, revoked or not), so that two servers seeding the same configured
   * key do not fail; the caller decides whether the stored one will do.
   */
  addKey(key: ApiKeyRecord): Promise<boolean>;
  /** The unrevoked key with this hash, or null. */
  findKey(kind: ApiKeyKind, hash: string): Promise<ApiKeyRecord | null>;
  listKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; returns false when there was no such unrevoked key. */
  revokeKey(workspaceId: string, keyId: string, at: EpochMs): Promise<boolean>;
}

export type { IdentityRecord };
