/** The person's current user id: the latest identify's or alias's userId, never an alias's previousId. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { replayBehaviour } from '../../../src/core/profiles/behaviour.js';
import { currentUserId } from '../../../src/core/profiles/current-user-id.js';
import { emptyBehaviour } from '../../../src/core/profiles/behaviour.js';
import type { IdentityRecord } from '../../../src/core/profiles/profile.js';

const ev = (type: TrackedEvent['type'], userId: string, timestamp: number, previousId?: string) =>
  ({ type, userId, previousId: previousId ?? null, timestamp, name: type === 'track' ? 'X' : null, properties: {}, context: {}, traits: {}, messageId: `m${timestamp}` }) as unknown as TrackedEvent;
const ids = (...values: Array<[string, number]>): IdentityRecord[] => values.map(([value, firstSeenAt]) => ({ kind: 'user_id', value, firstSeenAt, messageId: null }));

describe('currentUserId', () => {
  it('follows identify and alias by event time; a stale track under an old id does not count', () => {
    const behaviour = replayBehaviour([ev('identify', 'old', 1), ev('alias', 'new', 2, 'old'), ev('track', 'old', 3)]);
    assert.equal(currentUserId({ identities: ids(['old', 1], ['new', 2]), behaviour }), 'new');
    // Arrival order does not matter: a late identify with an earlier time does not win.
    const late = replayBehaviour([ev('alias', 'new', 2, 'old'), ev('identify', 'old', 1)]);
    assert.equal(currentUserId({ identities: ids(['old', 2], ['new', 2]), behaviour: late }), 'new');
  });

  it('without a kept current id (older state), the user id first seen last; null without any', () => {
    assert.equal(currentUserId({ identities: ids(['b', 5], ['a', 9]), behaviour: emptyBehaviour() }), 'a');
    assert.equal(currentUserId({ identities: [{ kind: 'email', value: 'x@y.z', firstSeenAt: 1, messageId: null }], behaviour: emptyBehaviour() }), null);
    // A current id no longer among the identities (removed since) is not shown.
    const behaviour = { ...emptyBehaviour(), userId: { value: 'gone', at: 9 } };
    assert.equal(currentUserId({ identities: ids(['kept', 1]), behaviour }), 'kept');
  });
});
