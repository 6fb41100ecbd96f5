/**
 * Clients retry, so a messageId seen before in the workspace is answered 200 and not stored again:
 * on a retry, inside one batch, across endpoints, under concurrency. Another workspace's messageIds
 * are its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorkspace } from '../../src/workspaces/api-keys.js';
import { basicAuth, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, profileOf, timelineOf } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

describe('duplicate messageId', () => {
  it('a retried event is accepted and stored once; the first copy stays', async () => {
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'anon-retry', event: 'First Copy', messageId: 'retry-1' }));
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'anon-retry', event: 'Second Copy', messageId: 'retry-1' }));
    const events = await timelineOf(t, 'anon-retry');
    assert.deepEqual(events.map((e) => [e.messageId, e.event]), [['retry-1', 'First Copy']]);
    assert.equal((await profileOf(t, 'anon-retry')).behaviour.eventCount, 1);
  });

  it('repeats inside one batch and across batch and single endpoints are stored once', async () => {
    const item = { type: 'track', anonymousId: 'anon-batch-dup', event: 'Dup', messageId: 'batch-dup-1' };
    assertAccepted(await t.collect('/v1/batch', { batch: [item, item, { ...item, messageId: 'batch-dup-2' }] }));
    assertAccepted(await t.collect('/v1/track', item));
    assertAccepted(await t.collect('/v1/b', { batch: [item] }));
    const ids = (await timelineOf(t, 'anon-batch-dup')).map((e) => e.messageId).sort();
    assert.deepEqual(ids, ['batch-dup-1', 'batch-dup-2']);
    assert.equal((await profileOf(t, 'anon-batch-dup')).behaviour.eventCount, 2);
  });

  it('concurrent copies of one event are stored once', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      t.collect('/v1/track', { anonymousId: 'anon-concurrent-dup', event: 'Dup', messageId: 'concurrent-dup' })));
    for (const res of answers) assertAccepted(res);
    assert.equal((await timelineOf(t, 'anon-concurrent-dup')).length, 1);
  });

  it('is scoped to the workspace: the same messageId is stored once in each', async () => {
    const other = await createWorkspace(t.tessera.store, { name: 'Other', now: Date.now() });
    const event = { anonymousId: 'anon-two-workspaces', event: 'Shared Id', messageId: 'shared-message-id' };
    assertAccepted(await t.collect('/v1/track', event));
    assertAccepted(await t.collect('/v1/track', event, { authorization: basicAuth(other.writeKey) }));
    assertAccepted(await t.collect('/v1/track', event, { authorization: basicAuth(other.writeKey) }));

    assert.equal((await timelineOf(t, 'anon-two-workspaces')).length, 1);
    const otherTimeline = await t.inject({ method: 'GET', url: '/v1/profiles/anon-two-workspaces/events', headers: { authorization: `Bearer ${other.adminKey}` } });
    assert.equal(otherTimeline.statusCode, 200, otherTimeline.body);
    const { events, profileId } = JSON.parse(otherTimeline.body);
    assert.equal(events.length, 1);
    assert.notEqual(profileId, (await profileOf(t, 'anon-two-workspaces')).id);
  });
});
