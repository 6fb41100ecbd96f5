/**
 * Contract: the stage funnel's counts of lifecycle moves (ProfileQueries.lifecycleMoves) — the
 * `Lifecycle Stage Changed` entries of a period per (from, to), moves and distinct people, in one
 * order on both stores, scoped to the workspace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackedEvent } from '../../core/events/event.js';
import { T0, events, ingest, newWorkspace, type StoreSubject } from './contract-fixtures.js';

const HOUR = 3_600_000;

/** A person's move as ingest writes it on the timeline (a system entry; ingest/steps/update-lifecycle.ts). */
function move(workspaceId: string, person: string, from: string | null, to: string, at: number): TrackedEvent {
  const [event] = events(workspaceId, [{ type: 'track', event: 'placeholder', anonymousId: person, at }]);
  return { ...event!, type: 'system', name: 'Lifecycle Stage Changed', properties: { from, to, reason: 'rule r', cause: 'm' } };
}

export function lifecycleMovesContract(subject: () => StoreSubject): void {
  test('moves of the period per (from, to): moves, distinct people, most moves first; other periods and workspaces apart', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    await ingest(store, ws, [
      move(ws, 'ann', null, 'subscriber', T0 + HOUR),
      move(ws, 'ann', 'subscriber', 'lead', T0 + 2 * HOUR),
      move(ws, 'bob', null, 'subscriber', T0 + 3 * HOUR),
      move(ws, 'bob', 'subscriber', 'lead', T0 + 4 * HOUR),
      move(ws, 'bob', 'lead', 'subscriber', T0 + 5 * HOUR),
      move(ws, 'bob', 'subscriber', 'lead', T0 + 6 * HOUR),
      move(ws, 'cid', null, 'subscriber', T0 + 7 * HOUR),
      // Outside the period (before and at its end) and in another workspace: not counted.
      move(ws, 'dan', null, 'subscriber', T0 - 1),
      move(ws, 'eve', null, 'subscriber', T0 + 24 * HOUR),
    ]);
    await ingest(store, other, [move(other, 'ann', null, 'subscriber', T0 + HOUR)]);
    // A tracked event that is no move is never counted.
    await ingest(store, ws, events(ws, [{ type: 'track', event: 'Lifecycle Stage Changed', anonymousId: 'fay', properties: { from: 'a', to: 'b' }, at: T0 + HOUR }]));

    const counted = await store.profiles.lifecycleMoves(ws, { from: T0, to: T0 + 24 * HOUR });
    assert.deepEqual(counted, [
      { from: null, to: 'subscriber', moves: 3, people: 3 },
      { from: 'subscriber', to: 'lead', moves: 3, people: 2 },
      { from: 'lead', to: 'subscriber', moves: 1, people: 1 },
    ]);
    assert.deepEqual(await store.profiles.lifecycleMoves(ws, { from: T0 + 25 * HOUR, to: T0 + 48 * HOUR }), []);
  });
}
