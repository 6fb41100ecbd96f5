/**
 * Tessera's own tracker (/t.js) in headless Chromium against a real Tessera process, on a demo
 * site of its own origins (www./shop.acme.test share the cookie domain; partner.test is another
 * site):
 * - before consent: nothing stored on the device, page views (referrer, UTM) still sent under a
 *   page-only id; Accept stores the id on the shared cookie domain and records the consent with its
 *   wording; the sibling subdomain then shares the visitor;
 * - time on page counts visible time only (a controlled clock), reported by Page Ping on hide and
 *   Page Left by beacon; marked and outbound clicks;
 * - strict consent mode sends nothing before the decision, and nothing after a refusal;
 * - the email-link token leaves the address bar and every event, even when it is not valid; a
 *   kiosk never even tries to recognise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { buildTracker } from '../../web/tracker/build.js';
import { adminGet, eventually, timelineOf, watchPageErrors, watchTessera, type EventView, type ProfileView } from './browser-harness.js';
import { controlVisibility, setHidden, trackerReady, type TrackerWindow } from './tracker-helpers.js';
import { BANNER_WORDING, startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

const skip = browserSkipReason();
const dataDir = tempDir('tessera-tracker-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;

before(async () => {
  if (skip) return;
  await buildTracker();
  tessera = await startServerProcess({ dataDir: dataDir.path });
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  dataDir.remove();
});

type Campaign = Record<string, string>;
const campaignOf = (e: EventView | undefined) => (e?.context as { campaign?: Campaign } | undefined)?.campaign;
const tsrCookies = async (context: { cookies(): Promise<Array<{ name: string; domain: string; value: string }>> }) =>
  (await context.cookies()).filter((c) => c.name.startsWith('tsr_'));
const deviceStorage = (page: import('playwright-core').Page) => page.evaluate(() => ({
  local: Object.keys(localStorage).filter((k) => k.startsWith('tsr_')),
  session: Object.keys(sessionStorage).filter((k) => k.startsWith('tsr_')),
}));

describe('the tracker in Chromium', { skip, timeout: 180_000 }, () => {
  it('stores nothing before consent, yet sends page views with referrer and UTM; Accept keeps the id on the cookie domain for every subdomain', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const network = watchTessera(context, tessera.url);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const diagnose = () => `${network.describe()}\n${errors.join('\n')}\n${tessera.output()}`;

    await page.goto(site.url('www.acme.test', '/?utm_source=newsletter&utm_medium=email&utm_campaign=plm-guide'), { referer: 'https://search.example/?q=plm' });
    const first = await trackerReady(page);
    const timeline = await eventually('the first page view', () => timelineOf(tessera.url, first), (ev) => ev.some((e) => e.type === 'page'), diagnose);
    const view = timeline.find((e) => e.type === 'page')!;
    assert.equal(view.properties.referrer, 'https://search.example/?q=plm');
    assert.equal(view.properties.path, '/');
    assert.deepEqual(campaignOf(view), { source: 'newsletter', medium: 'email', name: 'plm-guide' });
    const ctx = view.context as Record<string, unknown>;
    assert.ok(!('screen' in ctx) && !('timezone' in ctx), 'no fingerprinting hints before consent');
    assert.deepEqual(await tsrCookies(context), [], 'no cookie before consent');
    assert.deepEqual(await deviceStorage(page), { local: [], session: [] }, 'no storage before consent');

    await page.click('#to-pricing');
    const second = await trackerReady(page);
    assert.notEqual(second, first, 'without consent the id lives for one page only');

    await page.click('#accept');
    assert.equal(await page.evaluate(() => (globalThis as unknown as TrackerWindow).consentRecorded), true);
    const cookies = await tsrCookies(context);
    const id = cookies.find((c) => c.name === 'tsr_aid');
    assert.equal(id?.value, second, 'the current id is kept, so this page view belongs to the visitor');
    assert.equal(id?.domain, '.acme.test', 'on the configured cookie domain');
    assert.ok(cookies.some((c) => c.name === 'tsr_consent'), 'the decision is remembered');
    const ledger = await adminGet<{ ledger: Array<{ purposes: Record<string, boolean>; channel: string; wording: { version: string } }> }>(tessera.url, `/v1/profiles/${second}/consent`);
    assert.equal(ledger.status, 200, JSON.stringify(ledger.body));
    assert.deepEqual(ledger.body.ledger.map((l) => [l.channel, l.wording?.version, l.purposes.analytics]), [['banner', BANNER_WORDING.version, true]]);

    await page.goto(site.url('shop.acme.test', '/'));
    assert.equal(await trackerReady(page), second, 'shop.acme.test shares the visitor through the cookie domain');
    const profile = await eventually('both page views on one profile', () => adminGet<ProfileView>(tessera.url, `/v1/profiles/${second}`),
      (p) => p.status === 200 && p.body.behaviour.pageViews === 2, diagnose);
    assert.deepEqual(profile.body.behaviour.pages.map((p) => p.url).sort(), [site.url('shop.acme.test', '/'), site.url('www.acme.test', '/pricing')]);
    assert.deepEqual(network.problems().filter((r) => r.path !== '/favicon.ico'), [], diagnose());

    // Cookies cleared (or blocked): localStorage keeps the visitor on the origin where they decided.
    await context.clearCookies();
    await page.goto(site.url('www.acme.test', '/pricing'));
    assert.equal(await trackerReady(page), second, 'the localStorage fallback');
    assert.deepEqual(errors, []);
  });

  it('counts visible time only (Page Ping when hidden, Page Left by beacon), and reports marked and outbound clicks', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off' };
    const context = await browser.newContext();
    t.after(() => context.close());
    await controlVisibility(context);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    // A paused clock: the page's time moves only when the test moves it.
    const start = Date.now();
    await page.clock.install({ time: start });
    await page.clock.pauseAt(start + 1_000);
    await page.goto(site.url('www.acme.test', '/'));
    const id = await trackerReady(page);

    await page.clock.fastForward(5_000);
    await setHidden(page, true);
    await page.clock.fastForward(60_000);
    await setHidden(page, false);
    await page.clock.fastForward(2_000);
    await page.click('#demo');
    await page.click('#to-partner');
    await page.waitForURL(/partner\.test/);

    const diagnose = () => `${errors.join('\n')}\n${tessera.output()}`;
    const timeline = await eventually('the time reports and clicks', () => timelineOf(tessera.url, id),
      (ev) => ['Page Ping', 'Page Left', 'Demo Requested', 'Outbound Link Clicked'].every((name) => ev.some((e) => e.event === name)), diagnose);
    const named = (name: string) => timeline.find((e) => e.event === name)!;
    assert.equal(named('Page Ping').properties.visibleMs, 5_000, 'visible until hidden');
    assert.equal(named('Page Left').properties.visibleMs, 7_000, 'the minute in the background does not count');
    assert.equal((named('Page Left').context.page as { path?: string }).path, '/');
    assert.deepEqual(named('Demo Requested').properties, { text: 'Book a demo' });
    assert.deepEqual(named('Outbound Link Clicked').properties, { url: `http://partner.test:${site.port}/`, text: 'Our partner' });
    const profile = await adminGet<{ behaviour: { pages: Array<{ path: string; timeOnPageSeconds: number }> } }>(tessera.url, `/v1/profiles/${id}`);
    assert.equal(profile.body.behaviour.pages.find((p) => p.path === '/')?.timeOnPageSeconds, 7, 'the profile counts the visible 7 s');
    assert.deepEqual(errors, []);
  });

  it('in strict mode sends nothing before the decision and nothing after a refusal; after Accept, the held page view', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'strict' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const network = watchTessera(context, tessera.url);
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/pricing'));
    await trackerReady(page);
    await page.evaluate(() => { ((globalThis as unknown as TrackerWindow).tessera as { track(n: string): void }).track('Pricing Read'); });
    await page.click('#reject');
    assert.equal(await page.evaluate(() => (globalThis as unknown as TrackerWindow).consentRecorded), true);
    await page.click('#to-whitepaper');
    await trackerReady(page);
    const paths = () => network.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(paths().includes('POST /v1/consent'), network.describe());
    assert.ok(!paths().includes('POST /v1/batch'), `no events after a refusal in strict mode:\n${network.describe()}`);
    assert.deepEqual((await tsrCookies(context)).map((c) => c.name), ['tsr_consent'], 'only the refusal is remembered');

    const fresh = await browser.newContext();
    t.after(() => fresh.close());
    const freshNetwork = watchTessera(fresh, tessera.url);
    const other = await fresh.newPage();
    await other.goto(site.url('www.acme.test', '/pricing'));
    const id = await trackerReady(other);
    assert.ok(!freshNetwork.requests.some((r) => r.path === '/v1/batch'), 'held before the decision');
    await other.click('#accept');
    const timeline = await eventually('the held page view', () => timelineOf(tessera.url, id), (ev) => ev.some((e) => e.type === 'page'), () => freshNetwork.describe());
    assert.equal(timeline.find((e) => e.type === 'page')?.properties.path, '/pricing');
  });

  it('a withdrawal removes the id from the device and is recorded; the next page has a new page-only id', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/'));
    const id = await trackerReady(page);
    await page.click('#accept');
    assert.equal(await page.evaluate(() => (globalThis as unknown as TrackerWindow).consentRecorded), true);
    assert.ok((await tsrCookies(context)).some((c) => c.name === 'tsr_aid'));
    const withdrawn = await page.evaluate(() => ((globalThis as unknown as TrackerWindow).tessera as unknown as { consent(p: object): Promise<boolean> }).consent({ analytics: false }));
    assert.equal(withdrawn, true);
    assert.deepEqual((await tsrCookies(context)).map((c) => c.name), ['tsr_consent'], 'the id is gone, the decision stays');
    assert.deepEqual((await deviceStorage(page)).local, ['tsr_consent']);
    const ledger = await adminGet<{ ledger: Array<{ purposes: Record<string, boolean> }> }>(tessera.url, `/v1/profiles/${id}/consent`);
    assert.deepEqual(ledger.body.ledger.map((l) => l.purposes.analytics).sort(), [false, true], `the grant and the withdrawal: ${JSON.stringify(ledger.body)}`);
    await page.click('#to-pricing');
    assert.notEqual(await trackerReady(page), id);
  });

  it('in a single-page app (data-spa), each change of the address is a page view; a #fragment alone is not', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off', spa: '' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/'));
    const id = await trackerReady(page);
    await page.evaluate(() => { history.pushState({}, '', '/app/projects?tab=open'); document.title = 'Projects'; });
    await page.evaluate(() => { history.replaceState({}, '', '/app/projects?tab=open#row-4'); });
    await page.evaluate(() => { history.pushState({}, '', '/app/settings'); });
    await page.goBack();
    // Each view's `Page Left` goes by beacon, independently of the next page view: wait for both.
    const timeline = await eventually('four page views and three page leaves', () => timelineOf(tessera.url, id),
      (ev) => ev.filter((e) => e.type === 'page').length >= 4 && ev.filter((e) => e.event === 'Page Left').length >= 3, () => tessera.output());
    const views = timeline.filter((e) => e.type === 'page').reverse().map((e) => [e.properties.path, e.properties.referrer]);
    assert.deepEqual(views, [
      ['/', ''],
      ['/app/projects', site.url('www.acme.test', '/')],
      ['/app/settings', site.url('www.acme.test', '/app/projects?tab=open')],
      ['/app/projects', site.url('www.acme.test', '/app/settings')],
    ]);
    assert.equal(timeline.filter((e) => e.type === 'page')[2]?.properties.title, 'Projects', 'the title the app set');
    assert.ok(timeline.filter((e) => e.event === 'Page Left').length >= 3, 'each view ends with its visible time');
  });

  it('replays calls the page queued before the script arrived (consent, identify, track)', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test' };
    const context = await browser.newContext();
    t.after(() => context.close());
    // Hold /t.js back until the visitor has answered the banner.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    await context.route('**/t.js', async (route) => { await held; await route.continue(); });
    const page = await context.newPage();
    // A deferred script holds DOMContentLoaded back; the page itself is parsed and usable.
    await page.goto(site.url('www.acme.test', '/'), { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof document.getElementById('accept')?.onclick === 'function');
    await page.click('#accept');
    await page.evaluate(() => {
      const queue = (globalThis as unknown as TrackerWindow).tessera as unknown[];
      queue.push(['identify', 'user-queued', { plan: 'pro' }], ['track', 'Queued Event', { n: 1 }]);
    });
    assert.equal(await page.evaluate(() => Array.isArray((globalThis as unknown as TrackerWindow).tessera)), true, 'the script has not run yet');
    release();
    const id = await trackerReady(page);
    assert.equal((await tsrCookies(context)).find((c) => c.name === 'tsr_aid')?.value, id, 'the queued consent let the id be stored');
    const timeline = await eventually('the queued calls', () => timelineOf(tessera.url, 'user-queued'),
      (ev) => ev.some((e) => e.event === 'Queued Event') && ev.some((e) => e.type === 'identify') && ev.some((e) => e.type === 'consent'), () => tessera.output());
    assert.deepEqual(timeline.find((e) => e.event === 'Queued Event')?.properties, { n: 1 });
    assert.equal(timeline.find((e) => e.type === 'identify')?.anonymousId, id);
  });

  it('removes the email-link token from the address bar and from every event, even when the token is not valid; a kiosk never tries', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const network = watchTessera(context, tessera.url);
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/pricing?utm_source=mail&tsr=not-a-valid-token#plans'));
    const id = await trackerReady(page);
    assert.equal(page.url(), site.url('www.acme.test', '/pricing?utm_source=mail#plans'));
    assert.ok(network.requests.some((r) => r.method === 'POST' && r.path === '/v1/recognize'), network.describe());
    const timeline = await eventually('the page view', () => timelineOf(tessera.url, id), (ev) => ev.some((e) => e.type === 'page'), () => network.describe());
    assert.doesNotMatch(JSON.stringify(timeline), /not-a-valid-token|tsr=/, 'the token is in no event');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tsr_rec')), null, 'nothing recognised');

    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off', kiosk: '' };
    const kiosk = await browser.newContext();
    t.after(() => kiosk.close());
    const kioskNetwork = watchTessera(kiosk, tessera.url);
    const kioskPage = await kiosk.newPage();
    await kioskPage.goto(site.url('www.acme.test', '/?tsr=some-token'));
    await trackerReady(kioskPage);
    assert.equal(kioskPage.url(), site.url('www.acme.test', '/'));
    assert.ok(!kioskNetwork.requests.some((r) => r.path === '/v1/recognize'), `a kiosk does not recognise:\n${kioskNetwork.describe()}`);
  });
});
