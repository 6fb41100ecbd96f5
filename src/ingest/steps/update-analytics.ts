/**
 * Hands the batch's web-analytics hits (issue 18) to the rollup worker (analytics/rollup-worker.ts)
 * instead of writing rollups in the batch's transaction: each page view, custom event and visible
 * time report becomes a pending hit (core/analytics/pending-hit.ts: its visitor, the person's
 * audience and stage now), and the outcome carries them with the message ids of every event the
 * batch stores. The ingest queue gives them to the worker once the transaction has committed; the
 * worker folds them into the rollups about once a second, many batches in one write.
 *
 * `enterRollupGate` runs first in the batch (before any lock), so that no flush runs while this
 * batch's events are stored but uncommitted (ports/analytics-store.ts): the worker's mark stays
 * exact, see rollup-worker.ts for the crash window.
 */
import { pendingHitOf, type PendingHit } from '../../core/analytics/pending-hit.js';
import type { WriteTx } from '../../ports/store.js';
import type { IngestBatch } from '../ingest-batch.js';

/** What a committed batch hands to the rollup worker. */
export interface AnalyticsHandoff {
  /** The message id of every event the batch stored (counted or not). */
  stored: string[];
  /** The hits among them, in batch order. */
  hits: PendingHit[];
}

export async function enterRollupGate(tx: WriteTx, workspaceId: string): Promise<void> {
  await tx.analytics.enterRollupGate(workspaceId);
}

export function updateAnalytics(batch: IngestBatch): AnalyticsHandoff {
  const stored: string[] = [];
  const hits: PendingHit[] = [];
  for (const { event, profileId } of batch.assigned) {
    stored.push(event.messageId);
    const pending = pendingHitOf(event, batch.profile(profileId));
    if (pending) hits.push(pending);
  }
  return { stored, hits };
}
