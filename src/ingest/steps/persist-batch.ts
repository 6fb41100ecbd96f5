/** Writes the batch's unit of work through the store, with every event pointing at its live profile. */
import type { IngestBatch } from '../ingest-batch.js';

export async function persistBatch(batch: IngestBatch): Promise<void> {
  await batch.tx.apply({
    workspaceId: batch.workspaceId,
    newProfiles: batch.newProfiles,
    merges: batch.merges,
    identities: batch.identities.map((i) => ({ profileId: batch.live(i.profileId), identity: i.identity })),
    events: batch.assigned.map((a) => ({ event: a.event, profileId: batch.live(a.profileId), originalProfileId: a.originalProfileId, hit: batch.hitKeys.get(a.event) ?? null })),
    profiles: [...batch.profiles.values()].filter((p) => !batch.newProfileIds.has(p.id)),
    consents: batch.consents.map((c) => ({ ...c, profileId: batch.live(c.profileId) })),
    counters: batch.privacyCounters,
    deliveries: batch.deliveries,
    segments: { ...batch.segmentChanges, retired: [...batch.segmentChanges.retired, ...batch.merges.map((m) => m.mergedId)] },
    exposures: batch.counterUpdates.map((u) => ({ ...u, profileId: batch.live(u.profileId) })),
    ...(batch.itemStubs.size > 0 ? { itemStubs: [...batch.itemStubs.values()] } : {}),
    ...(batch.itemLearning && (batch.itemInteractions.length > 0 || batch.itemFeedback.length > 0)
      ? { itemLearning: {
        params: batch.itemLearning, learned: batch.learnedItems, interactions: batch.itemInteractions.map((i) => ({ ...i, profileId: batch.live(i.profileId) })),
        ...(batch.itemFeedback.length > 0 ? { feedback: batch.itemFeedback.map((f) => ({ ...f, profileId: batch.live(f.profileId) })) } : {}),
      } }
      : {}),
    ...(batch.experimentChanges ? { experiments: batch.experimentChanges } : {}),
  });
}
