/**
 * Wires the ingest steps for one batch of one workspace, inside one write transaction. No logic here.
 *   drop duplicates → prefetch identities → per event: admit (privacy) → assign to a profile →
 *   record consent → update profiles → persist
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

export interface BatchOutcome {
  stored: number;
  duplicates: number;
  withheld: number;
}

export type ProcessBatch = (tx: WriteTx, workspaceId: string, events: TrackedEvent[], privacy: PrivacyContext) => Promise<BatchOutcome>;

export function createProcessBatch(deps: ResolveIdentitiesDeps): ProcessBatch {
  return async (tx, workspaceId, events, privacy) => {
    const { fresh, duplicates } = await dropDuplicates(tx, workspaceId, events);
    if (fresh.length === 0) return { stored: 0, duplicates, withheld: 0 };
    const batch = new IngestBatch(tx, workspaceId, fresh, privacy);
    await prefetchIdentities(batch, deps.guard);
    let withheld = 0;
    for (const event of fresh) {
      const admitted = admitToBatch(batch, event, deps.guard);
      if (!admitted) { withheld++; continue; }
      recordConsent(batch, admitted, assignEvent(batch, admitted, deps));
    }
    await updateProfiles(batch);
    await persistBatch(batch);
    return { stored: fresh.length - withheld, duplicates, withheld };
  };
}
