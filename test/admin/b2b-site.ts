/**
 * Acme's small B2B site for the README's tour in the browser (test/admin/b2b-scenario.test.ts): a
 * home page, pricing, and the smart-factory whitepaper page with a download form. Every page
 * carries Tessera's tracker `/t.js` with the write key the site owner copied from Tessera's first
 * start, and a cookie banner that records consent through the tracker. The form identifies the
 * visitor (`tessera.identify(null, { email, name, company })`); each download is a
 * `Whitepaper Downloaded` event with `topic: smart factory`, as in the README.
 *
 * Served at www.acme.test (Chromium maps it to 127.0.0.1 through SITE_BROWSER_ARGS).
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../support/server-process.js';

export const SITE_BROWSER_ARGS = ['--host-resolver-rules=MAP *.acme.test 127.0.0.1'];

export interface B2bSite {
  /** `url('/pricing')`: the address of a page at www.acme.test. */
  url(path?: string): string;
  close(): Promise<void>;
}

const PAGES: Record<string, { title: string; body: string }> = {
  '/': {
    title: 'Acme – Smart Factory',
    body: '<h1>Acme makes factories smart</h1><p>Connected machines, one data model.</p>',
  },
  '/pricing': {
    title: 'Pricing',
    body: '<h1>Pricing</h1><p>Starter: 490 € a month. Factory: 1,900 € a month.</p>',
  },
  '/whitepaper': {
    title: 'Whitepaper: the smart factory',
    body: `<h1>Whitepaper: the smart factory</h1>
<form id="download">
  <p><label for="name">Your name</label><br><input id="name" name="name" autocomplete="name" required></p>
  <p><label for="email">Business e-mail</label><br><input id="email" name="email" type="email" autocomplete="email" required></p>
  <p><label for="company">Company</label><br><input id="company" name="company" autocomplete="organization"></p>
  <p><button type="submit">Get the whitepaper</button></p>
</form>
<p id="ready" hidden><a id="pdf" href="#pdf">Download the whitepaper (PDF)</a></p>
<script>
  document.getElementById('download').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.currentTarget;
    tessera.identify(null, { email: f.email.value, name: f.name.value, company: f.company.value });
    f.hidden = true;
    document.getElementById('ready').hidden = false;
  });
  document.getElementById('pdf').addEventListener('click', function (e) {
    e.preventDefault();
    tessera.track('Whitepaper Downloaded', { topic: 'smart factory' });
  });
  // A visitor who gave their address before goes straight to the download.
  document.addEventListener('DOMContentLoaded', function () {
    if (localStorage.getItem('acme-reader')) { document.getElementById('download').hidden = true; document.getElementById('ready').hidden = false; }
  });
  document.getElementById('download').addEventListener('submit', function () { localStorage.setItem('acme-reader', '1'); });
</script>`,
  },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function page(o: { title: string; body: string; tesseraUrl: string; writeKey: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${esc(o.title)}</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; } nav a { margin-right: 1rem; } #banner { border: 1px solid #ccc; padding: .5rem 1rem; }</style>
<script>window.tessera = window.tessera || [];</script>
<script defer src="${esc(o.tesseraUrl)}/t.js" data-write-key="${esc(o.writeKey)}"></script>
</head>
<body>
<div id="banner" role="region" aria-label="Cookies">
  <p>We use a first-party cookie to measure visits and to tailor our content to you.</p>
  <button id="accept" type="button">Accept</button>
</div>
<nav><a href="/">Home</a><a href="/pricing">Pricing</a><a href="/whitepaper">Whitepaper</a></nav>
<main>${o.body}</main>
<script>
  document.getElementById('accept').onclick = function () {
    var purposes = { analytics: true, personalization: true, profiling: true };
    var options = { wording: { version: '2026-12', text: 'We use a first-party cookie to measure visits and to tailor our content to you.' } };
    if (Array.isArray(window.tessera)) window.tessera.push(['consent', purposes, options]); else window.tessera.consent(purposes, options);
    document.getElementById('banner').hidden = true;
  };
  document.addEventListener('DOMContentLoaded', function () {
    var t = window.tessera;
    if (t && !Array.isArray(t) && t.consent()) document.getElementById('banner').hidden = true;
  });
</script>
</body>
</html>`;
}

export async function startB2bSite(o: { tesseraUrl: string; writeKey: string }): Promise<B2bSite> {
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const p = PAGES[path];
    if (!p) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page({ ...p, ...o }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: (path = '/') => `http://www.acme.test:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
