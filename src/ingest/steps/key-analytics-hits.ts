/**
 * Marks each stored event with its web-analytics hit key (core/analytics/hit-key.ts): the page it
 * viewed or the custom event it was, so that funnels and retention read events through the
 * `events_hits` index instead of their bodies. Events analytics does not count get no key.
 * Runs after update-analytics.ts, from its hits; persist-batch.ts writes the keys with the events.
 */
import { hitKey } from '../../core/analytics/hit-key.js';
import type { PendingHit } from '../../core/analytics/pending-hit.js';
import type { IngestBatch } from '../ingest-batch.js';

/** `hits`: the batch's hits (update-analytics.ts), each event's hit read once. */
export function keyAnalyticsHits(batch: IngestBatch, hits: readonly PendingHit[]): void {
  for (const { event, hit } of hits) {
    const key = hitKey(hit);
    if (key !== null) batch.hitKeys.set(event, key);
  }
}
