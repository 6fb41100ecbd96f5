/**
 * Items learned from events (issue 15 §1): every admitted event is read for the items it is about
 * (core/recommendations/interactions.ts: Segment's e-commerce events, `page` with
 * `properties.item_id`, the workspace's URL patterns). Each item id becomes a stub for the store,
 * inserted only when the id is unknown (ChangeSet.itemStubs), and each interaction is kept on the
 * batch for the models (ChangeSet.itemLearning: co-occurrence and popularity). Events are stored whatever this step finds: an unknown or malformed item id
 * never refuses an event.
 *
 * Stubs of one batch: what the first event told about an item wins field by field; later events of
 * the batch fill the fields it left out. A stub of a URL pattern gets the settings' `urlPatternType`.
 * Views and clicks of recommended lists (`Recommendation Viewed`/`Clicked`, a recommendation slot's
 * `Slot Viewed`/`Clicked` naming its item; core/recommendations/feedback.ts) are kept on the batch
 * too (ChangeSet.itemLearning.feedback): they feed rotation and the per-list click-through report.
 * Cost: one cached settings lookup per batch and a name comparison per event.
 */
import { stubItem, type Item } from '../../core/recommendations/item.js';
import { interactionsOf, type ItemHints } from '../../core/recommendations/interactions.js';
import { feedbackOf } from '../../core/recommendations/feedback.js';
import type { RecommendationSettingsSource } from '../../recommendations/recommendation-settings.js';
import type { CompiledRecommendationSettings } from '../../core/recommendations/settings.js';
import type { LearningParams } from '../../core/recommendations/co-occurrence.js';
import type { RotationParams } from '../../core/recommendations/rotation.js';
import type { TrackedEvent } from '../../core/events/event.js';
import type { IngestBatch } from '../ingest-batch.js';

export async function learnItems(batch: IngestBatch, source: RecommendationSettingsSource | undefined): Promise<void> {
  if (!source || batch.assigned.length === 0) return;
  const settings = await source.get(batch.workspaceId);
  batch.itemLearning = learningParams(settings);
  collectItemLearning(settings, batch.assigned, batch);
}

/** The learning parameters of the workspace's settings (ChangeSet.itemLearning.params). */
export function learningParams(settings: CompiledRecommendationSettings): LearningParams & RotationParams {
  return {
    historyWindowMs: settings.historyWindowMs, historyCap: settings.settings.historyCap, pairCap: settings.settings.pairCap, halfLifeMs: settings.halfLifeMs, trendingHalfLifeMs: settings.trendingHalfLifeMs,
    rotationHalfLifeMs: settings.rotationHalfLifeMs,
  };
}

/**
 * What the events teach, into `into`: stubs by id, interactions and list feedback in event order.
 * Used by ingest (above) and by the rebuild from stored events (recommendations/rebuild-recommendations.ts).
 */
export function collectItemLearning(settings: CompiledRecommendationSettings, events: ReadonlyArray<{ event: TrackedEvent; profileId: string }>, into: Pick<IngestBatch, 'itemStubs' | 'itemInteractions' | 'itemFeedback'>): void {
  for (const { event, profileId } of events) {
    const feedback = feedbackOf(event);
    if (feedback) into.itemFeedback.push({ ...feedback, profileId });
    const found = interactionsOf(event, settings.patterns);
    for (const interaction of found) {
      const hints: ItemHints = event.type === 'page' && interaction.hints.type === undefined ? { ...interaction.hints, type: settings.settings.urlPatternType } : interaction.hints;
      const known = into.itemStubs.get(interaction.itemId);
      into.itemStubs.set(interaction.itemId, known ? fillIn(known, hints) : stubItem(interaction.itemId, hints));
      into.itemInteractions.push({ profileId, itemId: interaction.itemId, kind: interaction.kind, at: interaction.at });
    }
  }
}

function fillIn(item: Item, hints: ItemHints): Item {
  const out = { ...item };
  for (const [key, value] of Object.entries(hints) as Array<[keyof ItemHints, never]>) {
    if (key === 'categories') { if (out.categories.length === 0) out.categories = value; }
    else if (out[key] === undefined) out[key] = value;
  }
  return out;
}
