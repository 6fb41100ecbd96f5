/**
 * Personalised slots on a B2B site (issue 14 §7) in headless Chromium, against a real Tessera
 * process (SQLite) and the demo site's solutions page (`data-tessera-slot` salutation, hero, CTA):
 *  1. the slots are defined through the admin API: a hero per lifecycle stage (and one for a
 *     campaign, one for the pricing pages), a CTA that differs for readers of the smart-factory
 *     topic (capped at 3 views a day), a salutation line;
 *  2. an anonymous first visit gets contextual content (the campaign hero, the general CTA, a
 *     neutral salutation), all slots in one decide call; the German page speaks German;
 *  3. after consenting and reading three smart-factory articles, the topic CTA; its "Why?" panel
 *     (keyboard, aria) explains it, and "Show me general content instead" withdraws the
 *     personalization purpose in the consent ledger and brings the general CTA at once;
 *  4. recognised through a signed email link, the salutation by name and the hero of the
 *     person's lifecycle stage;
 *  5. the cap stops the fourth impression: three `Slot Viewed` are counted, the fourth view gets
 *     the general CTA; a click on the CTA is `Slot Clicked`;
 *  6. anti-flicker: with Tessera's answer held back longer than data-slot-timeout, the slots show
 *     their default once the time is up, and the late answer is not applied (nor counted);
 *  7. a single-page app decides again on every navigation, back and forward included.
 * Screenshots: test-artifacts/slots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { freePort, PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { buildTracker } from '../../web/tracker/build.js';
import { adminGet, eventually, timelineOf, watchPageErrors, watchTessera, type EventView } from './browser-harness.js';
import { trackerReady } from './tracker-helpers.js';
import { SMART_FACTORY_ARTICLES, startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

/**
 * A person's ordinary browser. Tessera treats HeadlessChrome as a machine on every path
 * (core/events/user-agent-class.ts): its page views count for no condition, its email clicks
 * recognise no one.
 */
const PERSON_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
/** Clicks sooner than this after a link was minted are judged a link scanner's (core/links/machine-verdict.ts). */
const HUMAN_DELAY_MS = 10_500;
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'slots');
const EMAIL = 'karoline.weber@acme-industries.com';
/**
 * The script tag's attributes. The anti-flicker bound is generous here (this machine is shared and
 * busy); the anti-flicker test sets its own short one.
 */
const ATTRS = { 'cookie-domain': 'acme.test', 'slot-timeout': '10000' };

const skip = browserSkipReason();
const dataDir = tempDir('tessera-slots-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;

interface Decision {
  decisionId: string;
  slot: string;
  variant: { id: string };
  rule: string;
  depth: string;
  explanation: { text: string; dataKindLabels: string[] };
  showWhy: boolean;
  whyUrl?: string;
}
interface DecideAnswer { decisions: Record<string, Decision>; missing?: string[] }

async function admin(method: 'POST' | 'PUT', path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${tessera.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

async function write(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${tessera.url}${path}`, { method: 'POST', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.text()}`);
}

/** The slots of the B2B site, as a marketer defines them (docs/decisions.md). */
function slotDefinitions(siteUrl: (path: string) => string) {
  return [
    {
      id: 'hero', name: 'Hero banner', channel: 'web', explain: true,
      variants: [
        { id: 'general', title: 'Connected product data, from design to service', body: 'One model for CAD, BOMs and service records.', format: 'text' },
        { id: 'campaign', title: 'Your PLM Maturity Guide is one click away', body: 'Forty pages on connected product data, free.', format: 'text', linkUrl: siteUrl('/whitepaper') },
        { id: 'pricing', title: 'Plans for every team size', body: 'Hosted or on premises, per engineer and month.', format: 'text' },
        { id: 'lead', title: 'Ready for your PLM assessment?', body: 'Two questions, and we send you the assessment for your team.', format: 'text', linkUrl: siteUrl('/next-step') },
        { id: 'customer', title: 'Welcome back: what is new in Acme PLM 12', body: 'Faster BOM comparisons and a new service portal.', format: 'text' },
      ],
      defaultVariantId: 'general',
      rules: [
        { id: 'customers', condition: { lifecycle: { in: ['customer'] } }, variantId: 'customer', depth: 'segment' },
        { id: 'leads', condition: { lifecycle: { in: ['lead', 'marketing_qualified', 'sales_accepted', 'sales_qualified'] } }, variantId: 'lead', depth: 'segment' },
        { id: 'plm-guide-campaign', context: { field: 'utm.campaign', op: 'equals', value: 'plm-guide' }, variantId: 'campaign', depth: 'contextual' },
        { id: 'pricing-pages', context: { field: 'path', op: 'contains', value: 'pricing' }, variantId: 'pricing', depth: 'contextual' },
      ],
    },
    {
      id: 'cta', name: 'Call to action', channel: 'web', explain: true,
      variants: [
        { id: 'demo', body: '<a href="/pricing">Book a demo</a>', format: 'html' },
        { id: 'factory-playbook', title: 'Get the Smart Factory Playbook', body: 'Twelve steps to a connected shop floor.', format: 'text', linkUrl: siteUrl('/whitepaper') },
      ],
      defaultVariantId: 'demo',
      rules: [{
        id: 'smart-factory-readers', condition: { page: { category: 'smart-factory', atLeast: 3, within: '30d' } }, variantId: 'factory-playbook', depth: 'segment',
        caps: [{ max: 3, window: '1d' }],
      }],
    },
    {
      id: 'salutation', name: 'Salutation line', channel: 'web', explain: false,
      variants: [{ id: 'greeting', body: '{{salutation}}, good to see you.', format: 'text' }],
      defaultVariantId: 'greeting',
      rules: [],
    },
  ];
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildTracker();
  const port = await freePort();
  tessera = await startServerProcess({
    dataDir: dataDir.path, port,
    env: { TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`, TESSERA_LINK_DOMAINS: 'acme.test' },
  });
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  for (const slot of slotDefinitions((path) => site.url('www.acme.test', path))) {
    const created = await admin('POST', '/v1/slots', slot);
    assert.equal(created.status, 201, `creating slot ${slot.id}: ${JSON.stringify(created.body)}`);
  }
  // About personalization: nobody is held out (the browsers' random visitor ids would land in the default 5% holdout
  // now and then; the holdout is tested in test/http/slot-experiments-suite.ts).
  const holdout = await admin('PUT', '/v1/experiment-settings', { holdoutShare: 0 });
  assert.equal(holdout.status, 200, JSON.stringify(holdout.body));
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  dataDir.remove();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
const slot = (page: Page, id: string) => page.locator(`[data-tessera-slot="${id}"]`);
/** The text a slot shows, without its "Why?" affordance. */
const shown = (page: Page, id: string) => slot(page, id).evaluate((el) => {
  const copy = el.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('.tsr-why').forEach((w) => w.remove());
  return (copy.textContent ?? '').trim();
});

/** Every decide answer the page receives, in order. */
function watchDecisions(context: BrowserContext): DecideAnswer[] {
  const answers: DecideAnswer[] = [];
  context.on('response', (response) => {
    if (!response.url().startsWith(`${tessera.url}/v1/decide`)) return;
    void response.json().then((body: DecideAnswer) => answers.push(body), () => {});
  });
  return answers;
}

/**
 * The newest decide answer once more than `seen` have come: the page may render an answer a moment
 * before its body is read here (watchDecisions), so reading the list at once could give the one before.
 */
async function answerAfter(v: { decisions: DecideAnswer[]; diagnose: () => string }, seen: number): Promise<DecideAnswer> {
  await eventually(`decide answer ${seen + 1}`, async () => v.decisions.length, (n) => n > seen, v.diagnose);
  return v.decisions.at(-1)!;
}

/** Waits until the slots are settled: none waiting (hidden) any more. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[data-tessera-slot]').length > 0 && document.querySelectorAll('[data-tessera-slot].tsr-wait').length === 0);
}

const slotEvents = (timeline: EventView[], name: string, slotId: string) =>
  timeline.filter((e) => e.event === name && e.properties.slot === slotId);

async function newVisitor() {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, userAgent: PERSON_BROWSER });
  const network = watchTessera(context, tessera.url);
  const decisions = watchDecisions(context);
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  const diagnose = () => `Browser → Tessera:\n${network.describe()}\nPage errors:\n${errors.join('\n')}\nTessera:\n${tessera.output().slice(-4000)}`;
  return { context, network, decisions, page, errors, diagnose };
}

/** Accepts the banner, reads the three smart-factory articles, and waits until Tessera has them. */
async function readSmartFactoryArticles(page: Page, diagnose: () => string): Promise<string> {
  await page.goto(site.url('www.acme.test', '/'));
  await trackerReady(page);
  await page.click('#accept');
  assert.equal(await page.evaluate(() => (globalThis as unknown as { consentRecorded: Promise<boolean> }).consentRecorded), true);
  for (const article of SMART_FACTORY_ARTICLES) {
    await page.goto(site.url('www.acme.test', article));
    await trackerReady(page);
    // A reader stays on the article: its page view is answered before the next page is opened (the
    // browser hands an in-flight keepalive batch over at navigation, which Playwright reports as aborted).
    await page.waitForLoadState('networkidle');
  }
  const visitor = await trackerReady(page);
  await eventually('three smart-factory page views on the profile', () => timelineOf(tessera.url, visitor),
    (events) => events.filter((e) => e.type === 'page' && String(e.properties.path).startsWith('/smart-factory/')).length === 3, diagnose);
  return visitor;
}

describe('personalised slots in Chromium', { skip, timeout: 600_000 }, () => {
  it('an anonymous first visit gets contextual content, all slots in one decide call; a German page speaks German', async (t) => {
    site.attrs = { ...ATTRS };
    const v = await newVisitor();
    t.after(() => v.context.close());
    await v.page.goto(site.url('www.acme.test', '/solutions?utm_source=linkedin&utm_medium=social&utm_campaign=plm-guide'), { referer: 'https://www.linkedin.com/' });
    await settled(v.page);
    await v.page.getByText('Your PLM Maturity Guide is one click away').waitFor();
    assert.equal(await shown(v.page, 'cta'), 'Book a demo', 'the general CTA: nothing known about this visitor');
    assert.equal(await shown(v.page, 'salutation'), 'Hello, good to see you.', 'a neutral salutation');
    assert.equal(v.network.requests.filter((r) => r.path === '/v1/decide').length, 1, `one batched call:\n${v.network.describe()}`);
    assert.equal(v.network.requests.filter((r) => r.path === '/t-slots.js').length, 1, 'the slot module, loaded once');
    const hero = (await answerAfter(v, 0)).decisions.hero!;
    assert.deepEqual([hero.variant.id, hero.rule, hero.depth], ['campaign', 'plm-guide-campaign', 'contextual']);
    assert.match(hero.decisionId, /^dcs_/);
    assert.equal(await slot(v.page, 'hero').locator('a.tsr-slot-link').getAttribute('href'), site.url('www.acme.test', '/whitepaper'), 'the variant\'s link around its title');
    assert.equal(await slot(v.page, 'salutation').locator('.tsr-why-btn').count(), 0, 'no "Why?" on a slot that does not offer it');
    await shot(v.page, '1-anonymous-campaign-visit.png');

    // Without the campaign the general hero; the German page gets German texts.
    await v.page.goto(site.url('www.acme.test', '/solutions'));
    await settled(v.page);
    await v.page.getByText('Connected product data, from design to service').waitFor();
    const seenBeforeGerman = v.decisions.length;
    await v.page.goto(site.url('www.acme.test', '/de/loesungen?utm_campaign=plm-guide'));
    await settled(v.page);
    const why = slot(v.page, 'hero').getByRole('button', { name: 'Warum sehe ich das?' });
    await why.click();
    await slot(v.page, 'hero').getByRole('region', { name: 'Warum Sie das sehen' }).waitFor();
    const german = (await answerAfter(v, seenBeforeGerman)).decisions.hero!;
    assert.equal(await slot(v.page, 'hero').locator('.tsr-why-text').innerText(), german.explanation.text);
    await shot(v.page, '2-german-why-panel.png');
    // Pages without slots never load the module.
    const before = v.network.requests.length;
    await v.page.goto(site.url('www.acme.test', '/pricing'));
    await trackerReady(v.page);
    assert.ok(!v.network.requests.slice(before).some((r) => r.path === '/t-slots.js' || r.path === '/v1/decide'), v.network.describe());
    assert.deepEqual(v.network.problems(), [], v.diagnose());
    assert.deepEqual(v.errors, []);
  });

  it('after consenting and reading three articles on a topic, the topic CTA; "Why?" explains it, and "general content" turns it off', async (t) => {
    site.attrs = { ...ATTRS };
    const v = await newVisitor();
    t.after(() => v.context.close());
    const visitor = await readSmartFactoryArticles(v.page, v.diagnose);

    const seenBefore = v.decisions.length;
    await v.page.goto(site.url('www.acme.test', '/solutions'));
    await settled(v.page);
    const cta = slot(v.page, 'cta');
    await cta.getByText('Get the Smart Factory Playbook').waitFor();
    const decision = (await answerAfter(v, seenBefore)).decisions.cta!;
    assert.deepEqual([decision.variant.id, decision.rule], ['factory-playbook', 'smart-factory-readers']);
    assert.equal(decision.showWhy, true);
    const viewed = await eventually('Slot Viewed for the CTA', () => timelineOf(tessera.url, visitor), (ev) => slotEvents(ev, 'Slot Viewed', 'cta').length === 1, v.diagnose);
    assert.deepEqual(slotEvents(viewed, 'Slot Viewed', 'cta')[0]!.properties, {
      slot: 'cta', variant: 'factory-playbook', decisionId: decision.decisionId, ruleId: 'smart-factory-readers', tags: [], depth: decision.depth,
    });

    // The "Why?" panel, by keyboard: a disclosure button, Escape closes it and returns the focus.
    const why = cta.getByRole('button', { name: 'Why am I seeing this?' });
    await why.focus();
    await v.page.keyboard.press('Enter');
    assert.equal(await why.getAttribute('aria-expanded'), 'true');
    const panel = cta.getByRole('region', { name: 'Why you see this' });
    await panel.waitFor();
    assert.equal(await panel.locator('.tsr-why-text').innerText(), decision.explanation.text);
    assert.ok(decision.explanation.text.length > 10, decision.explanation.text);
    assert.deepEqual(await panel.locator('.tsr-why-kinds li').allInnerTexts(), decision.explanation.dataKindLabels);
    assert.ok(decision.explanation.dataKindLabels.length > 0, 'the kinds of data used are named');
    const more = await panel.getByRole('link', { name: 'More about this and your data' }).getAttribute('href');
    assert.equal(more, `${decision.whyUrl}?lang=en`);
    assert.ok(more!.startsWith(`${tessera.url}/why/${decision.decisionId}`), more!);
    await shot(v.page, '3-topic-cta-why-panel.png');
    // The panel's link: Tessera's own explanation page for this decision.
    const whyPage = await v.context.newPage();
    const opened = await whyPage.goto(more!);
    assert.equal(opened?.status(), 200);
    await whyPage.getByText(decision.explanation.text).first().waitFor();
    await shot(whyPage, '3b-why-page.png');
    await whyPage.close();
    await v.page.keyboard.press('Tab');
    assert.equal(await v.page.evaluate(() => document.activeElement?.textContent), 'Show me general content instead');
    await v.page.keyboard.press('Escape');
    assert.equal(await panel.isHidden(), true);
    assert.equal(await why.evaluate((el) => el === document.activeElement), true, 'the focus is back on the button');

    // "Show me general content instead": the consent ledger records the withdrawal, the CTA turns general at once …
    await why.click();
    const seenBeforeWithdrawal = v.decisions.length;
    await panel.getByRole('button', { name: 'Show me general content instead' }).click();
    await cta.getByRole('link', { name: 'Book a demo' }).waitFor();
    const ledger = await adminGet<{ ledger: Array<{ purposes: Record<string, boolean> }> }>(tessera.url, `/v1/profiles/${visitor}/consent`);
    assert.equal(ledger.body.ledger.at(-1)?.purposes.personalization, false, JSON.stringify(ledger.body));
    const general = (await answerAfter(v, seenBeforeWithdrawal)).decisions.cta!;
    assert.equal(general.variant.id, 'demo');
    assert.ok(['none', 'contextual'].includes(general.depth), general.depth);
    await shot(v.page, '4-general-content.png');
    // … and stays general on the next page, where the panel no longer offers the withdrawal.
    await v.page.goto(site.url('www.acme.test', '/solutions'));
    await settled(v.page);
    assert.equal(await shown(v.page, 'cta'), 'Book a demo');
    if (await cta.locator('.tsr-why-btn').count()) {
      await cta.locator('.tsr-why-btn').click();
      assert.equal(await cta.getByRole('button', { name: 'Show me general content instead' }).count(), 0);
    }
    assert.deepEqual(v.network.problems(), [], v.diagnose());
    assert.deepEqual(v.errors, []);
  });

  it('recognised through a signed email link: the salutation by name and the hero of the person\'s lifecycle stage', async (t) => {
    site.attrs = { ...ATTRS };
    // The person as Tessera knows her from earlier visits and forms, with consent to personalization.
    await write('/v1/identify', { userId: 'u-karoline', traits: { email: EMAIL, firstName: 'Karoline', lastName: 'Weber', salutation: 'Ms', company: 'Acme Industries' } });
    await write('/v1/consent', { userId: 'u-karoline', purposes: { analytics: true, personalization: true, profiling: true } });
    await eventually('the person is known', () => adminGet<{ traits: Record<string, unknown> }>(tessera.url, `/v1/profiles/${encodeURIComponent(EMAIL)}`),
      (p) => p.status === 200 && p.body.traits.lastName === 'Weber', () => tessera.output());
    const moved = await admin('POST', `/v1/profiles/${encodeURIComponent(EMAIL)}/lifecycle`, { stage: 'customer', note: 'signed the contract' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const minted = await admin('POST', '/v1/emails/links', { recipient: EMAIL, messageId: 'slots-newsletter-1', links: [{ url: site.url('www.acme.test', '/solutions'), identify: true }] });
    assert.equal(minted.status, 200, JSON.stringify(minted.body));
    const link = (minted.body.links as Array<{ href: string }>)[0]!.href;
    await new Promise((resolve) => setTimeout(resolve, HUMAN_DELAY_MS));

    const v = await newVisitor();
    t.after(() => v.context.close());
    await v.page.goto(link);
    await v.page.waitForURL((url) => url.pathname === '/solutions');
    await settled(v.page);
    assert.doesNotMatch(v.page.url(), /tsr=/);
    assert.equal(await shown(v.page, 'salutation'), 'Dear Ms Weber, good to see you.', v.diagnose());
    await slot(v.page, 'hero').getByText('Welcome back: what is new in Acme PLM 12').waitFor();
    const decided = v.network.requests.filter((r) => r.path === '/v1/decide');
    assert.equal(decided.length, 1);
    await shot(v.page, '5-recognised-by-email-link.png');

    // The next person on this machine, without the link: nothing personal.
    const next = await newVisitor();
    t.after(() => next.context.close());
    await next.page.goto(site.url('www.acme.test', '/solutions'));
    await settled(next.page);
    assert.equal(await shown(next.page, 'salutation'), 'Hello, good to see you.');
    assert.doesNotMatch(await next.page.content(), /Weber|Karoline/);
    assert.deepEqual(v.errors, []);
  });

  it('a frequency cap stops the fourth impression: three Slot Viewed counted, then the general CTA; clicks are Slot Clicked', async (t) => {
    site.attrs = { ...ATTRS };
    const v = await newVisitor();
    t.after(() => v.context.close());
    const visitor = await readSmartFactoryArticles(v.page, v.diagnose);
    const cta = slot(v.page, 'cta');
    let seenBeforeView = 0;
    for (let view = 1; view <= 3; view++) {
      seenBeforeView = v.decisions.length;
      await v.page.goto(site.url('www.acme.test', '/solutions'));
      await settled(v.page);
      await cta.getByText('Get the Smart Factory Playbook').waitFor();
      await eventually(`impression ${view} counted`, () => timelineOf(tessera.url, visitor), (ev) => slotEvents(ev, 'Slot Viewed', 'cta').length === view, v.diagnose);
    }
    const third = (await answerAfter(v, seenBeforeView)).decisions.cta!;
    await cta.getByRole('link', { name: 'Get the Smart Factory Playbook' }).click();
    await v.page.waitForURL((url) => url.pathname === '/whitepaper');
    const clicked = await eventually('Slot Clicked', () => timelineOf(tessera.url, visitor), (ev) => slotEvents(ev, 'Slot Clicked', 'cta').length === 1, v.diagnose);
    assert.deepEqual(slotEvents(clicked, 'Slot Clicked', 'cta')[0]!.properties, {
      slot: 'cta', variant: 'factory-playbook', decisionId: third.decisionId, ruleId: 'smart-factory-readers', url: site.url('www.acme.test', '/whitepaper'),
    });

    const seenBeforeFourth = v.decisions.length;
    await v.page.goto(site.url('www.acme.test', '/solutions'));
    await settled(v.page);
    await cta.getByRole('link', { name: 'Book a demo' }).waitFor();
    const fourth = (await answerAfter(v, seenBeforeFourth)).decisions.cta!;
    assert.equal(fourth.variant.id, 'demo', 'capped: the fourth impression is the general CTA');
    await shot(v.page, '6-capped-fourth-view.png');
    const timeline = await timelineOf(tessera.url, visitor);
    assert.equal(slotEvents(timeline, 'Slot Viewed', 'cta').filter((e) => e.properties.variant === 'factory-playbook').length, 3, 'three impressions of the capped variant, no more');
    assert.deepEqual(v.errors, []);
  });

  it('anti-flicker: with the answer later than data-slot-timeout, the default shows when the time is up and the late answer is ignored', async (t) => {
    // The bound is long enough for t-slots.js to load and ask before it on a busy machine (a module
    // that arrives after the bound does not ask at all, rightly: its answer could not be applied).
    site.attrs = { 'cookie-domain': 'acme.test', 'slot-timeout': '1000' };
    t.after(() => { site.attrs = { ...ATTRS }; });
    const v = await newVisitor();
    t.after(() => v.context.close());
    // When each slot is hidden and shown again, by the page's clock.
    await v.context.addInitScript({
      content: `window.__slotLog = [];
        new MutationObserver(function (records) {
          records.forEach(function (r) {
            var el = r.target;
            if (el.hasAttribute && el.hasAttribute('data-tessera-slot')) window.__slotLog.push([el.getAttribute('data-tessera-slot'), el.classList.contains('tsr-wait'), Math.round(performance.now())]);
          });
        }).observe(document, { attributes: true, attributeFilter: ['class'], subtree: true });`,
    });
    // Tessera's real answer, held back on the way until the page has shown the default (whatever
    // the machine's load, the answer arrives after the bound), and 300 ms longer.
    let held: DecideAnswer | null = null;
    let answeredAt = 0;
    await v.context.route(`${tessera.url}/v1/decide`, async (route) => {
      const response = await route.fetch();
      held = await response.json() as DecideAnswer;
      await v.page.waitForFunction(() => !document.querySelector('[data-tessera-slot="hero"]')?.classList.contains('tsr-wait'), undefined, { timeout: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.fulfill({ response });
      answeredAt = Date.now();
    });
    const batches: string[] = [];
    v.context.on('request', (r) => { if (r.url().startsWith(`${tessera.url}/v1/batch`)) batches.push(r.postData() ?? ''); });

    await v.page.goto(site.url('www.acme.test', '/solutions?utm_campaign=plm-guide'));
    await settled(v.page);
    const heroHtml = '<h1>Connected product data</h1><p>One model from design to service.</p>';
    assert.equal(await slot(v.page, 'hero').innerHTML(), heroHtml, 'the default, shown when the time was up');
    await eventually('the held answer delivered', async () => answeredAt, (at) => at > 0, v.diagnose);
    await v.page.waitForTimeout(500);
    assert.equal((held as DecideAnswer | null)?.decisions.hero?.variant.id, 'campaign', 'the late answer had other content');
    assert.equal(await slot(v.page, 'hero').innerHTML(), heroHtml, 'the late answer is not applied');
    assert.equal(await slot(v.page, 'hero').locator('.tsr-why').count(), 0);
    const log = await v.page.evaluate(() => (globalThis as unknown as { __slotLog: Array<[string, boolean, number]> }).__slotLog);
    // Changes of state only (setting a class that is already there is recorded too).
    const heroLog = log.filter(([id]) => id === 'hero').filter(([, hidden], i, all) => i === 0 || all[i - 1]![1] !== hidden);
    assert.deepEqual(heroLog.map(([, hidden]) => hidden), [true, false], `hidden once, shown once: ${JSON.stringify(heroLog)}`);
    const hiddenMs = heroLog[1]![2] - heroLog[0]![2];
    assert.ok(hiddenMs >= 950 && hiddenMs < 2_000, `hidden for about the timeout (1,000 ms): ${hiddenMs} ms`);
    await v.page.waitForTimeout(1_500);
    assert.ok(!batches.some((b) => b.includes('Slot Viewed')), 'nothing shown, nothing counted');
    await shot(v.page, '7-timeout-default-stays.png');
    assert.deepEqual(v.errors, []);
  });

  it('strict consent mode: before the visitor decides, no module and no decide call; the defaults show at once', async (t) => {
    site.attrs = { ...ATTRS, consent: 'strict' };
    t.after(() => { site.attrs = { ...ATTRS }; });
    const v = await newVisitor();
    t.after(() => v.context.close());
    await v.page.goto(site.url('www.acme.test', '/solutions?utm_campaign=plm-guide'));
    await trackerReady(v.page);
    await v.page.waitForTimeout(500);
    assert.equal(await slot(v.page, 'hero').locator('h1').innerText(), 'Connected product data');
    assert.equal(await v.page.locator('.tsr-wait').count(), 0, 'never hidden');
    assert.deepEqual(v.network.requests.filter((r) => r.path === '/t-slots.js' || r.path === '/v1/decide'), [], v.network.describe());
    assert.deepEqual(v.errors, []);
  });

  it('a single-page app decides again on every navigation, back included', async (t) => {
    site.attrs = { ...ATTRS, spa: 'true' };
    t.after(() => { site.attrs = { ...ATTRS }; });
    const v = await newVisitor();
    t.after(() => v.context.close());
    const hero = slot(v.page, 'hero');
    await v.page.goto(site.url('www.acme.test', '/app'));
    await settled(v.page);
    await hero.getByText('Connected product data, from design to service').waitFor();
    await v.page.click('text=App pricing');
    await hero.getByText('Plans for every team size').waitFor();
    assert.equal(await hero.getAttribute('data-view'), 'pricing', 'the element the app rendered for the new view');
    const calls = v.network.requests.filter((r) => r.path === '/v1/decide').length;
    assert.equal(calls, 2, `one call per view:\n${v.network.describe()}`);
    await shot(v.page, '8-spa-pricing-view.png');
    await v.page.goBack();
    await v.page.waitForURL((url) => url.pathname === '/app');
    await hero.getByText('Connected product data, from design to service').waitFor();
    assert.equal(v.network.requests.filter((r) => r.path === '/t-slots.js').length, 1, 'the module is loaded once');
    assert.deepEqual(v.errors, []);
  });
});
