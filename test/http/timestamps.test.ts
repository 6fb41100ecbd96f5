/**
 * Event time, as Segment computes it: the client's `timestamp` is kept as originalTimestamp, the
 * server records receivedAt, and when the client also sent `sentAt` its clock skew is removed:
 * timestamp = receivedAt − (sentAt − originalTimestamp). Client times must lie between 1970 and
 * 2100, and a timestamp beyond the tolerance after the receive time is clamped to it
 * (src/core/events/event-time.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, timelineOf, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

const MINUTE = 60_000;
const ms = (iso: string) => Date.parse(iso);
/** Sends one event and returns it as stored, with the wall-clock window the request ran in. */
async function sendAndRead(path: string, body: Json, anon: string): Promise<{ event: Json; before: number; after: number }> {
  const before = Date.now();
  assertAccepted(await t.collect(path, body));
  const after = Date.now();
  const [event] = await timelineOf(t, anon);
  return { event, before, after };
}

describe('clock skew', () => {
  it('corrects a client clock 10 minutes fast using sentAt and receivedAt', async () => {
    const clientNow = Date.now() + 10 * MINUTE;
    const timestamp = new Date(clientNow - 5 * MINUTE).toISOString();
    const sentAt = new Date(clientNow).toISOString();
    const { event, before, after } = await sendAndRead('/v1/track', { anonymousId: 'anon-skew', event: 'Skewed', timestamp, sentAt }, 'anon-skew');

    const receivedAt = ms(event.receivedAt);
    assert.ok(receivedAt >= before && receivedAt <= after, 'receivedAt is the time the server received the request');
    assert.equal(event.originalTimestamp, timestamp);
    assert.equal(event.sentAt, sentAt);
    const expected = receivedAt - (ms(sentAt) - ms(timestamp));
    assert.ok(Math.abs(ms(event.timestamp) - expected) <= 1, `timestamp ${event.timestamp}, expected ${new Date(expected).toISOString()}`);
    assert.ok(ms(event.timestamp) < clientNow - 6 * MINUTE, 'the skew was removed, not kept');
  });

  it('applies a batch-level sentAt to items that have none', async () => {
    const clientNow = Date.now() - 60 * MINUTE;
    const timestamp = new Date(clientNow - 2 * MINUTE).toISOString();
    assertAccepted(await t.collect('/v1/batch', { sentAt: new Date(clientNow).toISOString(), batch: [{ type: 'track', anonymousId: 'anon-batch-skew', event: 'Late Clock', timestamp }] }));
    const [event] = await timelineOf(t, 'anon-batch-skew');
    const expected = ms(event.receivedAt) - 2 * MINUTE;
    assert.ok(Math.abs(ms(event.timestamp) - expected) <= 1, `timestamp ${event.timestamp}, receivedAt ${event.receivedAt}`);
  });
});

describe('without skew correction', () => {
  it('keeps the client timestamp when no sentAt is given (historical imports)', async () => {
    const timestamp = '2021-03-04T05:06:07.089Z';
    const { event } = await sendAndRead('/v1/import', { batch: [{ type: 'track', anonymousId: 'anon-import', event: 'Old', timestamp }] }, 'anon-import');
    assert.equal(event.timestamp, timestamp);
    assert.equal(event.originalTimestamp, timestamp);
    assert.equal(event.sentAt, null);
  });

  it('reads originalTimestamp when timestamp is absent, and normalises offsets to UTC', async () => {
    const { event } = await sendAndRead('/v1/track', { anonymousId: 'anon-offset', event: 'Offset', originalTimestamp: '2022-06-01T12:00:00+02:00' }, 'anon-offset');
    assert.equal(event.originalTimestamp, '2022-06-01T10:00:00.000Z');
    assert.equal(event.timestamp, '2022-06-01T10:00:00.000Z');
  });

  it('uses the receive time when the client sent no time at all', async () => {
    const { event, before, after } = await sendAndRead('/v1/track', { anonymousId: 'anon-no-time', event: 'Now' }, 'anon-no-time');
    assert.equal(event.timestamp, event.receivedAt);
    assert.equal(event.originalTimestamp, null);
    assert.ok(ms(event.receivedAt) >= before && ms(event.receivedAt) <= after);
  });
});

describe('the accepted range and the future', () => {
  it('refuses a sentAt in 9999 naming it, instead of storing a timestamp in year -5950', async () => {
    const res = await t.collect('/v1/track', { anonymousId: 'anon-9999', event: 'Far', timestamp: new Date().toISOString(), sentAt: '9999-12-07T00:00:00Z' });
    assertIssue(assertError(res, 400, 'invalid_event'), 'sentAt', /between 1970-01-01 and 2099-12-31/);
    const batch = await t.collect('/v1/batch', { sentAt: '9999-12-07T00:00:00Z', batch: [{ type: 'track', anonymousId: 'anon-9999', event: 'Far' }] });
    assertIssue(assertError(batch, 400, 'invalid_batch'), 'sentAt', /between 1970-01-01 and 2099-12-31/);
    assertError(await t.admin('/v1/profiles/anon-9999'), 404);
  });

  it('refuses timestamps in year 0000 and 9999, naming the item field', async () => {
    const res = await t.collect('/v1/batch', { batch: [
      { type: 'track', anonymousId: 'anon-0000', event: 'Old', timestamp: '0000-01-01T00:00:00Z' },
      { type: 'identify', anonymousId: 'anon-0000', originalTimestamp: '9999-12-31T23:59:59Z' },
    ] });
    const error = assertError(res, 400, 'invalid_batch');
    assertIssue(error, 'batch[0].timestamp', /between 1970-01-01 and 2099-12-31/);
    assertIssue(error, 'batch[1].originalTimestamp', /between 1970-01-01 and 2099-12-31/);
  });

  it('clamps a far-future timestamp to the receive time, keeping the original, so the profile does not sort first for ever', async () => {
    const future = '2090-06-01T00:00:00.000Z';
    const { event, before, after } = await sendAndRead('/v1/track', { anonymousId: 'anon-future', event: 'Future', timestamp: future }, 'anon-future');
    assert.equal(event.timestamp, event.receivedAt);
    assert.equal(event.originalTimestamp, future);
    assert.ok(ms(event.timestamp) >= before && ms(event.timestamp) <= after);
  });

  it('lets a timestamp a few minutes ahead (a client clock without sentAt) pass unchanged', async () => {
    const ahead = new Date(Date.now() + 2 * MINUTE).toISOString();
    const { event } = await sendAndRead('/v1/track', { anonymousId: 'anon-ahead', event: 'Ahead', timestamp: ahead }, 'anon-ahead');
    assert.equal(event.timestamp, ahead);
  });

  it('still corrects a client clock years fast when sentAt tells the skew', async () => {
    const skew = 20 * 365 * 24 * 60 * MINUTE;
    const clientNow = Date.now() + skew;
    const { event } = await sendAndRead('/v1/track', { anonymousId: 'anon-years-fast', event: 'Fast', timestamp: new Date(clientNow - MINUTE).toISOString(), sentAt: new Date(clientNow).toISOString() }, 'anon-years-fast');
    assert.ok(Math.abs(ms(event.timestamp) - (ms(event.receivedAt) - MINUTE)) <= 1, event.timestamp);
  });
});
