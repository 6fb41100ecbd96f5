/**
 * Re-evaluation of profiles without events: a time window passed (the segment scheduler), a
 * definition was created or changed (backfill), a manual lifecycle move, changed scoring config.
 * The profiles are loaded (and locked) in a write transaction into an IngestBatch with no events,
 * and the same derived steps as ingest run on them (computed traits → scores → lifecycle → segments
 * → webhook outbox) before `persistBatch`, so that every path produces the same timeline entries,
 * membership rows and webhook deliveries as an event would.
 */
import type { ProfileChange } from '../core/profiles/profile-change.js';
import type { EpochMs } from '../core/time.js';
import type { Store, WriteTx } from '../ports/store.js';
import type { PrivacyContext, PrivacyContexts } from '../privacy/privacy-context.js';
import { IngestBatch } from './ingest-batch.js';
import type { DerivedSteps } from './process-batch.js';
import { persistBatch } from './steps/persist-batch.js';

export interface ReevaluateDeps {
  store: Store;
  privacy: PrivacyContexts;
  derive: DerivedSteps;
}

export interface ReevaluateRequest {
  workspaceId: string;
  /** Any profile ids; merged-away ids resolve to their survivor, unknown ones are skipped. */
  profileIds: readonly string[];
  now: EpochMs;
  /** Recorded with the changes: `time`, `backfill`, `definition`, `manual:<actor>`, `config`. */
  cause: string;
  /** Runs on the loaded batch before the derived steps (e.g. a manual lifecycle move, a history rebuild). */
  prepare?: (batch: IngestBatch) => Promise<void> | void;
}

/** Re-evaluates in a transaction of its own; returns the changes made. */
export async function reevaluate(deps: ReevaluateDeps, request: ReevaluateRequest): Promise<ProfileChange[]> {
  const privacy = await deps.privacy.get(request.workspaceId);
  return deps.store.write((tx) => reevaluateInTx(tx, deps, request, privacy));
}

/**
 * Re-evaluates inside the caller's write transaction (the scheduler claims due rows in it first).
 * The workspace's privacy context is fetched before the transaction: loading it may write (the
 * workspace secret), and on SQLite a write inside a write transaction waits for itself.
 */
export async function reevaluateInTx(tx: WriteTx, deps: Omit<ReevaluateDeps, 'store' | 'privacy'>, request: ReevaluateRequest, privacy: PrivacyContext): Promise<ProfileChange[]> {
  const batch = new IngestBatch(tx, request.workspaceId, [], privacy);
  batch.reevaluation = { now: request.now, cause: request.cause };
  const loaded = await tx.loadProfiles(request.workspaceId, [...new Set(request.profileIds)]);
  for (const profile of loaded.values()) batch.profiles.set(profile.id, profile);
  await request.prepare?.(batch);
  await deps.derive(batch);
  await persistBatch(batch);
  return batch.changes;
}
