/**
 * The recommendations demo of issue 15 §5 in headless Chromium: a real Tessera process and a shop
 * (shop-site.ts) whose pages fill their lists through Tessera's public visitor API with the write
 * key. Other shoppers' orders are sent first (drill + bits three times, drill + gloves twice,
 * drill + helmet once, saw + blades, saw + tape, ladders). A visitor signs in (the shop's server
 * mints a recognition token; consent to personalization), views and buys a drill and a helmet:
 * the home page's "For you" list changes from popular items to the drill's companions, each with
 * its reason, and what they bought leaves it; the drill's "also bought" list, as any visitor sees
 * it, now has the helmet (the second drill + helmet order reached the minimum support). A
 * stranger asking for the shopper's list by email with the write key is refused.
 * Screenshots: test-artifacts/recommendations/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { watchPageErrors } from './browser-harness.js';
import { startShopSite, type ShopSite } from './shop-site.js';
import { TRACKER_SITE_BROWSER_ARGS } from './tracker-site.js';

const ARTIFACTS = `${PROJECT_ROOT}test-artifacts/recommendations/`;
const TITLES: Record<string, string> = {
  drill: 'Cordless drill', bits: 'Drill bit set', gloves: 'Work gloves', helmet: 'Safety helmet', saw: 'Circular saw', blades: 'Saw blades', tape: 'Measuring tape', ladder: 'Step ladder',
};
const CATEGORY: Record<string, string> = { drill: 'Drilling', bits: 'Drilling', gloves: 'Safety', helmet: 'Safety', saw: 'Sawing', blades: 'Sawing', tape: 'Sawing', ladder: 'Access' };

const skip = browserSkipReason();
const dataDir = tempDir('tessera-recs-demo-');
let browser: Browser;
let tessera: ServerProcess;
let shop: ShopSite;

async function admin(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${tessera.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.text()}`);
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  tessera = await startServerProcess({ dataDir: dataDir.path });
  await admin('POST', '/v1/items/batch', { items: Object.entries(TITLES).map(([id, title]) => ({ id, title, type: 'product', categories: [CATEGORY[id]], price: 20, currency: 'EUR' })) });
  const orders: Array<[string, string[]]> = [
    ['b1', ['drill', 'bits']], ['b2', ['drill', 'bits']], ['b3', ['drill', 'bits']], ['b4', ['drill', 'gloves']], ['b5', ['drill', 'gloves']], ['b6', ['drill', 'helmet']],
    ['s1', ['saw', 'blades']], ['s2', ['saw', 'blades']], ['s3', ['saw', 'tape']], ['s4', ['saw', 'tape']],
    ...['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].map((p): [string, string[]] => [p, ['ladder']]),
  ];
  const sent = await fetch(`${tessera.url}/v1/batch`, {
    method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch: orders.map(([anonymousId, products]) => ({ type: 'track', event: 'Order Completed', anonymousId, properties: { products: products.map((product_id) => ({ product_id })) } })) }),
  });
  assert.equal(sent.status, 200, await sent.text());
  shop = await startShopSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY, adminKey: ADMIN_KEY, titles: TITLES });
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await shop?.close();
  await tessera?.stop();
  dataDir.remove();
});

/** Opens the page and waits until its list (#for-you or #also-bought) is rendered; its items and reasons. */
async function listOn(page: Page, path: string, list: string): Promise<Array<{ id: string; reason: string }>> {
  await page.goto(shop.url(path));
  await page.waitForSelector(`#${list}[data-ready]`, { state: 'attached' });
  return page.$$eval(`#${list} li`, (lis) => lis.map((li) => ({ id: (li as HTMLElement).dataset.item ?? '', reason: li.querySelector('.reason')?.textContent ?? '' })));
}

describe('recommendations demo: a shop in Chromium filled through the visitor API', { skip, timeout: 180_000 }, () => {
  it('views and purchases change "for you" and "also bought"; each item shows its reason; bought items leave "for you"; a stranger is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(shop.url('/'));
    await page.waitForSelector('#for-you[data-ready]', { state: 'attached' });
    await page.evaluate(() => (window as unknown as { shop: { signIn(email: string): Promise<void> } }).shop.signIn('shopper@example.test'));

    const cold = await listOn(page, '/', 'for-you');
    assert.equal(cold[0]?.id, 'ladder', `a new shopper gets the popular items first: ${JSON.stringify(cold)}`);
    assert.ok(cold.every((i) => /^Popular/.test(i.reason)), JSON.stringify(cold));
    await page.screenshot({ path: `${ARTIFACTS}1-home-new-shopper.png`, fullPage: true });

    const drillPage = await listOn(page, '/product/drill', 'also-bought');
    assert.deepEqual(drillPage.map((i) => i.id), ['bits', 'gloves'], 'helmet: one order with the drill, below the minimum support');
    assert.ok(drillPage.every((i) => i.reason === 'Customers who bought "Cordless drill" also bought this'), JSON.stringify(drillPage));
    await page.screenshot({ path: `${ARTIFACTS}2-drill-before.png`, fullPage: true });
    await page.click('#buy');
    await page.waitForSelector('#bought:not([hidden])');
    await listOn(page, '/product/helmet', 'also-bought');
    await page.click('#buy');
    await page.waitForSelector('#bought:not([hidden])');

    const warm = await listOn(page, '/', 'for-you');
    const ids = warm.map((i) => i.id);
    assert.deepEqual(ids.slice(0, 2).sort(), ['bits', 'gloves'], `the drill's companions first: ${JSON.stringify(warm)}`);
    assert.ok(!ids.includes('drill') && !ids.includes('helmet'), `what the shopper bought leaves "for you": ${JSON.stringify(warm)}`);
    assert.equal(warm.find((i) => i.id === 'bits')?.reason, 'Because you bought "Cordless drill"');
    assert.ok(warm.every((i) => i.reason.length > 0), JSON.stringify(warm));
    await page.screenshot({ path: `${ARTIFACTS}3-home-after-purchases.png`, fullPage: true });
    assert.deepEqual(errors, []);

    // Another visitor, not signed in: the drill's page now lists the helmet (two orders with the drill).
    const stranger = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const other = await stranger.newPage();
    const after = await listOn(other, '/product/drill', 'also-bought');
    assert.deepEqual(after.map((i) => i.id).sort(), ['bits', 'gloves', 'helmet'], JSON.stringify(after));
    await other.screenshot({ path: `${ARTIFACTS}4-drill-after-another-visitor.png`, fullPage: true });
    // The stranger asks for the shopper's list by email with the public write key: refused.
    const refused = await other.evaluate(async ([url, key]) => {
      const res = await fetch(`${url}/v1/recommendations/visitor?kind=for-you&email=shopper%40example.test`, { headers: { authorization: `Basic ${btoa(`${key}:`)}` } });
      return { status: res.status, body: await res.text() };
    }, [tessera.url, WRITE_KEY] as const);
    assert.equal(refused.status, 400, refused.body);
    assert.match(refused.body, /email/);
    assert.ok(!refused.body.includes('Cordless') && !refused.body.includes('bits'), 'nothing of the shopper in the answer');
    await stranger.close();
    await context.close();
  });
});
