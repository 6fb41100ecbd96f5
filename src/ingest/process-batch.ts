/** Wires the ingest steps for one batch of one workspace, inside one write transaction. No logic here. */
import type { TrackedEvent } from '../core/events/event.js';
import type { WriteTx } from '../ports/store.js';
import { IngestBatch } from './ingest-batch.js';
import { dropDuplicates } from './steps/drop-duplicates.js';
import { persistBatch } from './steps/persist-batch.js';
import { createResolveIdentitiesStep, type ResolveIdentitiesDeps } from './steps/resolve-identities.js';
import { updateProfiles } from './steps/update-profiles.js';

export interface BatchOutcome {
  stored: number;
  duplicates: number;
}

export type ProcessBatch = (tx: WriteTx, workspaceId: string, events: TrackedEvent[]) => Promise<BatchOutcome>;

export function createProcessBatch(deps: ResolveIdentitiesDeps): ProcessBatch {
  const resolveIdentities = createResolveIdentitiesStep(deps);
  return async (tx, workspaceId, events) => {
    const { fresh, duplicates } = await dropDuplicates(tx, workspaceId, events);
    if (fresh.length === 0) return { stored: 0, duplicates };
    const batch = new IngestBatch(tx, workspaceId, fresh);
    await resolveIdentities(batch);
    await updateProfiles(batch);
    await persistBatch(batch);
    return { stored: fresh.length, duplicates };
  };
}
