/**
 * Drops events whose messageId is already stored in the workspace, or repeated within the batch.
 * Clients retry (they cannot know whether a timed-out request was stored), so a duplicate is an
 * expected outcome, answered as accepted and stored once.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { WriteTx } from '../../ports/store.js';

export async function dropDuplicates(tx: WriteTx, workspaceId: string, events: readonly TrackedEvent[]): Promise<{ fresh: TrackedEvent[]; duplicates: number }> {
  const stored = await tx.existingMessageIds(workspaceId, events.map((e) => e.messageId));
  const seen = new Set<string>();
  const fresh: TrackedEvent[] = [];
  for (const event of events) {
    if (stored.has(event.messageId) || seen.has(event.messageId)) continue;
    seen.add(event.messageId);
    fresh.push(event);
  }
  return { fresh, duplicates: events.length - fresh.length };
}
