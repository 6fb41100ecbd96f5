/**
 * Issue 19 §5, "done when": a new user starts Tessera as `npm start` does on a fresh machine (no
 * keys configured: the first start prints the write key and the one-time sign-in link), opens the
 * printed link, creates the administrator, creates a marketer in Settings → Users and roles, signs
 * out, and the marketer does the README's B2B tour in the browser, without curl:
 *  - Karoline visits Acme's site (a page with Tessera's tracker /t.js and the printed write key),
 *    accepts the cookie banner, reads the pricing page for a minute and a half, leaves her e-mail
 *    in the whitepaper form and downloads the smart-factory whitepaper twice;
 *  - the marketer finds her by e-mail in People and reads her timeline (pages with seconds);
 *  - builds "Smart factory readers" (Whitepaper Downloaded at least 2 times within 30 days) with the
 *    visual builder, watches the live count become 1, saves it and sees Karoline among its members;
 *  - sets up a personalization slot for that segment and views it as Karoline.
 * Every control is used by its label or role and is reachable by keyboard; axe-core checks every
 * screen; the marketer never sees an admin-only area. Screenshots: test-artifacts/admin/b2b-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { buildAdmin } from '../../admin/build.js';
import { buildTracker } from '../../web/tracker/build.js';
import { DEFAULT_HOLDOUT_SHARE, isInHoldout } from '../../src/core/experiments/holdout.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/tessera-under-test.js';
import { ARTIFACTS, checkAccessibility } from './admin-harness.js';
import { SITE_BROWSER_ARGS, startB2bSite, type B2bSite } from './b2b-site.js';

const skip = browserSkipReason();
const ADMIN = { name: 'Ada Admin', email: 'ada@acme.com', password: 'correct horse battery staple' };
const MARKETER = { name: 'Mia Marketer', email: 'mia@acme.com', password: 'marketing is a long game' };
const KAROLINE = { name: 'Karoline Kraft', email: 'karoline@acme.com', company: 'Acme GmbH' };
/** Karoline uses an ordinary desktop Chrome; headless Chromium announces itself as a machine. */
const PERSON_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
/** What the slot shows the segment's members. */
const FACTORY_TEASER = 'Hello {{traits.name | "there"}}, your smart factory checklist is ready.';

const dataDir = tempDir('tessera-b2b-');
let tessera: ServerProcess;
let site: B2bSite;
let browser: Browser;
let welcomeLink: string;
/** Karoline's anonymous id (the tracker's cookie): whether she is in the global holdout follows from it. */
let karolineDevice: string;
let writeKey: string;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  await Promise.all([buildAdmin(), buildTracker()]);
  // As `npm start` on a fresh machine: a new data folder, no keys given, the default settings.
  tessera = await startServerProcess({ dataDir: dataDir.path, seedKeys: false });
  const output = tessera.output();
  const link = /https?:\/\/\S+\/admin\/welcome\?token=\S+/.exec(output);
  const key = /write key \(public, for trackers and SDKs\): (wk_\S+)/.exec(output);
  assert.ok(link && key, `the first start prints the write key and the sign-in link:\n${output}`);
  welcomeLink = link[0];
  writeKey = key[1]!;
  site = await startB2bSite({ tesseraUrl: tessera.url, writeKey });
  browser = await launchChromium(undefined, SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  dataDir.remove();
});

async function newContext(options: { userAgent?: string } = {}): Promise<BrowserContext> {
  // CSP bypassed only so that the test can inject axe-core into the admin app.
  return browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 }, ...options });
}

const heading = () => page.locator('main h1');
const shot = (p: Page, name: string) => p.screenshot({ path: `${ARTIFACTS}b2b-${name}.png`, fullPage: true });
/** A screen once its requests have answered: saved as a screenshot and checked by axe-core. */
async function look(name: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.loading'));
  await shot(page, name);
  await checkAccessibility(page, `b2b-${name}`);
}

/** A control reached by keyboard: it takes the focus (in the tab order) and Enter activates it. */
async function press(control: Locator): Promise<void> {
  await control.focus();
  const reachable = await control.evaluate((el) => el === document.activeElement && (el as HTMLElement).tabIndex >= 0 && !(el as HTMLButtonElement).disabled);
  assert.ok(reachable, `${String(control)} is reachable by keyboard`);
  await page.keyboard.press('Enter');
}
/** Text typed into a labelled input, as a person does: focus, then the keys. */
async function type(input: Locator, text: string): Promise<void> {
  await input.focus();
  await input.fill('');
  await page.keyboard.type(text);
}

async function signIn(user: { email: string; password: string }): Promise<void> {
  await page.goto(`${tessera.url}/admin/`);
  await heading().filter({ hasText: 'Sign in to Tessera' }).waitFor();
  await type(page.getByLabel('E-mail address'), user.email);
  await type(page.getByLabel('Password'), user.password);
  await press(page.getByRole('button', { name: 'Sign in' }));
  await page.getByRole('navigation', { name: 'Areas' }).waitFor();
}

const nav = () => page.getByRole('navigation', { name: 'Areas' });

describe('the README\'s B2B tour, entirely in the browser', { skip, timeout: 600_000, concurrency: false }, () => {
  it('creates the first administrator through the link the first start printed', async () => {
    const context = await newContext();
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(welcomeLink);
    await heading().filter({ hasText: 'Welcome to Tessera' }).waitFor();
    await look('1-welcome');
    await type(page.getByLabel('Your name'), ADMIN.name);
    await type(page.getByLabel('E-mail address'), ADMIN.email);
    await type(page.getByLabel(/^Password/), ADMIN.password);
    await press(page.getByRole('button', { name: 'Create account and sign in' }));
    await nav().waitFor();
    await look('2-admin-home');
  });

  it('creates a marketer account in Settings → Users and roles, and signs out', async () => {
    await press(nav().getByRole('link', { name: 'Settings' }));
    await heading().filter({ hasText: 'Settings' }).waitFor();
    const form = page.getByRole('form', { name: 'Add a user' });
    await type(form.getByLabel('Name'), MARKETER.name);
    await type(form.getByLabel('E-mail address'), MARKETER.email);
    await form.getByLabel('Role').selectOption({ label: 'marketer' });
    await type(form.getByLabel(/^Initial password/), MARKETER.password);
    await press(form.getByRole('button', { name: 'Create user' }));
    await form.getByText(`${MARKETER.email} can sign in now.`).waitFor();
    await page.getByRole('table', { name: 'People who can sign in' }).getByRole('row', { name: new RegExp(MARKETER.name) }).waitFor();
    await look('3-settings-users');
    await press(page.getByRole('button', { name: 'Sign out' }));
    await page.getByText('You are signed out.').waitFor();
  });

  it('signs the marketer in, who sees the marketing areas and no admin-only one', async () => {
    await signIn(MARKETER);
    const areas = await nav().getByRole('link').allTextContents();
    assert.deepEqual(areas, ['Home & analytics', 'People', 'Segments', 'Scoring & lifecycle', 'Forms', 'Emails', 'Personalization', 'Experiments', 'Personas & audiences']);
    assert.match(await page.locator('.banner').innerText(), /Mia Marketer \(marketer\)/);
    await look('4-marketer-home');
    await page.goto(`${tessera.url}/admin/settings`);
    await heading().filter({ hasText: 'Not available for your role' }).waitFor();
    await page.goto(`${tessera.url}/admin/privacy`);
    await heading().filter({ hasText: 'Not available for your role' }).waitFor();
  });

  it('Karoline visits Acme\'s site: pricing, her e-mail in the whitepaper form, two downloads', async () => {
    const context = await newContext({ userAgent: PERSON_BROWSER });
    const visitor = await context.newPage();
    // Her reading time passes on the page's clock (the tracker measures visible time with it):
    // a minute and a half on pricing without the test waiting for it.
    await visitor.clock.install();
    await visitor.goto(site.url('/'));
    await visitor.getByRole('button', { name: 'Accept' }).click();
    await visitor.clock.fastForward(12_000);
    await visitor.getByRole('link', { name: 'Pricing' }).click();
    await visitor.getByRole('heading', { name: 'Pricing' }).waitFor();
    await visitor.clock.fastForward(95_000);
    await shot(visitor, '5-site-pricing');
    await visitor.getByRole('link', { name: 'Whitepaper' }).click();
    await visitor.getByLabel('Your name').fill(KAROLINE.name);
    await visitor.getByLabel('Business e-mail').fill(KAROLINE.email);
    await visitor.getByLabel('Company').fill(KAROLINE.company);
    await visitor.getByRole('button', { name: 'Get the whitepaper' }).click();
    const download = visitor.getByRole('link', { name: 'Download the whitepaper (PDF)' });
    await download.click();
    await shot(visitor, '6-site-whitepaper');
    await visitor.clock.fastForward(40_000);
    // She downloads it once more (for a colleague), then goes back to the home page.
    await download.click();
    await visitor.clock.fastForward(5_000);
    await visitor.getByRole('link', { name: 'Home' }).click();
    await visitor.getByRole('heading', { name: 'Acme makes factories smart' }).waitFor();
    await visitor.waitForLoadState('networkidle');
    const device = (await context.cookies()).find((c) => c.name === 'tsr_aid');
    assert.ok(device, 'the tracker keeps her anonymous id in its cookie once she accepted');
    karolineDevice = device.value;
    await context.close();
  });

  it('finds Karoline by e-mail in People and reads her visits with the seconds on each page', async () => {
    await press(nav().getByRole('link', { name: 'People' }));
    await heading().filter({ hasText: 'People' }).waitFor();
    await type(page.getByLabel('Find people'), KAROLINE.email);
    await page.keyboard.press('Enter');
    const result = page.getByRole('link', { name: KAROLINE.name });
    await result.waitFor({ timeout: 60_000 });
    await look('7-people-search');
    await press(result);
    await heading().filter({ hasText: KAROLINE.name }).waitFor();
    const visit = page.locator('.story li.visit').first();
    // Events are processed a moment after the tracker sent them: as a person would, reload the
    // person until the visit is complete (its last page and the time on the whitepaper page in).
    for (let attempt = 0; ; attempt++) {
      await visit.waitFor();
      const text = await visit.innerText();
      if ((text.match(/Whitepaper Downloaded/g) ?? []).length === 2 && (text.match(/Acme – Smart Factory/g) ?? []).length === 2 && !/≈/.test(text)) break;
      assert.ok(attempt < 40, `the visit is complete within 40 reloads:\n${text}`);
      await page.waitForLoadState('networkidle');
      await page.reload();
      await heading().filter({ hasText: KAROLINE.name }).waitFor();
    }
    const pages = await visit.locator('.pages li:not(.action)').allInnerTexts();
    assert.equal(pages.length, 4, pages.join('\n'));
    assert.match(pages[0]!, /Acme – Smart Factory[\s\S]*1\d(\.\d)? s on the page/, pages.join('\n'));
    assert.match(pages[1]!, /Pricing[\s\S]*1 min 3\d s on the page/, pages.join('\n'));
    assert.match(pages[2]!, /Whitepaper: the smart factory[\s\S]*4\d(\.\d)? s on the page/, pages.join('\n'));
    // What she did sits where she did it: both downloads on the whitepaper page, before she went home.
    const steps = (await visit.locator('.pages li').allInnerTexts()).map((x) => x.replace(/\s+/g, ' '));
    assert.deepEqual(steps.map((x) => /Whitepaper Downloaded/.test(x) ? 'download' : /Whitepaper:/.test(x) ? 'whitepaper' : /Pricing/.test(x) ? 'pricing' : 'home'),
      ['home', 'pricing', 'whitepaper', 'download', 'download', 'home'], steps.join('\n'));
    assert.match(await page.locator('.story').innerText(), /Identified as karoline@acme\.com/);
    await look('8-person');
    assert.equal(await page.getByRole('button', { name: 'Erase this person…' }).count(), 0, 'a marketer cannot erase');
  });

  it('builds "Smart factory readers" with the visual builder, watches the live count, saves it, sees Karoline as a member', async () => {
    await press(nav().getByRole('link', { name: 'Segments' }));
    await heading().filter({ hasText: 'Segments' }).waitFor();
    await look('9-segments-empty');
    await press(page.getByRole('link', { name: 'New segment' }));
    await heading().filter({ hasText: 'New segment' }).waitFor();
    await type(page.getByLabel('Name', { exact: true }), 'Smart factory readers');
    const rule = page.getByRole('group', { name: 'Did an event' });
    await type(rule.getByLabel('Event name'), 'Whitepaper Downloaded');
    const live = page.locator('.live-count strong');
    await type(rule.getByLabel('Within'), '30d');
    // Nobody downloaded it three times; Karoline did twice: the count follows as the rule changes.
    await type(rule.getByLabel('At least (times)'), '3');
    await live.filter({ hasText: /^0$/ }).waitFor();
    await type(rule.getByLabel('At least (times)'), '2');
    await live.filter({ hasText: /^1$/ }).waitFor();
    assert.match(await page.locator('.live').innerText(), /Karoline Kraft/, 'the example names who matches');
    await look('10-segment-builder');
    await press(page.getByRole('button', { name: 'Create segment' }));
    await heading().filter({ hasText: 'Smart factory readers' }).waitFor();
    assert.match(await page.locator('.readable').innerText(), /Whitepaper Downloaded/);
    const member = page.getByRole('table', { name: /Members/ }).getByRole('link', { name: KAROLINE.name });
    await member.waitFor({ timeout: 60_000 });
    // The page follows the computing of the members until it is done.
    await page.getByText('Computing members: complete').waitFor({ timeout: 60_000 });
    await look('11-segment');
  });

  it('sets up a personalization slot for the segment and views it as Karoline', async () => {
    await press(nav().getByRole('link', { name: 'Personalization' }));
    await heading().filter({ hasText: 'Personalization' }).waitFor();
    await look('12-personalization');
    await press(page.getByRole('link', { name: 'New slot' }));
    await heading().filter({ hasText: 'New slot' }).waitFor();
    await type(page.getByLabel('Slot id'), 'hero');
    await type(page.getByLabel('Name', { exact: true }).first(), 'Homepage hero');
    await type(page.getByRole('group', { name: /^Variant 1/ }).getByLabel('Body', { exact: true }), 'Welcome to Acme');
    await press(page.getByRole('button', { name: 'Add a variant' }));
    const v2 = page.getByRole('group', { name: /^Variant 2/ });
    await type(v2.getByLabel('Body', { exact: true }), FACTORY_TEASER);
    await press(page.getByRole('button', { name: 'Add a rule' }));
    const rule1 = page.getByRole('group', { name: /^Rule 1/ });
    await rule1.getByLabel('Shows variant').selectOption('v2');
    const condition = rule1.getByRole('group', { name: /^Profile condition/ });
    // The rule's condition starts as a trait: its type is changed in place.
    await condition.getByLabel('Checks').selectOption({ label: 'In segment' });
    await condition.getByLabel('Segment', { exact: true }).selectOption({ label: 'Smart factory readers' });
    await look('13-slot-editor');
    await press(page.getByRole('button', { name: 'Create slot' }));
    await page.getByText('Saved (version 1).').waitFor();
    await press(page.getByRole('link', { name: 'View as' }));
    await heading().filter({ hasText: 'View “Homepage hero” as…' }).waitFor();
    await type(page.getByLabel('Find a person'), KAROLINE.email);
    await page.keyboard.press('Enter');
    await press(page.getByRole('button', { name: `Choose ${KAROLINE.name}` }));
    await page.getByText(`Chosen: ${KAROLINE.name}`).waitFor();
    await press(page.getByRole('button', { name: 'Show what they would see' }));
    const seen = page.getByRole('region', { name: 'What they would see' });
    await seen.locator('.variant-render').first().waitFor();
    // She has no user id, so her anonymous id decides whether she is among the 5 % held out from all
    // personalization (a fresh id each run). Held out, she sees the default, and the screen says so and
    // shows what the rules would show her outside the holdout.
    const heldOut = isInHoldout({ holdoutShare: DEFAULT_HOLDOUT_SHARE }, karolineDevice);
    assert.equal(await seen.getByRole('status').filter({ hasText: 'Karoline Kraft is in the global holdout' }).count(), heldOut ? 1 : 0, `held out: ${heldOut}`);
    const byRules = heldOut ? seen.getByRole('region', { name: 'What the rules would show outside the holdout' }) : seen;
    assert.match(await byRules.locator('.variant-render').first().innerText(), /Hello Karoline Kraft, your smart factory checklist is ready\./, await seen.innerText());
    assert.match(await byRules.innerText(), /From rule rule-1/);
    await look('14-slot-view-as');
    assert.deepEqual(pageErrors, []);
  });
});
