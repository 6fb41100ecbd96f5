/**
 * The rollup worker (issue 18 §3): keeps the web-analytics rollups up to date with the stored
 * events, out of the ingest transactions. Ingest hands it each committed batch's hits (the queue's
 * `onCommitted`, ingest/steps/update-analytics.ts); it holds them in memory per workspace and about
 * once a second (`intervalMs`, sooner when `maxPending` hits wait) folds everything pending into the
 * rollups in one write transaction (fold-hits.ts): a sketch, a rollup row, a visitor's open visit is
 * read and written once per flush instead of once per batch.
 *
 * The mark, and the crash window. Each flush also writes the workspace's rollup mark, in the same
 * transaction: the sequence number up to which every stored event is counted. A flush takes the
 * rollup gate (ports/analytics-store.ts) — no ingest batch of the workspace is uncommitted while it
 * runs — reads the sequence numbers and message ids stored after the mark, and counts each of them:
 * from memory when its batch handed it over, otherwise read back from the stored event (its
 * profile as it is now). The new mark is the last of them. So:
 * - the hits held in memory when the process dies (up to about a second of ingest) are not lost:
 *   the next flush after a start (`start` flushes every workspace) reads them from the stored
 *   events after the mark;
 * - nothing counts twice: an event is counted by the flush whose range holds its sequence number,
 *   and a hit that arrives after a flush counted it from the store (its handover came late, or
 *   another server's worker counted it) is dropped, its event being at or below the mark;
 * - a hit whose event was erased before the flush still counts in the aggregates (which hold no
 *   identifiers; erasure leaves them), but writes no person-level row (fold-hits.ts).
 * A flush that fails leaves its hits pending; the next one tries again (the mark did not move).
 *
 * Handovers in flight. A batch's events are stored (and visible to a flush) a moment before its
 * handover arrives: the queue tells the worker which events a batch is writing (`expect`) before its
 * transaction, and hands them over after the commit. A flush that meets a stored event it expects
 * but was not yet handed stops its page just before it and leaves it to a later flush, for up to
 * `handoverGraceMs` (a batch that failed is never handed over). A stored event it does not expect
 * (a lifecycle move, a merge's system event, another process's ingest) is read back at once. Counting
 * an expected event from the store would be wrong in a way that shows: the hit would be made from
 * the stored event and the profile as they are by then, not from the batch (the goal counts of a
 * full test run were off by one visit). Events read back are folded in stored order.
 *
 * Memory. What a handover holds is only a shortcut: every handed-over event is stored, and a flush
 * reads back what it does not hold. So when flushes fall behind (the store is slow or failing) and
 * more than `maxHeld` handed-over events wait in memory, the worker lets go of them all (`onBehind`
 * is told how many) and the next flushes read them back from the store: memory stays bounded, and
 * nothing is lost or counted twice.
 *
 * Read-your-writes: `settle(workspace)` flushes what is pending for it; the analytics, funnel and
 * retention services call it before answering, and erasure before erasing. A dashboard therefore
 * sees every event acknowledged before its request.
 */
import { identityTraitKeys } from '../core/privacy/data-schema.js';
import { pendingHitOf, type PendingHit } from '../core/analytics/pending-hit.js';
import type { Store, WriteTx } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { AnalyticsHandoff } from '../ingest/steps/update-analytics.js';
import type { GoalRulesSource } from './goals.js';
import { foldHits } from './fold-hits.js';

export interface RollupWorkerDeps {
  store: Store;
  privacy: Pick<PrivacyContexts, 'get'>;
  /** The goals the rollups count (analytics/goals.ts); none without it. */
  goals?: GoalRulesSource;
  onError: (error: unknown) => void;
  /** Between flushes (default 1,000 ms). */
  intervalMs?: number;
  /** Hits held before a flush starts at once (default 20,000). */
  maxPending?: number;
  /** Handed-over events held in memory at most (default 200,000); beyond, they are let go and read back (see "Memory"). */
  maxHeld?: number;
  /** Told when held events were let go because flushes fell behind (see "Memory"). */
  onBehind?: (released: number) => void;
  /** Stored events examined per flush transaction (default 20,000); a longer backlog takes several. */
  pageSize?: number;
  /**
   * How long a stored event whose handover is expected (`expect`) may be waited for before it is read
   * back from the store (default 10,000 ms; see "Handovers in flight" above).
   */
  handoverGraceMs?: number;
  /** The clock of the grace (default Date.now). */
  now?: () => number;
}

export interface RollupWorker {
  /** Told, before a batch's transaction, of the events it writes (the ingest queue's `onCommitting`): see "Handovers in flight". */
  expect(workspaceId: string, messageIds: Iterable<string>): void;
  /** Told of a committed batch's hits (the ingest queue's `onCommitted`); returns at once. */
  committed(workspaceId: string, handoff: AnalyticsHandoff): void;
  /** Counts what is pending for the workspace (and any backlog after its mark); resolves once committed. */
  settle(workspaceId: string): Promise<void>;
  /** Counts every workspace's pending hits and backlog (start-up, shutdown, tests). */
  flushAll(): Promise<void>;
  /** Catches up every workspace from its mark, then flushes every `intervalMs`. */
  start(): Promise<void>;
  /** Stops the timer and flushes what is pending. */
  close(): Promise<void>;
  /** Hits waiting in memory (all workspaces). */
  readonly pending: number;
  /** Handed-over events held in memory (all workspaces; with those that count nothing), at most `maxHeld`. */
  readonly held: number;
}

/** Per workspace: message id of each stored event handed over → its hit (null: stored, counts nothing). */
type Pending = Map<string, PendingHit | null>;

export function createRollupWorker(deps: RollupWorkerDeps): RollupWorker {
  const intervalMs = deps.intervalMs ?? 1_000;
  const maxPending = deps.maxPending ?? 20_000;
  const maxHeld = deps.maxHeld ?? 200_000;
  const pageSize = deps.pageSize ?? 20_000;
  const graceMs = deps.handoverGraceMs ?? 10_000;
  const now = deps.now ?? Date.now;
  // Events of batches being written, not handed over yet: workspace + message id → since when (see "Handovers in flight").
  const expected = new Map<string, number>();
  const expectKey = (workspaceId: string, messageId: string) => `${workspaceId}\u0000${messageId}`;
  const pending = new Map<string, Pending>();
  let pendingHits = 0;
  /** Entries of `pending` (all workspaces). */
  let held = 0;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let early = false;

  /** Runs flushes one after another (one transaction at a time per worker). */
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = chain.then(work);
    chain = run.catch(() => {});
    return run;
  };

  const putBack = (workspaceId: string, taken: Pending) => {
    if (taken.size === 0) return;
    const now = pending.get(workspaceId);
    if (!now) { pending.set(workspaceId, taken); held += taken.size; return; }
    for (const [id, hit] of taken) if (!now.has(id)) { now.set(id, hit); held++; }
  };

  /** Flushes fell behind: every held event is let go (its workspace stays pending, so a flush reads it back). */
  const release = () => {
    const released = held;
    for (const workspaceId of pending.keys()) pending.set(workspaceId, new Map());
    held = 0;
    pendingHits = 0;
    deps.onBehind?.(released);
  };

  const countHits = (p: Pending) => { let n = 0; for (const h of p.values()) if (h) n++; return n; };

  /** One transaction: the events after the mark (a page of them), counted; answers what it used and whether more remain. */
  const flushPage = async (tx: WriteTx, workspaceId: string, taken: Pending): Promise<{ used: Set<string>; more: boolean }> => {
    const analytics = tx.analytics;
    const mark = await analytics.rollupMark(workspaceId);
    const page = await analytics.storedSince(workspaceId, mark, pageSize);
    const used = new Set<string>();
    const hits: PendingHit[] = [];
    const missing: string[] = [];
    // The stored events' hits in the order they were stored (a visit is cut from its hits in time order).
    const inOrder: Array<PendingHit | string> = [];
    let stored = page;
    for (const [i, { messageId }] of page.entries()) {
      if (taken.has(messageId)) {
        const hit = taken.get(messageId)!;
        if (hit) inOrder.push(hit);
        used.add(messageId);
        continue;
      }
      const since = expected.get(expectKey(workspaceId, messageId));
      if (since !== undefined && now() - since < graceMs) {
        // Its handover is on its way: stop here, a later flush counts it and what follows.
        stored = page.slice(0, i);
        break;
      }
      expected.delete(expectKey(workspaceId, messageId));
      missing.push(messageId);
      inOrder.push(messageId);
    }
    const more = stored.length === pageSize;
    // Hits not after the mark (on the last page only: a full page leaves the rest to the next one).
    const others = more ? [] : [...taken.keys()].filter((id) => !used.has(id));
    if (others.length > 0) {
      const found = new Map((await analytics.storedEvents(workspaceId, others)).map((r) => [r.messageId, r.seq]));
      for (const id of others) {
        const seq = found.get(id);
        if (seq === undefined) {
          // Erased since it was stored: the aggregates keep it (no person-level row: fold-hits.ts).
          const hit = taken.get(id);
          if (hit) hits.push(hit);
          used.add(id);
        } else if (seq <= mark) {
          used.add(id); // counted from the store by an earlier flush
        }
      }
    }
    const readHits = missing.length > 0 ? new Map((await readBack(tx, workspaceId, missing)).map((h) => [h.event.messageId, h])) : new Map<string, PendingHit>();
    for (const entry of inOrder) {
      const hit = typeof entry === 'string' ? readHits.get(entry) : entry;
      if (hit) hits.push(hit);
    }
    const newMark = stored.length > 0 ? stored[stored.length - 1]!.seq : mark;
    if (hits.length === 0 && newMark === mark) return { used, more };
    const profileIds = [...new Set(hits.flatMap((h) => (h.profileId === null ? [] : [h.profileId])))];
    const [live, goals, privacy] = await Promise.all([
      analytics.liveProfileIds(workspaceId, profileIds),
      deps.goals ? deps.goals.rules(workspaceId) : Promise.resolve([]),
      deps.privacy.get(workspaceId),
    ]);
    const changes = await foldHits(analytics, workspaceId, hits, { goals, personal: identityTraitKeys(privacy.settings.schema), live });
    await tx.apply({
      workspaceId, newProfiles: [], merges: [], identities: [], events: [], profiles: [], consents: [], counters: [],
      analytics: { ...(changes ?? { rows: [], sketches: [], visits: [] }), mark: newMark },
    });
    return { used, more };
  };

  const flushWorkspace = async (workspaceId: string): Promise<void> => {
    for (;;) {
      const taken = pending.get(workspaceId) ?? new Map<string, PendingHit | null>();
      pending.delete(workspaceId);
      pendingHits -= countHits(taken);
      held -= taken.size;
      let outcome: { used: Set<string>; more: boolean };
      try {
        outcome = await deps.store.write((tx) => flushPage(tx, workspaceId, taken));
      } catch (error) {
        putBack(workspaceId, taken);
        pendingHits += countHits(taken);
        throw error;
      }
      for (const id of outcome.used) taken.delete(id);
      putBack(workspaceId, taken);
      pendingHits += countHits(taken);
      if (!outcome.more) return;
    }
  };

  const flushAll = (workspaceIds: Iterable<string>) => serial(async () => {
    for (const workspaceId of [...workspaceIds]) {
      try { await flushWorkspace(workspaceId); } catch (error) { deps.onError(error); }
    }
  });

  const worker: RollupWorker = {
    expect(workspaceId, messageIds) {
      const at = now();
      // A batch that failed is never handed over: its entries are dropped once they are past the grace.
      if (expected.size > 100_000) for (const [key, since] of expected) if (at - since >= graceMs) expected.delete(key);
      for (const id of messageIds) expected.set(expectKey(workspaceId, id), at);
    },
    committed(workspaceId, handoff) {
      for (const id of handoff.stored) expected.delete(expectKey(workspaceId, id));
      let p = pending.get(workspaceId);
      if (!p) pending.set(workspaceId, (p = new Map()));
      for (const id of handoff.stored) if (!p.has(id)) { p.set(id, null); held++; }
      for (const hit of handoff.hits) {
        if (!p.has(hit.event.messageId)) held++;
        if (!p.get(hit.event.messageId)) pendingHits++;
        p.set(hit.event.messageId, hit);
      }
      if (held > maxHeld) release();
      if (pendingHits >= maxPending && !early) {
        early = true;
        setImmediate(() => { early = false; void flushAll(pending.keys()); });
      }
    },
    settle(workspaceId) {
      // Nothing of it waits: only let a flush under way finish.
      if (!pending.has(workspaceId)) return chain;
      return serial(() => flushWorkspace(workspaceId));
    },
    flushAll() {
      return flushAll(pending.keys());
    },
    async start() {
      const workspaces = await deps.store.workspaces.list();
      await flushAll(workspaces.map((w) => w.id));
      timer ??= setInterval(() => { if (pending.size > 0) void flushAll(pending.keys()); }, intervalMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await flushAll(pending.keys());
    },
    get pending() { return pendingHits; },
    get held() { return held; },
  };
  return worker;
}

/** The hits of stored events the worker did not get in memory, from the events and their profiles as they are now. */
async function readBack(tx: WriteTx, workspaceId: string, messageIds: readonly string[]): Promise<PendingHit[]> {
  const rows = await tx.analytics.storedEvents(workspaceId, messageIds);
  if (rows.length === 0) return [];
  const profiles = await tx.loadProfiles(workspaceId, [...new Set(rows.map((r) => r.profileId))]);
  const hits: PendingHit[] = [];
  for (const { event, profileId } of rows) {
    const profile = profiles.get(profileId);
    const hit = profile ? pendingHitOf(event, profile) : null;
    if (hit) hits.push(hit);
  }
  return hits;
}
