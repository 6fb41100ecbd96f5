/**
 * The unit of work of one ingest batch: the profiles it touched, identity owners as they stand
 * after each event, merges, and the events with their assigned profiles. The steps read and
 * change it in memory; `persistBatch` writes it in one `WriteTx.apply`.
 */
import type { CounterUpdate } from '../ports/decision-store.js';
import type { TrackedEvent } from '../core/events/event.js';
import type { MergeRecord, Profile, IdentityRecord } from '../core/profiles/profile.js';
import type { ConsentRecord } from '../core/privacy/consent.js';
import type { PrivacyCounter } from '../ports/privacy-store.js';
import type { WriteTx } from '../ports/store.js';
import type { PrivacyContext } from '../privacy/privacy-context.js';
import type { ProfileChange } from '../core/profiles/profile-change.js';
import type { WebhookDelivery } from '../ports/webhook-store.js';
import type { SegmentChanges } from '../ports/segment-store.js';
import type { EpochMs } from '../core/time.js';
import type { Item } from '../core/recommendations/item.js';
import type { InteractionKind } from '../core/recommendations/interactions.js';
import type { LearningParams } from '../core/recommendations/co-occurrence.js';
import type { RecommendationFeedback } from '../core/recommendations/feedback.js';
import type { RotationParams } from '../core/recommendations/rotation.js';
import type { ExperimentChanges } from '../ports/experiment-store.js';

export interface AssignedEvent {
  event: TrackedEvent;
  profileId: string;
  originalProfileId: string;
}

export class IngestBatch {
  /** identityKeyString → profile id (possibly a merged-away id; use `live`). */
  readonly owners = new Map<string, string>();
  readonly profiles = new Map<string, Profile>();
  /** Merged-away profile id → the profile it went into. */
  readonly redirects = new Map<string, string>();
  readonly newProfiles: Profile[] = [];
  readonly newProfileIds = new Set<string>();
  readonly identities: Array<{ profileId: string; identity: IdentityRecord }> = [];
  readonly merges: MergeRecord[] = [];
  readonly assigned: AssignedEvent[] = [];
  /** Survivor id → ids merged into it during this batch (behaviour is replayed for these). */
  readonly mergedInto = new Map<string, Set<string>>();
  readonly consents: ConsentRecord[] = [];
  /** Tombstone hashes of erased people's identifiers met in this batch. */
  readonly tombstones = new Set<string>();
  /**
   * Profiles merged into others in this batch, as they were, in merge order (their memberships end:
   * update-segments.ts; their lifecycle joins the survivor's: update-lifecycle.ts). `at`: the
   * merging event's time; `cause`: its messageId.
   */
  readonly mergedAway: Array<{ profile: Profile; survivorId: string; cause: string; at: EpochMs }> = [];
  /** Segment entries/exits and lifecycle moves caused by this batch (timeline entries and webhooks). */
  readonly changes: ProfileChange[] = [];
  /** Webhook deliveries announcing `changes` (the outbox), written with the batch. */
  readonly deliveries: WebhookDelivery[] = [];
  /** Segment memberships and due times to write with the batch (segment steps). */
  readonly segmentChanges: SegmentChanges = { members: [], due: [], retired: [] };
  /** Exposure counter changes (update-exposure-counters.ts); profile ids may be merged-away ones (persist maps them with `live`). */
  readonly counterUpdates: CounterUpdate[] = [];
  /** Items the batch's events name, as stubs for the catalogue (learn-items.ts), by id. */
  readonly itemStubs = new Map<string, Item>();
  /** The batch's item interactions in event order; profile ids may be merged-away ones (use `live`). */
  readonly itemInteractions: Array<{ profileId: string; itemId: string; kind: InteractionKind; at: EpochMs }> = [];
  /** Views and clicks of recommended lists (learn-items.ts), in event order; profile ids may be merged-away ones. */
  readonly itemFeedback: Array<RecommendationFeedback & { profileId: string }> = [];
  /** The workspace's learning parameters, set by learn-items.ts when it found interactions. */
  itemLearning: (LearningParams & RotationParams) | null = null;
  /** Filled by the store when the batch is written: the items whose co-occurrence or popularity changed (ChangeSet.itemLearning.learned). */
  readonly learnedItems = new Set<string>();
  /** Experiment aggregate deltas (update-experiment-metrics.ts); null when the batch changed none. */
  experimentChanges: ExperimentChanges | null = null;
  /**
   * Set when the batch re-evaluates profiles without events (ingest/reevaluate.ts): the moment
   * evaluated and the cause recorded with the changes (`time`, `backfill`, `definition`, `manual:…`).
   */
  reevaluation: { now: EpochMs; cause: string } | null = null;
  /** The web-analytics hit key of each event that has one (key-analytics-hits.ts), stored with the event. */
  readonly hitKeys = new Map<TrackedEvent, string>();
  private readonly counters = new Map<string, PrivacyCounter>();

  constructor(
    readonly tx: WriteTx,
    readonly workspaceId: string,
    readonly events: TrackedEvent[],
    readonly privacy: PrivacyContext,
  ) {}

  count(kind: PrivacyCounter['kind'], name: string, at: number): void {
    const day = new Date(at).toISOString().slice(0, 10);
    const key = `${day}|${kind}|${name}`;
    const counter = this.counters.get(key);
    if (counter) counter.count++;
    else this.counters.set(key, { day, kind, name, count: 1 });
  }

  get privacyCounters(): PrivacyCounter[] {
    return [...this.counters.values()];
  }

  /** The live profile id for an id that may have been merged away. */
  live(id: string): string {
    let current = id;
    for (let next = this.redirects.get(current); next !== undefined; next = this.redirects.get(current)) current = next;
    return current;
  }

  profile(id: string): Profile {
    const profile = this.profiles.get(this.live(id));
    if (!profile) throw new Error(`profile ${id} is not loaded in this batch`);
    return profile;
  }
}
