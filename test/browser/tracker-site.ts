/**
 * The demo landing site of Tessera's own tracker (/t.js) for browser tests: a small B2B site on
 * its own origins (www.acme.test and shop.acme.test share the cookie domain `acme.test`;
 * partner.test is another site), with a consent banner calling the tracker's consent API, a
 * marked call-to-action, an outbound link, and pages that hold Tessera forms
 * (`<div data-tessera-form="ID">`), and pages with personalised slots (`data-tessera-slot`): the
 * solutions page (a salutation line, a hero, a call to action; in German at /de/loesungen),
 * articles on the smart factory (/smart-factory/…) and a small single-page app (/app). Browsers
 * reach these names through
 * TRACKER_SITE_BROWSER_ARGS (every *.test host is mapped to 127.0.0.1).
 *
 * `attrs` and `forms` are read on every request, so a test can change the script tag's data-*
 * attributes or the form ids before it navigates.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../support/server-process.js';

export const TRACKER_SITE_BROWSER_ARGS = ['--host-resolver-rules=MAP *.test 127.0.0.1'];
export const BANNER_WORDING = { version: '2026-11', text: 'We use a first-party cookie to measure visits and to tailor our content to you.' };
export const CONSENTED_PURPOSES = ['analytics', 'personalization', 'profiling'];

export interface TrackerSite {
  port: number;
  /** The site at a host of the test domain: `url('www.acme.test', '/pricing')`. */
  url(host?: string, path?: string): string;
  /** data-* attributes of the tracker's script tag (without the `data-` prefix), besides the write key. */
  attrs: Record<string, string>;
  /** Form ids by page: `whitepaper` (page /whitepaper) and `second` (page /next-step). */
  forms: { whitepaper?: string; second?: string };
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function layout(o: { title: string; body: string; script: string; partnerUrl: string; lang?: string }): string {
  return `<!doctype html>
<html lang="${o.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${esc(o.title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; color: #1d2433; }
  nav a { margin-right: 1rem; }
  #banner { border: 1px solid #c6ccd6; padding: .5rem 1rem; margin-bottom: 1rem; }
  .lead-form { --tsr-accent: #0b5cad; --tsr-accent-text: #fff; --tsr-radius: 6px; border: 1px solid #dde2ea; padding: 1rem 1.5rem; }
  .salutation { font-style: italic; min-height: 1.5em; }
  .hero { background: #eef3fb; padding: 1rem 1.5rem; border-radius: 8px; min-height: 7rem; }
  .hero h1, .hero .tsr-slot-title { font-size: 1.6rem; margin: 0 0 .5rem; }
  .cta { border: 2px solid #0b5cad; padding: .75rem 1.25rem; border-radius: 8px; margin: 1.5rem 0; min-height: 3rem; }
  .cta a { font-weight: 600; }
</style>
<script>window.tessera = window.tessera || [];</script>
${o.script}
</head>
<body>
<div id="banner" role="region" aria-label="Cookies">
  <p>${esc(BANNER_WORDING.text)}</p>
  <button id="accept" type="button">Accept</button> <button id="reject" type="button">Reject</button>
</div>
<nav><a href="/">Home</a><a id="to-pricing" href="/pricing">Pricing</a><a id="to-whitepaper" href="/whitepaper">Whitepaper</a><a id="to-partner" href="${esc(o.partnerUrl)}">Our partner</a></nav>
${o.body}
<script>
  function decide(yes) {
    var purposes = {};
    ${JSON.stringify(CONSENTED_PURPOSES)}.forEach(function (p) { purposes[p] = yes; });
    var options = { wording: ${JSON.stringify(BANNER_WORDING)} };
    window.consentRecorded = Array.isArray(window.tessera) ? (window.tessera.push(['consent', purposes, options]), Promise.resolve(true)) : window.tessera.consent(purposes, options);
    document.getElementById('banner').hidden = true;
  }
  document.getElementById('accept').onclick = function () { decide(true); };
  document.getElementById('reject').onclick = function () { decide(false); };
  // Deferred scripts (the tracker) have run by now: a visitor who decided already sees no banner.
  document.addEventListener('DOMContentLoaded', function () {
    var t = window.tessera;
    if (t && !Array.isArray(t) && t.consent()) document.getElementById('banner').hidden = true;
  });
</script>
</body>
</html>`;
}

function page(path: string, site: TrackerSite): { title: string; body: string; lang?: string } | undefined {
  const form = (id: string | undefined, heading: string, intro: string) => `<h1>${heading}</h1><p>${intro}</p>
<div class="lead-form" ${id ? `data-tessera-form="${esc(id)}"` : ''}><p class="fallback">The form is loading…</p></div>`;
  switch (path) {
    case '/': return {
      title: 'Acme PLM — Connected product data',
      body: `<h1>Connected product data, from design to service</h1>
<p>Acme PLM links CAD, BOMs and service records in one model.</p>
<button id="demo" type="button" data-tessera-click="Demo Requested">Book a demo</button>`,
    };
    case '/pricing': return { title: 'Acme PLM — Pricing', body: '<h1>Pricing</h1><p>Per engineer and month, hosted or on premises.</p>' };
    case '/whitepaper': return { title: 'Acme PLM — Whitepaper', body: form(site.forms.whitepaper, 'The PLM Maturity Guide 2026', 'Forty pages on how manufacturers connect their product data. Tell us where to send it.') };
    case '/next-step': return { title: 'Acme PLM — Your next step', body: form(site.forms.second, 'Your PLM assessment', 'Two quick questions and we send you the assessment for your team.') };
    case '/thanks': return { title: 'Acme PLM — Thank you', body: '<h1>Thank you</h1><p>Your download starts now.</p>' };
    case '/solutions': return { title: 'Acme PLM — Solutions', body: SLOTS_BODY };
    case '/de/loesungen': return { title: 'Acme PLM — Lösungen', lang: 'de', body: SLOTS_BODY_DE };
    case '/app': case '/app/pricing': case '/app/service': return { title: 'Acme PLM — App', body: APP_BODY };
    default: {
      const article = /^\/smart-factory\/([a-z-]+)$/.exec(path);
      if (article) {
        const name = article[1]!.replace(/-/g, ' ');
        return { title: `Smart factory: ${name}`, body: `<h1>Smart factory: ${name}</h1><p>How connected product data runs the shop floor.</p><p><a href="/solutions">Our solutions</a></p>` };
      }
      return undefined;
    }
  }
}

/** The articles of the smart-factory topic (category `smart-factory`, the first path segment). */
export const SMART_FACTORY_ARTICLES = ['/smart-factory/digital-twin', '/smart-factory/shop-floor-data', '/smart-factory/predictive-maintenance'];

const SLOTS_BODY = `<p data-tessera-slot="salutation" class="salutation">Hello,</p>
<section data-tessera-slot="hero" class="hero"><h1>Connected product data</h1><p>One model from design to service.</p></section>
<aside data-tessera-slot="cta" class="cta"><a href="/pricing">Book a demo</a></aside>
<p>Read more: ${SMART_FACTORY_ARTICLES.map((a) => `<a href="${a}">${a.split('/')[2]}</a>`).join(' · ')}</p>`;

const SLOTS_BODY_DE = `<p data-tessera-slot="salutation" class="salutation">Guten Tag,</p>
<section data-tessera-slot="hero" class="hero"><h1>Vernetzte Produktdaten</h1><p>Ein Modell von der Entwicklung bis zum Service.</p></section>
<aside data-tessera-slot="cta" class="cta"><a href="/pricing">Demo vereinbaren</a></aside>`;

/**
 * A single-page app: its links change the address with history.pushState and render the view
 * themselves (the hero slot element is replaced on every view, as frameworks do).
 */
const APP_BODY = `<nav id="app-nav"><a href="/app/pricing">App pricing</a> <a href="/app/service">App service</a></nav>
<main id="app"></main>
<script>
  function render() {
    var view = location.pathname.split('/')[2] || 'start';
    document.getElementById('app').innerHTML = '<h2>View: ' + view + '</h2><section data-tessera-slot="hero" class="hero" data-view="' + view + '"><h1>Connected product data</h1></section>';
    document.title = 'Acme PLM — App ' + view;
  }
  document.getElementById('app-nav').addEventListener('click', function (e) {
    var a = e.target.closest('a');
    if (!a) return;
    e.preventDefault();
    history.pushState({}, '', a.getAttribute('href'));
    render();
  });
  addEventListener('popstate', render);
  render();
</script>`;

export async function startTrackerSite(options: { tesseraUrl: string; writeKey: string }): Promise<TrackerSite> {
  const port = await freePort();
  const site: TrackerSite = {
    port,
    url: (host = 'www.acme.test', path = '/') => `http://${host}:${port}${path}`,
    attrs: { 'cookie-domain': 'acme.test' },
    forms: {},
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://site');
    const host = (request.headers.host ?? '').split(':')[0];
    if (host === 'partner.test') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Partner</title><h1>Partner site</h1>');
      return;
    }
    const content = page(url.pathname, site);
    if (!content) { response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    const attrs = Object.entries({ 'write-key': options.writeKey, ...site.attrs }).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
    const script = `<script defer src="${esc(options.tesseraUrl)}/t.js"${attrs}></script>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(layout({ ...content, script, partnerUrl: `http://partner.test:${port}/` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return site;
}
