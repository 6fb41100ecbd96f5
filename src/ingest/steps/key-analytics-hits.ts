/**
 * Marks each stored event with its web-analytics hit key (core/analytics/hit-key.ts): the page it
 * viewed or the custom event it was, so that funnels and retention read events through the
 * `events_hits` index instead of their bodies. Events analytics does not count get no key.
 * Runs with the rollups (update-analytics.ts); persist-batch.ts writes the keys with the events.
 */
import { hitOf } from '../../core/analytics/hit-of-event.js';
import { hitKey } from '../../core/analytics/hit-key.js';
import type { IngestBatch } from '../ingest-batch.js';

export function keyAnalyticsHits(batch: IngestBatch): void {
  for (const { event } of batch.assigned) {
    const key = hitKey(hitOf(event));
    if (key !== null) batch.hitKeys.set(event, key);
  }
}
