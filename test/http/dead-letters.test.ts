/**
 * Dead letters API: a poison event kept as a dead letter is listed and shown to admins, retried
 * (failing again while the cause remains: attempts + 1; stored once fixed: the letter is gone),
 * deleted; hostile query input is a 400 naming the field, never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrackedEvent } from '../../src/core/events/event.js';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';

describe('dead letters API', () => {
  let t: TesseraUnderTest;
  let broken = true;
  const faulty = (_batch: unknown, event: TrackedEvent) => {
    if (broken && event.type === 'track' && event.name === 'Fragile') throw new RangeError('fragile event');
  };
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string) => t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  before(async () => { t = await startTessera({}, { eventSteps: [faulty] }); });
  after(async () => { await t.close(); });

  it('lists, shows, retries and deletes letters', async () => {
    for (const n of [1, 2]) {
      const res = await t.collect('/v1/track', { event: 'Fragile', userId: `fragile-${n}`, messageId: `fragile-${n}` });
      assert.deepEqual(res.json(), { success: true, deadLettered: 1 });
    }
    const list = await call('GET', '/v1/dead-letters?limit=1');
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json();
    assert.equal(page.deadLetters.length, 1);
    assert.ok(page.nextCursor);
    const [first] = page.deadLetters;
    assert.equal(first.event.messageId, 'fragile-1');
    assert.equal(first.error, 'RangeError: fragile event');
    assert.equal(first.attempts, 1);
    assert.deepEqual(first.identifiers, [{ kind: 'user_id', value: 'fragile-1' }]);
    const next = (await call('GET', `/v1/dead-letters?limit=1&cursor=${page.nextCursor}`)).json();
    assert.equal(next.deadLetters[0].event.messageId, 'fragile-2');
    assert.equal(next.nextCursor, null);
    assert.deepEqual((await call('GET', `/v1/dead-letters/${first.id}`)).json(), first);

    const again = await call('POST', `/v1/dead-letters/${first.id}/retry`);
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(again.json(), { id: first.id, outcome: 'failed', attempts: 2, error: 'RangeError: fragile event' });
    assert.equal((await call('GET', `/v1/dead-letters/${first.id}`)).json().attempts, 2, 'the letter stays, with one more attempt');
    assert.equal(await t.tessera.store.deadLetters.count(), 2, 'a failed retry makes no new letter');

    broken = false;
    assert.deepEqual((await call('POST', '/v1/dead-letters/retry')).json(), { stored: 2, failed: 0 });
    assert.deepEqual((await call('GET', '/v1/dead-letters')).json(), { deadLetters: [], nextCursor: null });
    assert.ok(await t.tessera.store.profiles.resolve('default', 'fragile-1'), 'the retried event is stored');
    assert.equal((await call('POST', `/v1/dead-letters/${first.id}/retry`)).statusCode, 404);

    broken = true;
    await t.collect('/v1/track', { event: 'Fragile', userId: 'fragile-3' });
    const [third] = (await call('GET', '/v1/dead-letters')).json().deadLetters;
    assert.deepEqual((await call('DELETE', `/v1/dead-letters/${third.id}`)).json(), { deleted: true });
    assert.equal((await call('DELETE', `/v1/dead-letters/${third.id}`)).statusCode, 404);
    const actions = (await t.tessera.store.privacy.auditLog('default', { limit: 20 })).entries.map((e) => e.action);
    for (const action of ['dead_letters.read', 'dead_letter.read', 'dead_letter.retry', 'dead_letters.retry', 'dead_letter.delete']) assert.ok(actions.includes(action), action);
  });

  it('a person known only from dead letters is erased by an identifier they name', async () => {
    broken = true;
    await t.collect('/v1/identify', { userId: 'ghost', traits: { email: 'Ghost@Example.com' } });
    await t.collect('/v1/track', { event: 'Fragile', userId: 'ghost', context: { traits: { email: 'Ghost@Example.com' } } });
    // The identify reached a profile; erase it first, so that only the letter knows the person.
    const first = await call('DELETE', '/v1/profiles/ghost');
    assert.equal(first.json().deadLetters, 1, 'the letter went with the profile');
    await t.collect('/v1/track', { event: 'Fragile', anonymousId: 'ghost-device', context: { traits: { email: 'Ghost@Example.com' } } });
    const res = await call('DELETE', '/v1/profiles/ghost@example.com');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { erased: true, profileId: null, tombstones: 0, profiles: 0, identities: 0, events: 0, merges: 0, consents: 0, deadLetters: 1 });
    assert.equal((await call('DELETE', '/v1/profiles/ghost@example.com')).statusCode, 404);
    assert.equal(await t.tessera.store.deadLetters.count(), 0);
  });

  it('needs the admin key', async () => {
    assert.equal((await t.inject({ method: 'GET', url: '/v1/dead-letters' })).statusCode, 401);
    assert.equal((await t.inject({ method: 'POST', url: '/v1/dead-letters/retry', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
  });

  it('answers hostile query input with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['limit=1e400', 'limit'], ['limit=Infinity', 'limit'], ['limit=-1', 'limit'], ['limit=0', 'limit'], ['limit=abc', 'limit'],
      ['limit=99999999999999999999', 'limit'], ['limit=1001', 'limit'], ['cursor=%00%01', 'cursor'], ['cursor=nope', 'cursor'],
      [`cursor=${'x'.repeat(600)}`, 'cursor'],
      // An unknown parameter is refused by its own name (the shared query validator, schemas/validator.ts).
      ['other=1', '{"field":"other","reason":"is not a parameter of this route"}'],
    ];
    for (const [query, field] of cases) {
      const res = await call('GET', `/v1/dead-letters?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.ok(JSON.stringify(res.json().error.issues).includes(field), `${query}: ${res.body}`);
    }
    for (const id of ['%00', '%01%02', 'x'.repeat(300), 'dl_%E2%80%AE']) {
      const res = await call('GET', `/v1/dead-letters/${id}`);
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${id}: ${res.statusCode} ${res.body}`);
    }
  });
});
