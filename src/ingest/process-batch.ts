/**
 * Wires the ingest steps for one batch of one workspace, inside one write transaction. No logic here.
 *   enter the rollup gate → drop duplicates → prefetch identities → per event: admit (privacy) → assign to a profile →
 *   record consent → update profiles → derived steps (computed traits → scores → lifecycle →
 *   personas → segments → webhook outbox → exposure counters and slot reports → items learned → experiment aggregates) → web-analytics hits (handed to the rollup worker after the commit) and hit keys → persist
 * The derived steps are also what a re-evaluation without events runs (reevaluate.ts).
 */
import type { TrackedEvent } from '../core/events/event.js';
import type { WriteTx } from '../ports/store.js';
import type { PrivacyContext } from '../privacy/privacy-context.js';
import { IngestBatch } from './ingest-batch.js';
import { admitToBatch } from './steps/admit-events.js';
import { dropDuplicates } from './steps/drop-duplicates.js';
import { persistBatch } from './steps/persist-batch.js';
import { recordConsent } from './steps/record-consent.js';
import { assignEvent, prefetchIdentities, type ResolveIdentitiesDeps } from './steps/resolve-identities.js';
import { updateProfiles } from './steps/update-profiles.js';
import { updateComputedTraits } from './steps/update-computed-traits.js';
import { updateSegments } from './steps/update-segments.js';
import { scoreAndMoveProfiles, writeWebhookOutbox, type LeadScoringDeps } from './steps/lead-scoring-steps.js';
import { updateExposureCounters, type WatchedEventsSource } from './steps/update-exposure-counters.js';
import { compileDefinitions } from '../core/segments/segment.js';
import type { SegmentDefinitionsSource } from '../segments/segment-definitions.js';
import type { PersonaModelsSource } from '../personas/persona-models.js';
import { assignPersonas } from './steps/assign-personas.js';
import { learnItems } from './steps/learn-items.js';
import type { RecommendationSettingsSource } from '../recommendations/recommendation-settings.js';
import { enterRollupGate, updateAnalytics, type AnalyticsHandoff } from './steps/update-analytics.js';
import { keyAnalyticsHits } from './steps/key-analytics-hits.js';
import { updateExperimentMetrics, type ExperimentPlansSource } from './steps/update-experiment-metrics.js';

export interface BatchOutcome {
  stored: number;
  duplicates: number;
  withheld: number;
  /** The events dropped as duplicates (empty almost always), so that each submission can be told its own count. */
  duplicateEvents?: readonly TrackedEvent[];
  /** Items whose co-occurrence or popularity the batch changed (for the serving index, once committed). */
  learnedItems?: ReadonlySet<string>;
  /** The web-analytics hits to count once the transaction has committed (analytics/rollup-worker.ts); absent with analytics off. */
  analytics?: AnalyticsHandoff;
}

export type ProcessBatch = (tx: WriteTx, workspaceId: string, events: TrackedEvent[], privacy: PrivacyContext) => Promise<BatchOutcome>;

export interface ProcessBatchDeps extends ResolveIdentitiesDeps {
  /** Segments and computed traits per workspace; without it there are none (tests of other steps). */
  definitions?: SegmentDefinitionsSource;
  /** Scores, lifecycle and the webhook outbox; without it there are none (tests of other steps). */
  leadScoring?: LeadScoringDeps;
  /** The event names personalization slots watch (the slot service); without it no exposure counters are kept. */
  slots?: WatchedEventsSource;
  /** The current persona model per workspace, for incremental assignment; without it there is none. */
  personas?: PersonaModelsSource;
  /** Recommendation settings per workspace (URL patterns); without it no items are learned from events. */
  recommendations?: RecommendationSettingsSource;
  /** The workspace's experiments, for their aggregates; without it none are kept. */
  experiments?: ExperimentPlansSource;
  /**
   * Steps the composition adds, run on each admitted event after it is assigned to a profile
   * (tests inject a failure here, to prove that a poison event is isolated). None by default.
   */
  eventSteps?: readonly EventStep[];
  /** Web-analytics hits for the rollups (update-analytics.ts); on unless false (the benchmark measures ingest without them). */
  analytics?: boolean;
}

/** An added per-event step; it may throw (the event then fails its transaction). */
export type EventStep = (batch: IngestBatch, event: TrackedEvent) => void;

/** What runs on the batch's profiles after their events are applied; see the order above. */
export type DerivedSteps = (batch: IngestBatch) => Promise<void>;

const NO_DEFINITIONS = compileDefinitions([], []);

export function createDerivedSteps(deps: ProcessBatchDeps): DerivedSteps {
  return async (batch) => {
    const definitions = deps.definitions ? await deps.definitions.get(batch.workspaceId) : NO_DEFINITIONS;
    await updateComputedTraits(batch, definitions);
    await scoreAndMoveProfiles(batch, deps.leadScoring);
    if (deps.personas) await assignPersonas(batch, deps.personas);
    updateSegments(batch, definitions, deps.newMessageId);
    await writeWebhookOutbox(batch, deps.leadScoring);
    await updateExposureCounters(batch, deps.slots);
    await learnItems(batch, deps.recommendations);
    await updateExperimentMetrics(batch, deps.experiments);
  };
}

export function createProcessBatch(deps: ProcessBatchDeps): ProcessBatch {
  const derive = createDerivedSteps(deps);
  return async (tx, workspaceId, events, privacy) => {
    if (deps.analytics !== false) await enterRollupGate(tx, workspaceId);
    const { fresh, duplicates } = await dropDuplicates(tx, workspaceId, events);
    const duplicateEvents = duplicates === 0 ? undefined : droppedFrom(events, fresh);
    if (fresh.length === 0) return { stored: 0, duplicates, withheld: 0, ...(duplicateEvents ? { duplicateEvents } : {}) };
    const batch = new IngestBatch(tx, workspaceId, fresh, privacy);
    await prefetchIdentities(batch, deps.guard);
    let withheld = 0;
    for (const event of fresh) {
      const admitted = admitToBatch(batch, event, deps.guard);
      if (!admitted) { withheld++; continue; }
      recordConsent(batch, admitted, assignEvent(batch, admitted, deps));
      if (deps.eventSteps) for (const step of deps.eventSteps) step(batch, admitted);
    }
    await updateProfiles(batch);
    await derive(batch);
    const analytics = deps.analytics !== false ? updateAnalytics(batch) : undefined;
    if (analytics) keyAnalyticsHits(batch, analytics.hits);
    await persistBatch(batch);
    return {
      stored: fresh.length - withheld, duplicates, withheld, ...(duplicateEvents ? { duplicateEvents } : {}),
      ...(batch.learnedItems.size > 0 ? { learnedItems: batch.learnedItems } : {}), ...(analytics ? { analytics } : {}),
    };
  };
}

/** The events of `all` that are not in `kept` (by identity). */
function droppedFrom(all: readonly TrackedEvent[], kept: readonly TrackedEvent[]): TrackedEvent[] {
  const keep = new Set(kept);
  return all.filter((event) => !keep.has(event));
}
