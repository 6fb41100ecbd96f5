/**
 * Back-pressure: when more events wait than the queue allows, requests are answered 429 with
 * Retry-After (Segment clients back off and retry) — and a refused request stored nothing, so the
 * retry cannot double-count. A request that was answered 200 is stored.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, timelineOf } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera({ ingest: { maxBatchEvents: 10, maxPendingEvents: 1, maxInFlight: 1 } }); });
after(async () => { await t.close(); });

it('answers 429 with Retry-After when the queue is full, and stores exactly the accepted requests', async () => {
  const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    t.collect('/v1/track', { anonymousId: 'anon-overload', event: 'Burst', messageId: `burst-${i}` }).then((res) => ({ i, res }))));

  const accepted = answers.filter((a) => a.res.statusCode === 200).map((a) => `burst-${a.i}`);
  const refused = answers.filter((a) => a.res.statusCode === 429);
  assert.equal(accepted.length + refused.length, answers.length, `only 200 and 429 expected: ${answers.map((a) => a.res.statusCode)}`);
  assert.ok(refused.length > 0, 'a queue of one event must refuse some of 60 concurrent requests');
  assert.ok(accepted.length > 0);
  for (const { res } of refused) {
    assertError(res, 429, 'overloaded');
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After: ${res.headers['retry-after']}`);
  }

  const stored = (await timelineOf(t, 'anon-overload')).map((e) => e.messageId as string);
  assert.deepEqual(stored.sort(), accepted.sort());
});
