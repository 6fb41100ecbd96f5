/**
 * Race-free identity resolution over real sockets: many concurrent first events of one new
 * anonymousId make one profile, and concurrent identifies of one email from two devices end as one
 * profile — however the server interleaves the requests.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { serverForTests } from '../support/server-process.js';
import type { Json } from '../http/api-helpers.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY } from '../support/tessera-under-test.js';

const server = serverForTests('tessera-e2e-race-');

async function collect(path: string, body: object): Promise<number> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) } });
  await res.arrayBuffer();
  return res.status;
}

async function admin(path: string): Promise<Json> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

it('60 concurrent first events of one new anonymousId make one profile', async () => {
  const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    collect(i % 2 ? '/v1/track' : '/v1/page', { anonymousId: 'race-anon', event: 'Raced', name: 'Raced', messageId: `race-${i}`, properties: { path: `/p${i % 5}` } })));
  assert.deepEqual(new Set(statuses), new Set([200]));

  const profile = await admin('/v1/profiles/race-anon');
  assert.equal(profile.behaviour.eventCount, 60);
  const { profiles } = await admin('/v1/profiles?q=race-anon&limit=10');
  assert.deepEqual(profiles.map((p: { id: string }) => p.id), [profile.id], 'exactly one profile holds the id');
  const { events } = await admin(`/v1/profiles/${profile.id}/events?limit=100`);
  assert.equal(events.length, 60);
});

it('concurrent identifies of one email from two devices end as one profile', async () => {
  const devices = ['laptop-race', 'phone-race'];
  const requests = Array.from({ length: 40 }, (_, i) => {
    const anonymousId = devices[i % 2]!;
    return i % 4 < 2
      ? collect('/v1/identify', { anonymousId, traits: { email: 'Race@Example.com', seenOn: anonymousId } })
      : collect('/v1/track', { anonymousId, event: 'Device Event' });
  });
  assert.deepEqual(new Set(await Promise.all(requests)), new Set([200]));

  const profile = await admin('/v1/profiles/race@example.com');
  for (const device of devices) assert.equal((await admin(`/v1/profiles/${device}`)).id, profile.id, device);
  const identities = profile.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).sort();
  assert.deepEqual(identities, ['anonymous_id:laptop-race', 'anonymous_id:phone-race', 'email:race@example.com']);
  assert.equal(profile.behaviour.eventCount, 40);
  const { profiles } = await admin('/v1/profiles?trait.email=race@example.com');
  assert.equal(profiles.length, 1);
});
