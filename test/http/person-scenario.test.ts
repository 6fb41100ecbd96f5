/**
 * The person-level view the profile exists for: "Karoline visited these 7 pages, 12 s on this one,
 * 5 s on that one, across all her visits" — two visits on two devices, joined by her email, read
 * back exactly through the API. Time on page is the time to the next page view, or the visible time
 * the tracker reports in `Page Left`, which replaces the estimate.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, profileOf, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

const SITE = 'https://karoline-shop.example';
const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
const view = (anonymousId: string, timestamp: string, path: string, title: string) =>
  send('/v1/page', { anonymousId, timestamp, name: title, properties: { url: `${SITE}${path}`, path, title } });
const left = (anonymousId: string, timestamp: string, path: string, visibleMs: number) =>
  send('/v1/track', { anonymousId, timestamp, event: 'Page Left', properties: { visibleMs }, context: { page: { url: `${SITE}${path}`, path } } });

it('Karoline visited these 7 pages, with these times on each, across both visits', async () => {
  // Visit 1, laptop.
  const day1 = (mmss: string) => `2024-04-01T09:${mmss}.000Z`;
  await view('k-laptop', day1('00:00'), '/', 'Home');
  await view('k-laptop', day1('00:12'), '/pricing', 'Pricing'); // Home: 12 s
  await left('k-laptop', day1('00:17'), '/pricing', 5_000); // Pricing: 5 s as reported (not the 103 s to the next view)
  await view('k-laptop', day1('02:00'), '/docs/start', 'Getting started');
  await view('k-laptop', day1('02:08'), '/docs/api', 'API'); // Getting started: 8 s
  await left('k-laptop', day1('02:40'), '/docs/api', 31_000); // API: 31 s, the last page of the visit
  await send('/v1/identify', { anonymousId: 'k-laptop', timestamp: day1('03:00'), traits: { email: 'karoline@example.org', firstName: 'Karoline' } });

  // Visit 2, two days later, phone; her email joins both devices.
  const day3 = (mmss: string) => `2024-04-03T18:${mmss}.000Z`;
  await view('k-phone', day3('00:00'), '/', 'Home');
  await view('k-phone', day3('00:03'), '/blog/launch', 'Launch'); // Home: +3 s
  await view('k-phone', day3('00:45'), '/contact', 'Contact'); // Launch: 42 s
  await view('k-phone', day3('01:05'), '/imprint', 'Imprint'); // Contact: 20 s; Imprint: no time known
  await send('/v1/identify', { anonymousId: 'k-phone', timestamp: day3('01:06'), traits: { email: 'Karoline@Example.org' } });

  const karoline = await profileOf(t, 'karoline@example.org');
  assert.equal((await profileOf(t, 'k-laptop')).id, karoline.id);
  assert.equal((await profileOf(t, 'k-phone')).id, karoline.id);

  const b = karoline.behaviour;
  assert.equal(b.sessions.count, 2);
  assert.equal(b.distinctPages, 7);
  assert.equal(b.pageViews, 8);
  // Most recently viewed first.
  assert.deepEqual(b.pages.map((p: Json) => [p.path, p.title, p.views, p.timeOnPageSeconds]), [
    ['/imprint', 'Imprint', 1, 0],
    ['/contact', 'Contact', 1, 20],
    ['/blog/launch', 'Launch', 1, 42],
    ['/', 'Home', 2, 15],
    ['/docs/api', 'API', 1, 31],
    ['/docs/start', 'Getting started', 1, 8],
    ['/pricing', 'Pricing', 1, 5],
  ]);
  const home = b.pages.find((p: Json) => p.path === '/');
  assert.deepEqual([home.firstViewedAt, home.lastViewedAt, home.url], [day1('00:00'), day3('00:00'), `${SITE}/`]);
  assert.equal(b.timeOnPagesSeconds, 12 + 5 + 8 + 31 + 3 + 42 + 20);
  assert.deepEqual(b.categories.docs, { views: 2, timeOnPageSeconds: 39 });
  assert.deepEqual([b.firstSeenAt, b.lastSeenAt], [day1('00:00'), day3('01:06')]);
  assert.equal(karoline.traits.firstName, 'Karoline');
});
