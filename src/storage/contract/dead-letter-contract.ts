/** Contract: dead letters (ports/dead-letter-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newDeadLetterId } from '../../ids.js';
import type { DeadLetter } from '../../ports/dead-letter-store.js';
import { T0, events, newWorkspace, type StoreSubject } from './contract-fixtures.js';

function letter(workspaceId: string, input: Record<string, unknown>, at = T0): DeadLetter {
  const [event] = events(workspaceId, [input]);
  // As the store returns them: by kind, then value.
  const keys = [
    ...(event!.anonymousId ? [{ kind: 'anonymous_id' as const, value: event!.anonymousId }] : []),
    ...(event!.userId ? [{ kind: 'user_id' as const, value: event!.userId }] : []),
  ];
  return { id: newDeadLetterId(), workspaceId, event: event!, keys, error: 'TypeError: boom', failedAt: at, attempts: 1 };
}

export function deadLetterContract(subject: () => StoreSubject): void {
  test('letters are kept with their event and identifiers, listed oldest first in pages, and found by id', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const before = await store.deadLetters.count();
    const letters = [1, 2, 3].map((n) => letter(ws, { type: 'track', event: `Poison ${n}`, userId: `u${n}`, anonymousId: `a${n}`, properties: { n } }, T0 + n));
    for (const l of letters) await store.deadLetters.add(l);
    await store.deadLetters.add(letter(other, { type: 'track', event: 'Elsewhere', userId: 'u1' }));
    assert.equal(await store.deadLetters.count(), before + 4);

    const first = await store.deadLetters.list(ws, { limit: 2 });
    assert.deepEqual(first.deadLetters, letters.slice(0, 2));
    assert.ok(first.nextCursor);
    const second = await store.deadLetters.list(ws, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(second.deadLetters, letters.slice(2));
    assert.equal(second.nextCursor, null);
    assert.deepEqual(await store.deadLetters.get(ws, letters[1]!.id), letters[1]);
    assert.equal(await store.deadLetters.get(other, letters[1]!.id), null, 'another workspace does not see it');
    await assert.rejects(store.deadLetters.list(ws, { limit: 2, cursor: 'bm90IGEgY3Vyc29y' }), { code: 'invalid_query' });
  });

  test('a failed retry counts an attempt; removal deletes it once', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const l = letter(ws, { type: 'track', event: 'Poison', userId: 'u1' });
    await store.deadLetters.add(l);
    assert.equal(await store.deadLetters.recordFailure(ws, l.id, { error: 'Error: again', at: T0 + 5 }), true);
    assert.deepEqual(await store.deadLetters.get(ws, l.id), { ...l, attempts: 2, error: 'Error: again', failedAt: T0 + 5 });
    assert.equal(await store.deadLetters.remove(ws, l.id), true);
    assert.equal(await store.deadLetters.remove(ws, l.id), false);
    assert.equal(await store.deadLetters.recordFailure(ws, l.id, { error: 'x', at: T0 }), false);
    assert.equal(await store.deadLetters.get(ws, l.id), null);
  });

  test('export and erasure find letters by any identifier they name, in their workspace only', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const byUser = letter(ws, { type: 'track', event: 'A', userId: 'kim' });
    const byAnon = letter(ws, { type: 'track', event: 'B', anonymousId: 'anon-kim' });
    const someoneElse = letter(ws, { type: 'track', event: 'C', userId: 'lee' });
    const elsewhere = letter(other, { type: 'track', event: 'D', userId: 'kim' });
    for (const l of [byUser, byAnon, someoneElse, elsewhere]) await store.deadLetters.add(l);
    const kim = [{ kind: 'user_id' as const, value: 'kim' }, { kind: 'anonymous_id' as const, value: 'anon-kim' }, { kind: 'email' as const, value: 'kim@example.com' }];

    assert.deepEqual(await store.deadLetters.naming(ws, kim), [byUser, byAnon]);
    assert.deepEqual(await store.deadLetters.naming(ws, [{ kind: 'anonymous_id', value: 'kim' }]), [], 'the kind must match too');
    assert.deepEqual(await store.deadLetters.naming(ws, []), []);
    assert.equal(await store.deadLetters.eraseNaming(ws, kim), 2);
    assert.deepEqual((await store.deadLetters.list(ws, { limit: 10 })).deadLetters, [someoneElse]);
    assert.deepEqual(await store.deadLetters.naming(other, kim), [elsewhere]);
    assert.equal(await store.deadLetters.eraseNaming(ws, kim), 0);
  });
}
