/**
 * What the store contract tests work with: the store under test, a fresh workspace per test (tests
 * share one database and stay apart by workspace, which also checks that every query is scoped to
 * its workspace), and events that go through the real validation and the real ingest pipeline.
 */
import { randomUUID } from 'node:crypto';
import type { StoredEvent, TrackedEvent } from '../../core/events/event.js';
import { validateEvent } from '../../core/events/validate-event.js';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { createProcessBatch, type BatchOutcome } from '../../ingest/process-batch.js';
import type { Store } from '../../ports/store.js';
import { createPrivacyContexts, type PrivacyContexts } from '../../privacy/privacy-context.js';
import { createRollupWorker, type RollupWorker } from '../../analytics/rollup-worker.js';

export interface StoreSubject {
  store: Store;
  /** Opens a second store on the same data (used while `store` is idle); the caller closes it. */
  openAgain(): Promise<Store>;
  /** Closes `store` and removes the data. */
  destroy(): Promise<void>;
}

export type OpenFreshStore = () => Promise<StoreSubject>;

/** 2024-01-01T00:00:00Z; event times in the tests are offsets from it. */
export const T0 = Date.UTC(2024, 0, 1);

const guard = createIdentityGuard();
const processBatch = createProcessBatch({
  guard,
  newProfileId: () => `prf_${randomUUID()}`,
  newMessageId: () => `tessera-${randomUUID()}`,
});

export async function newWorkspace(store: Store): Promise<string> {
  const id = `ws_${randomUUID()}`;
  await store.workspaces.create({ id, name: `contract ${id}`, createdAt: T0 });
  return id;
}

/** Segment-shaped input (`at` is the event time in ms) → validated events, as the API makes them. */
export function events(workspaceId: string, inputs: ReadonlyArray<Record<string, unknown> & { at?: number }>): TrackedEvent[] {
  return inputs.map(({ at, ...input }) => {
    const time = at ?? T0;
    const result = validateEvent({ messageId: randomUUID(), ...input, timestamp: new Date(time).toISOString() }, {
      workspaceId, receivedAt: time, guard, newMessageId: randomUUID,
    });
    if (!result.ok) throw new Error(`fixture event is invalid: ${JSON.stringify(result.issues)}`);
    return result.event;
  });
}

const contexts = new WeakMap<Store, PrivacyContexts>();

/** The privacy contexts (settings, keyed hashes) ingest uses with this store, as the app makes them. */
export function privacyContexts(store: Store): PrivacyContexts {
  let found = contexts.get(store);
  if (!found) contexts.set(store, (found = createPrivacyContexts(store, Date.now)));
  return found;
}

const workers = new WeakMap<Store, RollupWorker>();

/** The web-analytics rollup worker of this store, as the app makes it (without its timer: `ingest` settles it). */
export function rollupWorker(store: Store): RollupWorker {
  let found = workers.get(store);
  if (!found) workers.set(store, (found = createRollupWorker({ store, privacy: privacyContexts(store), onError: (error) => { throw error; } })));
  return found;
}

/**
 * Stores events in one write transaction and hands their hits to no rollup worker: what a process
 * that dies right after the commit leaves (analytics/rollup-worker.ts, the crash window).
 */
export async function storeOnly(store: Store, workspaceId: string, inputs: ReadonlyArray<Record<string, unknown> & { at?: number }>): Promise<BatchOutcome> {
  const privacy = await privacyContexts(store).get(workspaceId);
  return store.write((tx) => processBatch(tx, workspaceId, events(workspaceId, inputs), privacy));
}

/**
 * Ingests events in one write transaction, as the ingest queue does, under the workspace's privacy
 * settings; then hands the hits to the rollup worker and lets it count them, as a dashboard's
 * request does (analytics/settled.ts).
 */
export async function ingest(store: Store, workspaceId: string, batch: TrackedEvent[]): Promise<BatchOutcome> {
  const privacy = await privacyContexts(store).get(workspaceId);
  const outcome = await store.write((tx) => processBatch(tx, workspaceId, batch, privacy));
  const rollups = rollupWorker(store);
  if (outcome.analytics) rollups.committed(workspaceId, outcome.analytics);
  await rollups.settle(workspaceId);
  return outcome;
}

/** Shorthand: validate and ingest in one transaction. */
export function send(store: Store, workspaceId: string, inputs: ReadonlyArray<Record<string, unknown> & { at?: number }>): Promise<BatchOutcome> {
  return ingest(store, workspaceId, events(workspaceId, inputs));
}

/** Every event of a profile's timeline, reading page by page. */
export async function timeline(store: Store, workspaceId: string, profileId: string, pageSize = 100): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.profiles.events(workspaceId, profileId, { limit: pageSize, ...(cursor ? { cursor } : {}) });
    all.push(...page.events);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
}

/** The live profile id of an identifier, failing the test when there is none. */
export async function profileOf(store: Store, workspaceId: string, id: string): Promise<string> {
  const profileId = await store.profiles.resolve(workspaceId, id);
  if (!profileId) throw new Error(`no profile is known by ${id}`);
  return profileId;
}
