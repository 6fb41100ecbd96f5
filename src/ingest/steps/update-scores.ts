/**
 * Engagement and fit scores of the batch's profiles. Events add to engagement incrementally; a
 * survivor of a merge gets its engagement replayed from the stored events of every profile it
 * absorbed plus this batch's (as behaviour is). Fit is recomputed from the traits of every
 * profile of the batch, so a re-evaluation without events (reevaluate.ts) refreshes it too.
 * Workspaces without scoring rules leave unscored profiles without a `scores` field.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { applyEngagement, pruneEngagement, replayEngagement } from '../../core/scoring/engagement.js';
import { computeFit } from '../../core/scoring/fit.js';
import type { ScoringConfig } from '../../core/scoring/scoring-config.js';
import { emptyScores } from '../../core/scoring/scores.js';
import type { IngestBatch } from '../ingest-batch.js';

export async function updateScores(batch: IngestBatch, config: ScoringConfig, now: number): Promise<void> {
  const configured = config.engagement.rules.length + config.fit.rules.length > 0;
  const replay = new Map<string, TrackedEvent[]>();
  if (configured && config.engagement.rules.length > 0) {
    for (const [survivor, absorbed] of batch.mergedInto) {
      const ids = [survivor, ...absorbed].filter((id) => !batch.newProfileIds.has(id));
      replay.set(survivor, ids.length > 0 ? await batch.tx.loadEvents(batch.workspaceId, ids) : []);
    }
  }
  for (const item of batch.assigned) {
    if (!configured) break;
    const profile = batch.profile(item.profileId);
    const pending = replay.get(profile.id);
    if (pending) pending.push(item.event);
    else applyEngagement((profile.scores ??= emptyScores(item.event.timestamp)), config, item.event);
  }
  for (const [id, events] of replay) {
    const profile = batch.profile(id);
    events.sort((a, b) => a.timestamp - b.timestamp);
    profile.scores = { ...replayEngagement(events, config, now), fit: profile.scores?.fit ?? emptyScores(now).fit };
  }
  for (const profile of batch.profiles.values()) {
    if (!configured && !profile.scores) continue;
    const scores = (profile.scores ??= emptyScores(now));
    pruneEngagement(scores, config);
    scores.fit = computeFit(profile.traits, config, batch.reevaluation?.now ?? Math.max(profile.updatedAt, scores.fit.at));
  }
}
