/**
 * The tracker's slot module (/t-slots.js) in headless Chromium, against the decide contract
 * (docs/decisions.md): a real Tessera process serves /t.js, /t-slots.js and the collection API,
 * and the browser's `POST /v1/decide` is answered here with a fixed decision in the contract's
 * shape, so that the module's own behaviour is checked whatever the rules decide (the decisions
 * themselves: slots.test.ts). Covered: rendering of html, text, title, image and link; the
 * `tessera:slot` event and rendering by the site itself; `Slot Viewed` only once at least half of
 * the slot has been in view for a second, once per decision; `Slot Clicked`; the "Why?" panel's
 * "Hide this" (`Slot Dismissed`, default back); a recommendation slot's `Slot Clicked` names its
 * item (`item_id`); a failing decide call leaves the defaults.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { buildTracker } from '../../web/tracker/build.js';
import { watchPageErrors } from './browser-harness.js';
import { startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

const skip = browserSkipReason();
const dataDir = tempDir('tessera-slot-module-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;

before(async () => {
  if (skip) return;
  await buildTracker();
  tessera = await startServerProcess({ dataDir: dataDir.path });
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  site.attrs = { 'cookie-domain': 'acme.test', 'slot-timeout': '5000' };
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  dataDir.remove();
});

const decision = (slot: string, variant: Record<string, unknown>, showWhy = true) => ({
  decisionId: `dcs_${slot}_${Math.random().toString(36).slice(2)}`, slot, variant, rule: `r-${slot}`, depth: 'segment', tags: ['spring'],
  explanation: { locale: 'en', text: 'Because you read 3 articles about smart factories.', dataKindLabels: ['pages you read on this site'] },
  showWhy, whyUrl: 'https://tessera.example/why/dcs_x',
});

/** Answers every decide call of the context with `answer()`; returns the request bodies. */
async function stubDecide(context: BrowserContext, answer: () => { status: number; body: unknown }): Promise<Array<Record<string, unknown>>> {
  const bodies: Array<Record<string, unknown>> = [];
  await context.route(`${tessera.url}/v1/decide`, async (route) => {
    bodies.push(JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>);
    const { status, body } = answer();
    await route.fulfill({ status, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(body) });
  });
  return bodies;
}

/** The Slot … events the page sends to the collection API, in order. */
function slotEvents(context: BrowserContext): Array<{ event: string; properties: Record<string, unknown> }> {
  const events: Array<{ event: string; properties: Record<string, unknown> }> = [];
  context.on('request', (r) => {
    if (!r.url().startsWith(`${tessera.url}/v1/batch`)) return;
    const batch = (JSON.parse(r.postData() ?? '{}') as { batch?: Array<{ event?: string; properties: Record<string, unknown> }> }).batch ?? [];
    for (const e of batch) if (e.event?.startsWith('Slot ')) events.push({ event: e.event, properties: e.properties });
  });
  return events;
}

describe('the slot module in Chromium (decide answered per the contract)', { skip, timeout: 120_000 }, () => {
  it('renders html, text, title, image and link; sends one request naming every slot with the page context', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    t.after(() => context.close());
    const bodies = await stubDecide(context, () => ({
      status: 200,
      body: {
        decisions: {
          salutation: decision('salutation', { id: 'greet', body: 'Dear Ms <Weber>,', format: 'text' }, false),
          hero: decision('hero', { id: 'playbook', title: 'The <Playbook>', body: '<p>Twelve <b>steps</b>.</p>', format: 'html', imageUrl: `${tessera.url}/health`, linkUrl: 'https://www.acme.test/playbook' }),
        },
        missing: ['cta'],
      },
    }));
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(site.url('www.acme.test', '/solutions?utm_source=news&utm_campaign=spring'), { referer: 'https://search.example/' });
    await page.waitForSelector('[data-tessera-slot="hero"] .tsr-slot-title');
    assert.equal(await page.locator('[data-tessera-slot="salutation"]').innerHTML(), 'Dear Ms &lt;Weber&gt;,', 'a text body is text');
    const hero = page.locator('[data-tessera-slot="hero"]');
    assert.equal(await hero.locator('a.tsr-slot-link > strong.tsr-slot-title').innerHTML(), 'The &lt;Playbook&gt;', 'the title is text, linked');
    assert.equal(await hero.locator('.tsr-slot-body').innerHTML(), '<p>Twelve <b>steps</b>.</p>', 'an html body is HTML');
    assert.equal(await hero.locator('img.tsr-slot-image').getAttribute('alt'), '');
    assert.equal(await page.locator('[data-tessera-slot="cta"]').innerHTML(), '<a href="/pricing">Book a demo</a>', 'a missing slot keeps its default');
    assert.equal(await page.locator('.tsr-wait').count(), 0);
    assert.equal(bodies.length, 1);
    const body = bodies[0]!;
    assert.deepEqual(body.slots, ['salutation', 'hero', 'cta']);
    assert.equal(body.writeKey, WRITE_KEY);
    assert.equal(typeof body.anonymousId, 'string');
    assert.deepEqual(body.context, {
      url: site.url('www.acme.test', '/solutions?utm_source=news&utm_campaign=spring'), path: '/solutions', referrer: 'https://search.example/', locale: 'en',
      timezone: await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), utm: { source: 'news', campaign: 'spring' },
    });
    assert.deepEqual(errors, []);
  });

  it('announces each decision with tessera:slot; a site that calls preventDefault renders it itself', async (t) => {
    const context = await browser.newContext();
    t.after(() => context.close());
    await stubDecide(context, () => ({ status: 200, body: { decisions: { hero: decision('hero', { id: 'teasers', body: 'unused', format: 'text', payload: { items: ['a', 'b'] } }) }, missing: [] } }));
    await context.addInitScript({
      content: `document.addEventListener('tessera:slot', function (e) {
        window.__announced = (window.__announced || []).concat([e.detail.slot]);
        if (e.detail.slot !== 'hero') return;
        e.preventDefault();
        e.target.innerHTML = '<ul id="own">' + e.detail.variant.payload.items.map(function (i) { return '<li>' + i + '</li>'; }).join('') + '</ul>';
      });`,
    });
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/solutions'));
    await page.waitForSelector('#own');
    assert.deepEqual(await page.locator('#own li').allInnerTexts(), ['a', 'b']);
    assert.equal(await page.locator('[data-tessera-slot="hero"] .tsr-why').count(), 0, 'the module leaves the element to the site');
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { __announced: string[] }).__announced), ['hero']);
  });

  it('Slot Viewed once at least half the slot was in view for a second, once per decision; Slot Clicked; "Hide this" is Slot Dismissed', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 300 } });
    t.after(() => context.close());
    // The second decision is a recommendation slot's (rule `recommendation`, the item in the payload).
    let calls = 0;
    await stubDecide(context, () => {
      const recommended = ++calls > 1;
      const d = decision('cta', { id: 'playbook', title: 'Get the playbook', body: 'Twelve steps.', format: 'text', linkUrl: site.url('partner.test', '/playbook'), ...(recommended ? { payload: { itemId: 'playbook-pdf' } } : {}) });
      return { status: 200, body: { decisions: { cta: recommended ? { ...d, rule: 'recommendation' } : d }, missing: [] } };
    });
    const events = slotEvents(context);
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/solutions'));
    const cta = page.locator('[data-tessera-slot="cta"]');
    await cta.locator('.tsr-slot-title').waitFor();
    // Below the fold (a 300 px viewport): not seen while out of view.
    await page.waitForTimeout(1_500);
    assert.deepEqual(events.filter((e) => e.event === 'Slot Viewed'), [], 'out of view: no exposure');
    await cta.scrollIntoViewIfNeeded();
    await page.waitForTimeout(400);
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(1_200);
    assert.deepEqual(events.filter((e) => e.event === 'Slot Viewed'), [], 'in view for less than a second: no exposure');
    await cta.scrollIntoViewIfNeeded();
    for (let i = 0; i < 40 && !events.some((e) => e.event === 'Slot Viewed'); i++) await page.waitForTimeout(100);
    const viewed = events.filter((e) => e.event === 'Slot Viewed');
    assert.equal(viewed.length, 1, JSON.stringify(events));
    const props = viewed[0]!.properties;
    assert.deepEqual({ ...props, decisionId: undefined }, { slot: 'cta', variant: 'playbook', decisionId: undefined, ruleId: 'r-cta', tags: ['spring'], depth: 'segment' });
    await page.evaluate(() => scrollTo(0, 0));
    await cta.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1_500);
    assert.equal(events.filter((e) => e.event === 'Slot Viewed').length, 1, 'once per decision');

    // "Hide this": Slot Dismissed, and the page's default is back.
    await cta.getByRole('button', { name: 'Why am I seeing this?' }).click();
    await cta.getByRole('button', { name: 'Hide this' }).click();
    assert.equal(await cta.innerHTML(), '<a href="/pricing">Book a demo</a>');
    assert.equal(await cta.evaluate((el) => el === document.activeElement), true, 'the focus stays in the slot');
    for (let i = 0; i < 20 && !events.some((e) => e.event === 'Slot Dismissed'); i++) await page.waitForTimeout(100);
    assert.deepEqual(events.find((e) => e.event === 'Slot Dismissed')?.properties, { slot: 'cta', variant: 'playbook', decisionId: props.decisionId });
    assert.equal(events.filter((e) => e.event === 'Slot Clicked').length, 0, 'no click so far');

    // A new page view, a new decision: clicking its link is Slot Clicked.
    await page.goto(site.url('www.acme.test', '/solutions'));
    await cta.locator('.tsr-slot-title').waitFor();
    await cta.getByRole('link', { name: 'Get the playbook' }).click();
    await page.waitForURL(site.url('partner.test', '/playbook'));
    for (let i = 0; i < 20 && !events.some((e) => e.event === 'Slot Clicked'); i++) await new Promise((r) => setTimeout(r, 100));
    const clicked = events.find((e) => e.event === 'Slot Clicked')?.properties;
    assert.equal(clicked?.url, site.url('partner.test', '/playbook'));
    assert.equal(clicked?.variant, 'playbook');
    assert.equal(clicked?.item_id, 'playbook-pdf', 'a recommendation slot\'s click names the item shown');
    assert.equal(clicked?.ruleId, 'recommendation');
  });

  it('a failing decide call leaves the page\'s defaults, shown at once', async (t) => {
    const context = await browser.newContext();
    t.after(() => context.close());
    await stubDecide(context, () => ({ status: 503, body: { error: { code: 'unavailable', message: 'busy' } } }));
    const page = await context.newPage();
    await page.goto(site.url('www.acme.test', '/solutions'));
    await page.waitForFunction(() => document.querySelectorAll('.tsr-wait').length === 0, undefined, { timeout: 2_000 });
    assert.equal(await page.locator('[data-tessera-slot="hero"]').innerHTML(), '<h1>Connected product data</h1><p>One model from design to service.</p>');
    assert.equal(await page.locator('[data-tessera-slot="salutation"]').innerText(), 'Hello,');
  });
});
