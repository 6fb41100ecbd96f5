/** Contract: funnel steps and retention activity read from events through their hit keys (ports/hit-store.ts), written by the real ingest. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { IdentityKey } from '../../core/identity/identity-key.js';
import { HOUR_MS } from '../../core/analytics/rollup.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const page = (anonymousId: string, path: string, at: number) => ({ type: 'page', anonymousId, at, properties: { path, url: `https://site.example${path}` } });
const track = (anonymousId: string, event: string, properties: object, at: number) => ({ type: 'track', anonymousId, event, properties, at });
const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

export function hitContract(subject: () => StoreSubject): void {
  const range = { from: T0, to: T0 + 24 * HOUR_MS };

  test('a step finds its page, pages by prefix, or events with properties, in the range; only of the people asked', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [
      page('h1', '/blog/a', T0), page('h1', '/blog', T0 + 1000), page('h1', '/blogging', T0 + 2000), page('h2', '/blog/b/', T0 + 3000),
      track('h1', 'Signed Up', { plan: 'pro', seats: 3, trial: true }, T0 + 4000), track('h2', 'Signed Up', { plan: 'free', seats: '3' }, T0 + 5000),
      track('h2', 'Page Left', { visibleMs: 10 }, T0 + 6000), page('h1', '/blog/late', T0 + 25 * HOUR_MS),
    ]);
    const [h1, h2] = [await profileOf(store, ws, 'h1'), await profileOf(store, ws, 'h2')];
    const occurrences = async (over: object) => (await store.hits.occurrences({ workspaceId: ws, ...range, match: { kind: 'page', path: '/blog/', prefix: true }, ...over })).map(([p, ts]) => [p, ts - T0]);
    assert.deepEqual(sorted(await occurrences({})), sorted([[h1, 0], [h2, 3000]]), 'prefix /blog/: not /blog, /blogging, nor a page after the range');
    assert.deepEqual(sorted(await occurrences({ match: { kind: 'page', path: '/blog', prefix: false } })), sorted([[h1, 1000]]));
    assert.deepEqual(sorted(await occurrences({ match: { kind: 'page', path: '/blog', prefix: true } })), sorted([[h1, 0], [h1, 1000], [h1, 2000], [h2, 3000]]));
    assert.deepEqual(await occurrences({ people: [h2] }), [[h2, 3000]]);
    const signUps = (properties: object[]) => occurrences({ match: { kind: 'event', name: 'Signed Up' }, properties });
    assert.equal((await signUps([])).length, 2);
    assert.deepEqual(await signUps([{ key: 'plan', json: ['"pro"'] }]), [[h1, 4000]]);
    assert.deepEqual(sorted(await signUps([{ key: 'seats', json: ['"3"', '3'] }])), sorted([[h1, 4000], [h2, 5000]]), 'a number or the string it spells');
    assert.deepEqual(await signUps([{ key: 'trial', json: ['"true"', 'true'] }, { key: 'plan', json: ['"pro"'] }]), [[h1, 4000]]);
    assert.deepEqual(await signUps([{ key: 'missing', json: ['"x"'] }]), []);
    assert.deepEqual(await occurrences({ match: { kind: 'event', name: 'Page Left' } }), [], 'visible-time reports are not hits');
    assert.deepEqual(await store.hits.occurrences({ workspaceId: 'ws_other', ...range, match: { kind: 'page', path: '/blog/', prefix: true } }), []);
  });

  test('audience: known people (a user id or email) or anonymous ones; a merge moves the hits to the survivor', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [page('k1', '/x', T0), page('k2', '/x', T0 + 1000), { type: 'identify', anonymousId: 'k1', userId: 'u-k', at: T0 + 2000 }]);
    const known = await profileOf(store, ws, 'u-k');
    const q = (audience: 'known' | 'anonymous') => store.hits.occurrences({ workspaceId: ws, ...range, audience, match: { kind: 'page', path: '/x', prefix: false } });
    assert.deepEqual((await q('known')).map(([p]) => p), [known]);
    assert.equal((await q('anonymous')).length, 1);
    await send(store, ws, [{ type: 'identify', anonymousId: 'k2', userId: 'u-k', at: T0 + 3000 }]);
    assert.deepEqual((await q('known')).map(([p]) => p), [known, known]);
  });

  test('newcomers: the hours of people whose first hit is in the range; erasure removes a person\'s hits', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [page('n1', '/', T0 - HOUR_MS), page('n1', '/', T0 + 1000), page('n2', '/', T0 + 1000), page('n2', '/a', T0 + 2000), page('n2', '/', T0 + 3 * HOUR_MS)]);
    const n2 = await profileOf(store, ws, 'n2');
    const hour = Math.floor(T0 / HOUR_MS);
    assert.deepEqual(sorted(await store.hits.newcomerHours({ workspaceId: ws, ...range })), sorted([[n2, hour], [n2, hour + 3]]));
    const tombstone = (key: IdentityKey) => createHash('sha256').update(`hits:${key.kind}:${key.value}`).digest('hex');
    await store.privacy.erase(ws, n2, { tombstone, at: T0 + DAY });
    assert.deepEqual(await store.hits.newcomerHours({ workspaceId: ws, ...range }), []);
    assert.deepEqual(await store.hits.occurrences({ workspaceId: ws, ...range, match: { kind: 'page', path: '/a', prefix: false } }), []);
  });
}

const DAY = 24 * HOUR_MS;
