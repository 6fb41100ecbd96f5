import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IdentityKey } from '../../../src/core/identity/identity-key.js';
import { dependentsOf, planUndo, restoredSide, selectMergesToUndo, type MergeLogEntry } from '../../../src/core/identity/unmerge-plan.js';
import type { IdentityRecord } from '../../../src/core/profiles/profile.js';
import { splitLifecycle } from '../../../src/core/lifecycle/transitions.js';
import { T0, trackedEvent } from '../fixtures.js';

const key = (kind: IdentityKey['kind'], value: string): IdentityKey => ({ kind, value });
const record = (k: IdentityKey, messageId: string | null = 'm0'): IdentityRecord => ({ ...k, firstSeenAt: T0, messageId });

function merge(seq: number, survivorId: string, mergedId: string, cause: IdentityKey, brought: IdentityKey[] = [cause]): MergeLogEntry {
  return {
    seq, workspaceId: 'ws', survivorId, mergedId, cause, messageId: `merge-${seq}`, at: T0 + seq * 1000,
    snapshot: { traits: {}, traitMeta: {}, identities: brought.map((k) => record(k)), createdAt: T0 },
  };
}

describe('which merges to undo', () => {
  const first = merge(1, 'S', 'X', key('anonymous_id', 'dev-x'));
  const unrelated = merge(2, 'S', 'Y', key('anonymous_id', 'dev-y'));
  const vouched = merge(3, 'S', 'Z', key('anonymous_id', 'dev-x'));
  const onward = merge(4, 'T', 'S', key('user_id', 'u-s'));
  const afterOnward = merge(5, 'T', 'W', key('anonymous_id', 'dev-x'));

  test('a later merge proved by an identifier the merged profile brought, and the survivor merged on, depend on it; others do not', () => {
    const log = [first, unrelated, vouched, onward, afterOnward];
    assert.deepEqual(dependentsOf(log, first).map((m) => m.seq), [3, 4, 5]);
    assert.deepEqual(dependentsOf(log, unrelated).map((m) => m.seq), [4], 'Y brought nothing later merges used');
    assert.deepEqual(dependentsOf([first, unrelated], first), []);
  });

  test('dependents must be included; then all are undone latest first', () => {
    const log = [first, unrelated, vouched];
    const refused = selectMergesToUndo(log, 'X', []);
    assert.ok(!refused.ok && refused.problem === 'dependents');
    assert.deepEqual(refused.dependents.map((m) => m.mergedId), ['Z']);
    const together = selectMergesToUndo(log, 'X', ['Z']);
    assert.ok(together.ok);
    assert.deepEqual(together.merges.map((m) => m.mergedId), ['Z', 'X']);
    const stray = selectMergesToUndo(log, 'X', ['Z', 'Y']);
    assert.deepEqual(stray, { ok: false, problem: 'not_dependent', ids: ['Y'] });
  });

  test('unknown and undone merges are told apart; an undone dependent no longer counts', () => {
    assert.deepEqual(selectMergesToUndo([first], 'Q', []), { ok: false, problem: 'not_found' });
    assert.deepEqual(selectMergesToUndo([{ ...first, undone: { at: T0, cause: 'manual:k' } }], 'X', []), { ok: false, problem: 'undone' });
    const undoneLater = selectMergesToUndo([first, { ...vouched, undone: { at: T0, cause: 'manual:k' } }], 'X', []);
    assert.ok(undoneLater.ok);
  });

  test('the restored side: the merged profile and what was merged into it before, not after', () => {
    const intoX = merge(1, 'X', 'X1', key('anonymous_id', 'a1'));
    const intoX1 = merge(0, 'X1', 'X0', key('anonymous_id', 'a0'));
    const m = merge(2, 'S', 'X', key('user_id', 'x'));
    const later = merge(3, 'X', 'late', key('anonymous_id', 'a9'));
    assert.deepEqual([...restoredSide([intoX1, intoX, m, later], m)].sort(), ['X', 'X0', 'X1']);
  });
});

describe('what goes back', () => {
  const m = merge(1, 'S', 'X', key('user_id', 'crm-x'), [key('user_id', 'crm-x'), key('email', 'x@a.test')]);
  const identities = [
    record(key('user_id', 'web-s'), 's0'), record(key('email', 's@a.test'), 's0'),
    record(key('user_id', 'crm-x'), 'x0'), record(key('email', 'x@a.test'), 'x0'),
    record(key('anonymous_id', 'kiosk'), 'merge-1'),
    record(key('anonymous_id', 'x-phone'), 'late-x'),
  ];
  const keysOf = (e: ReturnType<typeof trackedEvent>) => [
    ...(e.userId ? [key('user_id', e.userId)] : []), ...(e.anonymousId ? [key('anonymous_id', e.anonymousId)] : []),
  ];
  const at = T0 + 1000;
  const ev = (messageId: string, fields: Partial<ReturnType<typeof trackedEvent>>, originalProfileId: string, receivedAt = at + 10) =>
    ({ event: trackedEvent({ messageId, timestamp: receivedAt, receivedAt, ...fields }), originalProfileId });

  test('events by original profile, then by their strongest identifier; identities with the events that brought them', () => {
    const plan = planUndo({
      merge: m, side: new Set(['X']), identities, keysOf,
      events: [
        ev('x0', { userId: 'crm-x' }, 'X', T0),
        ev('s0', { userId: 'web-s' }, 'S', T0),
        ev('merge-1', { userId: 'web-s', previousId: 'crm-x', anonymousId: 'kiosk' }, 'S'),
        ev('late-x', { userId: 'crm-x', anonymousId: 'x-phone' }, 'S'),
        ev('late-both', { userId: 'web-s', anonymousId: 'x-phone' }, 'S'),
        ev('late-kiosk', { anonymousId: 'kiosk' }, 'S'),
        ev('system', { type: 'system', userId: 'crm-x' }, 'S'),
        ev('early', { userId: 'crm-x' }, 'S', T0),
        ev('merged-entry', { type: 'system', name: 'Profiles Merged', properties: { mergedProfileId: 'X', cause: { kind: 'user_id', value: 'crm-x' } } }, 'S'),
        ev('other-merged-entry', { type: 'system', name: 'Profiles Merged', properties: { mergedProfileId: 'Q' } }, 'S'),
      ],
    });
    assert.deepEqual([...plan.events].sort(), ['late-x', 'merged-entry', 'x0'], 'the merge\'s own entry names X\'s identifier: it goes with X');
    assert.deepEqual(plan.identities.map((i) => i.value).sort(), ['crm-x', 'x-phone', 'x@a.test']);
    assert.deepEqual(plan.removed.map((i) => i.value), ['kiosk'], 'only the wrong merge vouched for it');
  });
});

describe('the lifecycle split', () => {
  test('each side keeps the moves of its own events; the merge entry goes', () => {
    const history = [
      { from: null, to: 'subscriber', at: T0, reason: 'r', cause: 's1' },
      { from: null, to: 'subscriber', at: T0 + 1, reason: 'r', cause: 'x1' },
      { from: 'subscriber', to: 'marketing_qualified', at: T0 + 2, reason: 'r', cause: 'x2' },
      { from: 'subscriber', to: 'marketing_qualified', at: T0 + 3, reason: 'merged', cause: 'm', merged: { profileId: 'X', stage: 'marketing_qualified' } },
    ];
    const split = splitLifecycle({ stage: 'marketing_qualified', since: T0 + 2, history }, { mergedId: 'X', restored: (move) => move.cause.startsWith('x') });
    assert.deepEqual([split.survivor?.stage, split.survivor?.history.length], ['subscriber', 1]);
    assert.deepEqual([split.restored?.stage, split.restored?.since, split.restored?.history.length], ['marketing_qualified', T0 + 2, 2]);
    assert.deepEqual(splitLifecycle(undefined, { mergedId: 'X', restored: () => true }), {});
  });
});
