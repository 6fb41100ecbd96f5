/**
 * The real browser client against the real server: Segment's analytics.js (@segment/analytics-next,
 * its snippet-style standalone bundle) in headless Chromium, on a demo site whose origin differs
 * from Tessera's. It loads its settings from Tessera, sends page/track/identify calls
 * cross-origin, and the profile API shows one person: the anonymous visitor linked to user-42 and
 * the email, with page views (url, title) and the track event in the timeline.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { WRITE_KEY } from '../support/tessera-under-test.js';
import {
  adminGet, analyticsReady, countOf, eventually, timelineOf, watchPageErrors, watchTessera,
  type PageWindow, type ProfileView, type Stack, startStack,
} from './browser-harness.js';
import { HOME_TITLE, PRICING_TITLE } from './demo-site.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const skip = browserSkipReason();
let browser: Browser;

before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('analytics.js in Chromium: settings from Tessera, page/track/identify delivered cross-origin, one linked profile', { skip, timeout: 120_000 }, async (t) => {
  const stack: Stack = await startStack();
  t.after(() => stack.close());
  const { site } = stack;
  const tesseraUrl = stack.tessera.url;
  assert.notEqual(new URL(site.url).origin, new URL(tesseraUrl).origin, 'the demo site and Tessera must be different origins');
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  t.after(() => context.close());
  const network = watchTessera(context, tesseraUrl);
  const page = await context.newPage();
  const pageErrors = watchPageErrors(page);
  const diagnose = () => `Browser → Tessera:\n${network.describe()}\nPage errors:\n${pageErrors.join('\n')}\nTessera output:\n${stack.tessera.output()}`;

  // 1. An anonymous visit to the home page: the snippet's buffered analytics.page().
  await page.goto(`${site.url}/`);
  const home = await analyticsReady(page);
  assert.ok(home.anonymousId, 'analytics.js generated an anonymous id');
  assert.equal(home.userId, null);
  const anonymousId = home.anonymousId;
  await eventually('the anonymous page view', () => timelineOf(tesseraUrl, anonymousId), (events) => countOf(events, 'page') === 1, diagnose);

  // 2. The visitor downloads the whitepaper and signs up.
  await page.click('#download');
  await page.fill('#signup input[name=name]', 'Karoline');
  await page.fill('#signup input[name=email]', 'Karoline@Acme.com');
  await page.click('#signup button[type=submit]');
  await eventually('the track and identify calls', () => timelineOf(tesseraUrl, 'user-42'),
    (events) => countOf(events, 'track') === 1 && countOf(events, 'identify') === 1, diagnose);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'analytics-js-demo.png'), fullPage: true });

  // 3. Another page: a real navigation; analytics.js loads again and remembers who this is.
  await page.click('#to-pricing');
  await page.waitForURL(`${site.url}/pricing`);
  const pricing = await analyticsReady(page);
  assert.deepEqual({ anonymousId: pricing.anonymousId, userId: pricing.userId }, { anonymousId, userId: 'user-42' }, 'identity persisted across pages');
  const timeline = await eventually('the second page view', () => timelineOf(tesseraUrl, 'user-42'), (e) => countOf(e, 'page') === 2, diagnose);
  const events = timeline.filter((e) => e.type !== 'system');

  // Every request to Tessera succeeded, and the page saw no error.
  await eventually('an answer to every request', async () => network.pending(), (pending) => pending.length === 0, diagnose);
  assert.deepEqual(network.problems(), [], `requests to Tessera that failed:\n${network.describe(network.problems())}`);
  assert.deepEqual(pageErrors, [], `errors in the page:\n${pageErrors.join('\n')}`);
  const calls = network.requests.map((r) => `${r.method} ${r.path}`);
  const settingsLoads = calls.filter((c) => c === `GET /v1/projects/${WRITE_KEY}/settings`).length;
  assert.equal(settingsLoads, 2, `analytics.js loaded its settings from Tessera on both pages:\n${network.describe()}`);
  for (const path of ['/v1/p', '/v1/t', '/v1/i']) assert.ok(calls.includes(`POST ${path}`), `analytics.js posted to ${path}:\n${network.describe()}`);

  // One profile, known by the anonymous id, the user id and the (normalised) email.
  const profile = await adminGet<ProfileView>(tesseraUrl, '/v1/profiles/user-42');
  assert.equal(profile.status, 200);
  const identities = profile.body.identities.map((i) => `${i.kind}:${i.value}`).sort();
  assert.deepEqual(identities, [`anonymous_id:${anonymousId}`, 'email:karoline@acme.com', 'user_id:user-42']);
  for (const id of [anonymousId, 'karoline@acme.com']) {
    const same = await adminGet<ProfileView>(tesseraUrl, `/v1/profiles/${encodeURIComponent(id)}`);
    assert.equal(same.body.id, profile.body.id, `GET /v1/profiles/${id} is the same profile`);
  }
  assert.equal(profile.body.traits.name, 'Karoline');

  // The timeline: the anonymous page view, the download, the sign-up, the identified page view.
  assert.equal(events.length, 4, `timeline:\n${JSON.stringify(events, null, 2)}`);
  for (const event of events) {
    assert.equal(event.anonymousId, anonymousId, `${event.type} carries the browser's anonymous id`);
    assert.equal(event.context.library?.name, 'analytics.js', 'sent by analytics.js');
    // The user agent arrives, and is kept only reduced (privacy default): device class, browser, OS.
    assert.equal(event.context.userAgent, undefined, 'the raw user agent is not stored');
    assert.equal(event.context.browser?.name, 'Chrome', 'the browser family is kept');
    // Headless Chromium announces itself (HeadlessChrome), and is classed as a bot.
    assert.equal(event.context.device?.class, 'bot', 'the device class is kept');
  }
  const pages = events.filter((e) => e.type === 'page');
  const homeView = pages.find((e) => e.properties.path === '/');
  const pricingView = pages.find((e) => e.properties.path === '/pricing');
  assert.ok(homeView && pricingView, `page views of / and /pricing:\n${JSON.stringify(pages, null, 2)}`);
  assert.equal(homeView.userId, null, 'the first page view was anonymous');
  assert.deepEqual(
    { url: homeView.properties.url, title: homeView.properties.title, contextUrl: homeView.context.page?.url },
    { url: `${site.url}/`, title: HOME_TITLE, contextUrl: `${site.url}/` },
  );
  assert.equal(pricingView.userId, 'user-42');
  assert.deepEqual(
    { url: pricingView.properties.url, title: pricingView.properties.title, referrer: pricingView.properties.referrer },
    { url: `${site.url}/pricing`, title: PRICING_TITLE, referrer: `${site.url}/` },
  );
  const track = events.find((e) => e.type === 'track');
  assert.equal(track?.event, 'Whitepaper Downloaded');
  assert.deepEqual(track?.properties, { title: 'The State of Customer Data 2025', format: 'pdf', pages: 40 });
  assert.equal(track?.context.page?.title, HOME_TITLE, 'the track call carries the page it happened on');
  const identify = events.find((e) => e.type === 'identify');
  assert.equal(identify?.userId, 'user-42');
  assert.deepEqual(identify?.traits, { email: 'Karoline@Acme.com', name: 'Karoline' });

  // The behaviour summary counts both pages with their titles.
  assert.equal(profile.body.behaviour.pageViews, 2);
  const visited = profile.body.behaviour.pages.map((p) => ({ url: p.url, title: p.title, views: p.views }))
    .sort((a, b) => (a.url ?? '').localeCompare(b.url ?? ''));
  assert.deepEqual(visited, [
    { url: `${site.url}/`, title: HOME_TITLE, views: 1 },
    { url: `${site.url}/pricing`, title: PRICING_TITLE, views: 1 },
  ]);
});

test('analytics.js retries an event sent while Tessera restarts, and the retry is accepted cross-origin', { skip, timeout: 120_000 }, async (t) => {
  const stack = await startStack();
  t.after(() => stack.close());
  const tesseraUrl = stack.tessera.url;
  const context = await browser.newContext();
  t.after(() => context.close());
  const network = watchTessera(context, tesseraUrl);
  const page = await context.newPage();
  const pageErrors = watchPageErrors(page);
  const diagnose = () => `Browser → Tessera:\n${network.describe()}\nPage errors:\n${pageErrors.join('\n')}\nTessera output:\n${stack.tessera.output()}`;

  await page.goto(`${stack.site.url}/`);
  const { anonymousId } = await analyticsReady(page);
  assert.ok(anonymousId);
  await eventually('the page view', () => timelineOf(tesseraUrl, anonymousId), (events) => countOf(events, 'page') === 1, diagnose);

  // Tessera goes away; the click's track call fails to connect and analytics.js queues it for a retry.
  await stack.tessera.stop();
  const beforeOutage = network.requests.length;
  await page.click('#download');
  await eventually('the failed delivery', async () => network.requests.slice(beforeOutage),
    (requests) => requests.some((r) => r.path === '/v1/t' && r.outcome.startsWith('failed')), diagnose);
  await stack.restartTessera();

  // Stored, and the browser has seen the answer (the response event may come after the store).
  const { events, delivered } = await eventually('the retried track call',
    async () => ({ events: await timelineOf(tesseraUrl, anonymousId), delivered: network.requests.filter((r) => r.path === '/v1/t' && r.outcome === '200') }),
    (seen) => countOf(seen.events, 'track') === 1 && seen.delivered.length > 0, diagnose);
  assert.equal(events.find((e) => e.type === 'track')?.event, 'Whitepaper Downloaded');
  assert.equal(delivered.length, 1, network.describe());
  assert.ok(Number(delivered[0]!.headers['x-retry-count']) >= 1, `the delivery was a retry (X-Retry-Count): ${JSON.stringify(delivered[0]!.headers)}`);
  // Failures belong to the outage only: every request from the first success after the restart on succeeded.
  await eventually('an answer to every request', async () => network.pending(), (pending) => pending.length === 0, diagnose);
  const firstSuccess = network.requests.indexOf(delivered[0]!);
  const after = network.requests.slice(firstSuccess).filter((r) => !/^2\d\d$/.test(r.outcome));
  assert.deepEqual(after, [], network.describe());
});
