/**
 * Segment's stock snippet with Tessera in place of Segment's CDN, in headless Chromium: the page
 * (on its own origin) loads analytics.min.js from Tessera, its settings from Tessera, and the
 * chunks analytics.js loads lazily from Tessera. Opened with the query-string API
 * (`?ajs_uid=…&ajs_event=…&ajs_prop_…`, which needs the `queryString` chunk), the visit becomes
 * profile user-7 with the 'Signed Up' event and the page view, and nothing the browser asked of
 * Tessera failed.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { freePort, PROJECT_ROOT, startServerProcess } from '../support/server-process.js';
import { tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import {
  adminGet, analyticsReady, countOf, eventually, timelineOf, watchPageErrors, watchTessera, type ProfileView,
} from './browser-harness.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const PAGE_TITLE = 'Acme Analytics — Welcome';
const QUERY = '?ajs_uid=user-7&ajs_event=Signed%20Up&ajs_prop_plan=pro';
const skip = browserSkipReason();
let browser: Browser;

before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/**
 * Segment's snippet (5.2.0, as Segment's docs publish it) with two changes a self-hosting site
 * makes: the script comes from Tessera instead of https://cdn.segment.com, and `_cdn` names
 * Tessera, so that analytics.js loads its settings and chunks there too. (analytics.js reads the
 * CDN from the script's src only for https addresses; `_cdn` works for any.)
 */
function stockSnippet(tesseraUrl: string, writeKey: string): string {
  return `<script>
!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src=${JSON.stringify(tesseraUrl)}+"/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey=${JSON.stringify(writeKey)};analytics._cdn=${JSON.stringify(tesseraUrl)};analytics.SNIPPET_VERSION="5.2.0";
analytics.load(${JSON.stringify(writeKey)});
analytics.page();
}}();
</script>`;
}

function landingPage(tesseraUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${PAGE_TITLE}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #1d2433; }
  #log { background: #f3f5f9; padding: .5rem 1rem; min-height: 3rem; white-space: pre-line; }
</style>
${stockSnippet(tesseraUrl, WRITE_KEY)}
</head>
<body>
<h1>Welcome to Acme Analytics</h1>
<p>You came here from the sign-up email; the link identified you and recorded the sign-up.</p>
<h2>analytics.js (served by Tessera)</h2>
<div id="log"></div>
<script>
  function logLine(text) { document.getElementById('log').textContent += text + '\\n'; }
  window.analytics.on('identify', function (userId) { logLine('identify ' + userId); });
  window.analytics.on('track', function (event, properties) { logLine('track ' + event + ' ' + JSON.stringify(properties)); });
  window.analytics.on('page', function () { logLine('page ' + location.pathname + location.search); });
  window.analytics.ready(function () { logLine('analytics.js ' + window.analytics.VERSION + ' ready; anonymousId ' + window.analytics.user().anonymousId()); });
</script>
</body>
</html>`;
}

/** The customer's site: one page at `/`, on an origin of its own. (demo-site.ts serves analytics.js itself.) */
async function startLandingSite(tesseraUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const html = landingPage(tesseraUrl);
  const server: Server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://site').pathname === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

test('the stock Segment snippet pointed at Tessera: script, settings and chunks from Tessera; the query-string API identifies and tracks', { skip, timeout: 120_000 }, async (t) => {
  const dataDir = tempDir('tessera-snippet-');
  t.after(() => dataDir.remove());
  const tessera = await startServerProcess({ dataDir: dataDir.path });
  t.after(() => tessera.stop());
  const tesseraUrl = tessera.url;
  const site = await startLandingSite(tesseraUrl);
  t.after(() => site.close());
  assert.notEqual(new URL(site.url).origin, new URL(tesseraUrl).origin, 'the site and Tessera must be different origins');

  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  t.after(() => context.close());
  const network = watchTessera(context, tesseraUrl);
  // Anything the page fetches from neither the site nor Tessera (Segment's CDN, say) is a leak.
  const elsewhere: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (/^https?:/.test(url) && !url.startsWith(`${site.url}/`) && !url.startsWith(`${tesseraUrl}/`)) elsewhere.push(url);
  });
  const page = await context.newPage();
  const pageErrors = watchPageErrors(page);
  const diagnose = () => `Browser → Tessera:\n${network.describe()}\nElsewhere:\n${elsewhere.join('\n')}\nPage errors:\n${pageErrors.join('\n')}\nTessera output:\n${tessera.output()}`;

  await page.goto(`${site.url}/${QUERY}`);
  const { anonymousId } = await analyticsReady(page);
  assert.ok(anonymousId, 'analytics.js generated an anonymous id');

  const timeline = await eventually('the query-string identify and track, and the page view', () => timelineOf(tesseraUrl, 'user-7'),
    (events) => countOf(events, 'identify') === 1 && countOf(events, 'track') === 1 && countOf(events, 'page') === 1, diagnose);
  // Every request to Tessera answered 2xx: the script, the settings, the chunks, the events.
  await eventually('an answer to every request', async () => network.pending(), (pending) => pending.length === 0, diagnose);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'stock-snippet.png'), fullPage: true });

  assert.deepEqual(network.problems(), [], `requests to Tessera that failed:\n${diagnose()}`);
  assert.deepEqual(pageErrors, [], `errors in the page:\n${diagnose()}`);
  assert.deepEqual(elsewhere, [], `requests to neither the site nor Tessera:\n${diagnose()}`);
  const answered = network.requests.map((r) => `${r.method} ${r.path} ${r.outcome}`);
  assert.ok(answered.includes(`GET /analytics.js/v1/${WRITE_KEY}/analytics.min.js 200`), `analytics.min.js came from Tessera:\n${network.describe()}`);
  assert.ok(answered.includes(`GET /v1/projects/${WRITE_KEY}/settings 200`), `the settings came from Tessera:\n${network.describe()}`);
  assert.ok(answered.some((r) => /^GET \/analytics-next\/bundles\/queryString\.bundle\.[0-9a-f]+\.js 200$/.test(r)),
    `the query-string chunk came from Tessera:\n${network.describe()}`);

  // The profile: user-7, linked to the browser's anonymous id, with the sign-up and the page view.
  const profile = await adminGet<ProfileView>(tesseraUrl, '/v1/profiles/user-7');
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  const identities = profile.body.identities.map((i) => `${i.kind}:${i.value}`).sort();
  assert.deepEqual(identities, [`anonymous_id:${anonymousId}`, 'user_id:user-7']);
  const events = timeline.filter((e) => e.type !== 'system');
  assert.equal(events.length, 3, `timeline:\n${JSON.stringify(events, null, 2)}`);
  const track = events.find((e) => e.type === 'track');
  assert.deepEqual({ event: track?.event, userId: track?.userId, properties: track?.properties },
    { event: 'Signed Up', userId: 'user-7', properties: { plan: 'pro' } });
  assert.equal(events.find((e) => e.type === 'identify')?.userId, 'user-7');
  const view = events.find((e) => e.type === 'page');
  assert.deepEqual(
    { url: view?.properties.url, path: view?.properties.path, search: view?.properties.search, title: view?.properties.title },
    { url: `${site.url}/${QUERY}`, path: '/', search: QUERY, title: PAGE_TITLE },
  );
  for (const event of events) assert.equal(event.anonymousId, anonymousId, `${event.type} carries the browser's anonymous id`);
  assert.equal(profile.body.behaviour.pageViews, 1);
});
