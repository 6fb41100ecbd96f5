/**
 * Email events judged a machine's (link scanners, Apple Mail Privacy Protection) stay on the
 * timeline but count as nothing the person did: no open, no click, no first/last seen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, emptyBehaviour, replayBehaviour } from '../../../src/core/profiles/behaviour.js';
import { MINUTE, T0, track } from '../fixtures.js';

describe('machine email events in behaviour', () => {
  it('machine opens and clicks are not counted and do not move first or last seen', () => {
    const events = [
      track(T0, 'Email Opened', { machine: true, machineReason: 'apple_mail_privacy' }),
      track(T0 + MINUTE, 'Email Link Clicked', { machine: true, machineReason: 'scanner_user_agent' }),
      track(T0 + 2 * MINUTE, 'Unsubscribed', { machine: true, machineReason: 'scanner_user_agent' }),
    ];
    const b = emptyBehaviour();
    for (const e of events) applyEvent(b, e);
    assert.deepEqual([b.email.opened, b.email.clicked, b.email.unsubscribed, b.email.lastOpenedAt, b.email.lastClickedAt], [0, 0, 0, null, null]);
    assert.equal(b.firstSeenAt, null);
    assert.equal(b.lastSeenAt, null);
    assert.equal(b.eventCount, 3, 'still events on the timeline');
    assert.deepEqual(replayBehaviour(events), b, 'a merge replay agrees');
  });

  it('human ones count as before; machine: false and a missing flag are human', () => {
    const b = emptyBehaviour();
    applyEvent(b, track(T0, 'Email Opened', { machine: false, machineReason: null }));
    applyEvent(b, track(T0 + MINUTE, 'Email Link Clicked', {}));
    applyEvent(b, track(T0 + 2 * MINUTE, 'Email Link Clicked', { machine: 'true' }));
    assert.deepEqual([b.email.opened, b.email.clicked, b.email.lastClickedAt], [1, 2, T0 + 2 * MINUTE]);
    assert.equal(b.lastSeenAt, T0 + 2 * MINUTE);
  });
});
