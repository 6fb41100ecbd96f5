/**
 * A shop-like site for the recommendations demo (issue 15 §5), on its own origin (shop.acme.test,
 * mapped to 127.0.0.1 by TRACKER_SITE_BROWSER_ARGS):
 *   - `/`: the home page with a "For you" list (the popular items until the shopper signs in);
 *   - `/product/{id}`: a product page with a "Customers also bought" list and a Buy button;
 *   - `/login?anonymousId=…&email=…`: the shop's own server signs the shopper in, i.e. asks Tessera
 *     for a recognition token bound to the browser's anonymous id (POST /v1/recognitions, admin
 *     key: the key never reaches the browser) and returns it.
 * The pages talk to Tessera's public API only, with the write key, from the browser: consent
 * (POST /v1/consent), events (POST /v1/batch: Product Viewed, Order Completed) and the lists
 * (GET /v1/recommendations/visitor). Every item of a list is shown with its reason.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../support/server-process.js';

export interface ShopSite {
  url(path?: string): string;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page's script: visitor id, consent, sign-in, events and the lists, all against Tessera. */
function client(tesseraUrl: string, writeKey: string): string {
  return `
const TESSERA = ${JSON.stringify(tesseraUrl)}, KEY = ${JSON.stringify(writeKey)};
const auth = { authorization: 'Basic ' + btoa(KEY + ':') };
function visitor() {
  let id = localStorage.getItem('shop-aid');
  if (!id) { id = 'shop-' + Math.random().toString(36).slice(2) + Date.now().toString(36); localStorage.setItem('shop-aid', id); }
  return id;
}
async function send(events) {
  const res = await fetch(TESSERA + '/v1/batch', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ batch: events.map((e) => ({ anonymousId: visitor(), ...e })) }) });
  if (!res.ok) throw new Error('batch ' + res.status);
}
async function signIn(email) {
  await fetch(TESSERA + '/v1/consent', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ anonymousId: visitor(), purposes: { analytics: true, personalization: true }, channel: 'banner' }) });
  await send([{ type: 'identify', traits: { email } }]);
  const res = await fetch('/login?anonymousId=' + encodeURIComponent(visitor()) + '&email=' + encodeURIComponent(email));
  localStorage.setItem('shop-recognition', (await res.json()).recognition);
}
async function list(element, query) {
  const recognition = localStorage.getItem('shop-recognition');
  const res = await fetch(TESSERA + '/v1/recommendations/visitor?' + query + '&limit=4&anonymousId=' + encodeURIComponent(visitor())
    + (recognition ? '&recognition=' + encodeURIComponent(recognition) : ''), { headers: auth });
  const body = await res.json();
  element.innerHTML = '';
  for (const item of body.items ?? []) {
    const li = document.createElement('li');
    li.dataset.item = item.id;
    const a = document.createElement('a');
    a.href = '/product/' + encodeURIComponent(item.id);
    a.textContent = item.title;
    const why = document.createElement('small');
    why.className = 'reason';
    why.textContent = item.reason.text;
    li.append(a, why);
    element.append(li);
  }
  element.dataset.ready = String(Date.now());
}
window.shop = { visitor, send, signIn, list };
`;
}

function page(o: { title: string; body: string; script: string; tesseraUrl: string; writeKey: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${esc(o.title)} – Acme Tools</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; color: #1d2433; }
  header { display: flex; justify-content: space-between; border-bottom: 1px solid #dde2ea; margin-bottom: 1rem; }
  .recs { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(2, 1fr); gap: .75rem; }
  .recs li { border: 1px solid #dde2ea; border-radius: 8px; padding: .75rem 1rem; }
  .recs a { font-weight: 600; display: block; color: #0b5cad; }
  .reason { color: #555f6d; }
  button { font: inherit; background: #0b5cad; color: #fff; border: 0; border-radius: 6px; padding: .5rem 1.25rem; }
</style>
</head>
<body>
<header><a href="/">Acme Tools</a><span id="who"></span></header>
<main>${o.body}</main>
<script>${client(o.tesseraUrl, o.writeKey)}</script>
<script>${o.script}</script>
</body>
</html>`;
}

export const SHOP_HOST = 'shop.acme.test';

export async function startShopSite(options: { tesseraUrl: string; writeKey: string; adminKey: string; titles: Record<string, string> }): Promise<ShopSite> {
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${SHOP_HOST}:${port}`);
      const html = (title: string, body: string, script: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page({ title, body, script, tesseraUrl: options.tesseraUrl, writeKey: options.writeKey }));
      };
      if (url.pathname === '/login') {
        const minted = await fetch(`${options.tesseraUrl}/v1/recognitions`, {
          method: 'POST', headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ anonymousId: url.searchParams.get('anonymousId'), email: url.searchParams.get('email') }),
        });
        res.writeHead(minted.status, { 'content-type': 'application/json' });
        res.end(await minted.text());
        return;
      }
      if (url.pathname === '/') {
        html('Home', '<h1>Welcome to Acme Tools</h1><h2>For you</h2><ul id="for-you" class="recs"></ul>',
          // Signed in (recognised, consenting): the shopper's own list; otherwise the popular items, the same for anyone.
          "shop.list(document.getElementById('for-you'), localStorage.getItem('shop-recognition') ? 'kind=for-you' : 'kind=popular');");
        return;
      }
      const product = /^\/product\/([a-z-]+)$/.exec(url.pathname)?.[1];
      if (product && options.titles[product]) {
        const title = options.titles[product]!;
        html(title, `<h1>${esc(title)}</h1><p><button id="buy" type="button">Buy</button> <span id="bought" hidden>Thank you for your order.</span></p>
<h2>Customers who bought this also bought</h2><ul id="also-bought" class="recs"></ul>`, `
const id = ${JSON.stringify(product)};
shop.send([{ type: 'track', event: 'Product Viewed', properties: { product_id: id } }])
  .then(() => shop.list(document.getElementById('also-bought'), 'kind=also-bought&item=' + id));
document.getElementById('buy').addEventListener('click', async () => {
  await shop.send([{ type: 'track', event: 'Order Completed', properties: { order_id: 'o-' + Date.now(), products: [{ product_id: id }] } }]);
  document.getElementById('bought').hidden = false;
});`);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    })().catch((error: unknown) => { res.writeHead(500); res.end(String(error)); });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: (path = '/') => `http://${SHOP_HOST}:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
