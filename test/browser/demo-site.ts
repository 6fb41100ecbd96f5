/**
 * A tiny customer website for browser tests, on its own origin (so that every call to Tessera is a
 * real cross-origin request). It installs analytics.js the way Segment's snippet does: a
 * `window.analytics` array that buffers calls, `_writeKey`, and `_cdn` naming the host that serves
 * `/v1/projects/{writeKey}/settings` (Tessera), then loads the standalone bundle of
 * @segment/analytics-next from this site.
 *
 * Pages: `/` (a whitepaper download button and a sign-up form) and `/pricing`. Each page calls
 * `analytics.page()` through the snippet buffer, as a real site does.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/server-process.js';

export const ANALYTICS_JS_PATH = join(PROJECT_ROOT, 'node_modules/@segment/analytics-next/dist/umd/standalone.js');

export const HOME_TITLE = 'Acme Analytics — The State of Customer Data';
export const PRICING_TITLE = 'Acme Analytics — Pricing';

export interface DemoSite {
  url: string;
  close(): Promise<void>;
}

function snippet(tesseraUrl: string, writeKey: string): string {
  // The snippet's stub: calls made before the bundle arrives are queued as [method, ...args].
  return `<script>
  (function () {
    var analytics = window.analytics = window.analytics || [];
    analytics._writeKey = ${JSON.stringify(writeKey)};
    analytics._cdn = ${JSON.stringify(tesseraUrl)};
    ['page', 'track', 'identify', 'group', 'alias', 'reset', 'ready', 'on'].forEach(function (method) {
      analytics[method] = function () {
        analytics.push([method].concat(Array.prototype.slice.call(arguments)));
        return analytics;
      };
    });
    analytics.page();
  })();
</script>
<script async src="/analytics.js"></script>`;
}

function layout(options: { title: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${options.title}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #1d2433; }
  nav a { margin-right: 1rem; } button { font: inherit; padding: .4rem 1rem; }
  label { display: block; margin: .5rem 0; } input { font: inherit; margin-left: .5rem; }
  #log { background: #f3f5f9; padding: .5rem 1rem; min-height: 3rem; white-space: pre-line; }
</style>
${options.head}
</head>
<body>
<nav><a href="/">Home</a><a id="to-pricing" href="/pricing">Pricing</a></nav>
${options.body}
<h2>analytics.js calls</h2>
<div id="log"></div>
<script>
  function logLine(text) { document.getElementById('log').textContent += text + '\\n'; }
  window.analytics.ready(function () { logLine('analytics.js ' + window.analytics.VERSION + ' ready; anonymousId ' + window.analytics.user().anonymousId()); });
</script>
</body>
</html>`;
}

function homePage(head: string): string {
  return layout({
    title: HOME_TITLE,
    head,
    body: `<h1>The State of Customer Data 2025</h1>
<p>Forty pages on how teams unify their customer profiles.</p>
<button id="download" type="button">Download the whitepaper</button>
<h2>Get the newsletter</h2>
<form id="signup">
  <label>Name <input name="name" required></label>
  <label>Email <input name="email" type="email" required></label>
  <button type="submit">Sign up</button>
</form>
<script>
  document.getElementById('download').addEventListener('click', function () {
    window.analytics.track('Whitepaper Downloaded', { title: 'The State of Customer Data 2025', format: 'pdf', pages: 40 })
      .then(function () { logLine('track Whitepaper Downloaded'); });
  });
  document.getElementById('signup').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    window.analytics.identify('user-42', { email: form.email.value, name: form.name.value })
      .then(function () { logLine('identify user-42'); });
  });
</script>`,
  });
}

function pricingPage(head: string): string {
  return layout({ title: PRICING_TITLE, head, body: '<h1>Pricing</h1><p>Free while you host it yourself.</p>' });
}

export async function startDemoSite(options: { tesseraUrl: string; writeKey: string; port: number }): Promise<DemoSite> {
  const analyticsJs = readFileSync(ANALYTICS_JS_PATH);
  const head = snippet(options.tesseraUrl, options.writeKey);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://demo').pathname;
    const html = path === '/' ? homePage(head) : path === '/pricing' ? pricingPage(head) : undefined;
    if (html !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/analytics.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(analyticsJs);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
