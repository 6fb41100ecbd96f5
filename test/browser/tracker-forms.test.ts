/**
 * Tessera forms rendered by /t.js in headless Chromium, against a real Tessera process:
 * - the whitepaper form is accessible HTML (every control labelled, required marked), usable with
 *   the keyboard alone; errors are announced in the live region, marked aria-invalid and focused;
 *   the submission becomes traits with the form as their source and shows the thank-you;
 * - pre-fill appears only for the visitor the site's server recognised (data-recognition bound to
 *   that visitor's id), masked, with "Not you?" (which resets the visitor and the form); a second
 *   browser given the same token sees nothing personal.
 * Screenshots go to test-artifacts/tracker-forms/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { buildTracker } from '../../web/tracker/build.js';
import { adminGet, eventually, timelineOf, watchPageErrors, watchTessera } from './browser-harness.js';
import { adminPost, ASSESSMENT_FORM, createForm, WHITEPAPER_FORM } from './lead-forms.js';
import { trackerReady } from './tracker-helpers.js';
import { startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'tracker-forms');
const skip = browserSkipReason();
const dataDir = tempDir('tessera-forms-browser-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildTracker();
  tessera = await startServerProcess({ dataDir: dataDir.path });
  await createForm(tessera.url, WHITEPAPER_FORM);
  await createForm(tessera.url, ASSESSMENT_FORM);
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  site.forms = { whitepaper: WHITEPAPER_FORM.id, second: ASSESSMENT_FORM.id };
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  dataDir.remove();
});

interface Profile { traits: Record<string, unknown>; traitSources: Record<string, { source: string }> }

const formReady = (page: Page) => page.waitForSelector('form.tsr-form', { timeout: 30_000 });
/** The text box whose accessible name is `name` (the required marker is aria-hidden). */
const box = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

describe('forms rendered by the tracker', { skip, timeout: 180_000 }, () => {
  it('is labelled, keyboard-usable, announces errors, and submits answers as traits from the form', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off' };
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    t.after(() => context.close());
    const network = watchTessera(context, tessera.url);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(site.url('www.acme.test', '/whitepaper'));
    const id = await trackerReady(page);
    await formReady(page);
    assert.equal(await page.locator('.fallback').count(), 0, 'the fallback content is replaced');
    await page.evaluate(async () => {
      const t = (globalThis as unknown as { tessera: { form(id: string, el: Element): Promise<void> } }).tessera;
      await t.form('whitepaper', document.querySelector('[data-tessera-form]')!);
    });
    const renders = network.requests.filter((r) => r.path === `/v1/forms/${WHITEPAPER_FORM.id}/render`);
    assert.equal(renders.length, 1, `a second mount of the same container is ignored:\n${network.describe()}`);

    // Every control has its label; required fields say so to assistive technology.
    for (const label of ['First name', 'Work email', 'Company']) {
      const control = page.getByRole('textbox', { name: label, exact: true });
      assert.equal(await control.count(), 1, `one control labelled "${label}"`);
      assert.equal(await control.evaluate((e) => (e as HTMLInputElement).required), true);
    }
    assert.equal(await box(page, 'Work email').getAttribute('type'), 'email');
    assert.equal(await box(page, 'Work email').getAttribute('autocomplete'), 'email');
    const live = page.locator('form.tsr-form [aria-live]');
    assert.equal(await live.getAttribute('role'), 'status');
    await page.screenshot({ path: join(ARTIFACTS, '1-whitepaper-form.png'), fullPage: true });

    // Submitting empty: the errors are announced, marked and focused.
    await page.getByRole('button', { name: 'Send me the guide' }).click();
    await page.waitForFunction(() => (document.querySelector('.tsr-status')?.textContent ?? '') !== '');
    assert.match(await live.innerText(), /Please correct the marked fields:.*First name/);
    assert.equal(await box(page, 'First name').getAttribute('aria-invalid'), 'true');
    const firstId = await box(page, 'First name').getAttribute('id');
    assert.equal(await focusedId(page), firstId, 'focus moves to the first field in error');
    const describedBy = (await box(page, 'First name').getAttribute('aria-describedby')) ?? '';
    assert.notEqual(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText(), '', 'the error text describes the field');
    await page.screenshot({ path: join(ARTIFACTS, '2-whitepaper-errors.png'), fullPage: true });

    // The keyboard alone: type, Tab, type, Tab, type, Enter.
    await page.keyboard.type('Karoline');
    await page.keyboard.press('Tab');
    await page.keyboard.type('karoline.weber@acme-industries'); // the browser accepts it; Tessera does not
    await page.keyboard.press('Tab');
    await page.keyboard.type('Acme Industries');
    await page.keyboard.press('Enter');
    // The server's per-field error lands on its field, announced and focused.
    await page.waitForFunction(() => /Work email/.test(document.querySelector('.tsr-status')?.textContent ?? ''));
    assert.match(await live.innerText(), /Work email: Must be an email address/);
    assert.equal(await box(page, 'Work email').getAttribute('aria-invalid'), 'true');
    assert.equal(await box(page, 'First name').getAttribute('aria-invalid'), null, 'fixed fields are no longer marked');
    assert.equal(await focusedId(page), await box(page, 'Work email').getAttribute('id'));
    await page.screenshot({ path: join(ARTIFACTS, '2b-whitepaper-server-error.png'), fullPage: true });
    await page.keyboard.press('End');
    await page.keyboard.type('.com');
    await page.keyboard.press('Enter');
    await page.getByText('Thank you! The guide is on its way to your inbox.').waitFor();
    assert.equal(await page.locator('.tsr-thanks').evaluate((e) => e === document.activeElement), true, 'the thank-you takes the focus');
    await page.screenshot({ path: join(ARTIFACTS, '3-whitepaper-thanks.png'), fullPage: true });

    const diagnose = () => `${errors.join('\n')}\n${tessera.output()}`;
    const profile = await eventually('the answers on the profile', () => adminGet<Profile>(tessera.url, `/v1/profiles/${id}`),
      (p) => p.status === 200 && p.body.traits.company === 'Acme Industries', diagnose);
    assert.deepEqual({ firstName: profile.body.traits.firstName, email: profile.body.traits.email },
      { firstName: 'Karoline', email: 'karoline.weber@acme-industries.com' });
    for (const key of ['firstName', 'email', 'company']) assert.equal(profile.body.traitSources[key]?.source, `form:${WHITEPAPER_FORM.id}`, key);
    const names = (await timelineOf(tessera.url, id)).map((e) => e.event).filter(Boolean);
    for (const name of ['Form Viewed', 'Form Started', 'Form Submitted']) assert.ok(names.includes(name), `${name} on the timeline: ${names.join(', ')}`);
    // Chromium logs the expected 400 of the refused email; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  });

  it('pre-fills, masked, only for the visitor the site recognised; "Not you?" starts over; another browser with the token sees nothing personal', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off' };
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    t.after(() => context.close());
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(site.url('www.acme.test', '/pricing'));
    const id = await trackerReady(page);
    // The site's own server: it reads the visitor's tsr_aid cookie and asks Tessera for a token.
    const recognised = await adminPost<{ recognition: string }>(tessera.url, '/v1/recognitions', { anonymousId: id, email: 'jonas.berg@acme-industries.com' });
    assert.equal(recognised.status, 200, JSON.stringify(recognised.body));
    site.attrs = { ...site.attrs, recognition: recognised.body.recognition };

    await page.goto(site.url('www.acme.test', '/next-step'));
    await formReady(page);
    const greeting = await page.locator('.tsr-recognized').innerText();
    assert.match(greeting, /Welcome back, j\*+@acme-industries\.com/);
    assert.doesNotMatch(await page.content(), /jonas\.berg/, 'the address never reaches the page in clear');
    const email = box(page, 'Work email');
    assert.equal(await email.getAttribute('readonly'), '');
    assert.match(await email.inputValue(), /^j\*+@/);
    const asked = await page.locator('.tsr-field').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    assert.equal(asked.length, 3, `the email and two new questions: ${asked.join(', ')}`);
    await page.screenshot({ path: join(ARTIFACTS, '4-assessment-prefilled.png'), fullPage: true });

    // Another browser with the same token (bound to the first visitor's id): nothing personal.
    const other = await browser.newContext();
    t.after(() => other.close());
    const otherPage = await other.newPage();
    await otherPage.goto(site.url('www.acme.test', '/next-step'));
    await formReady(otherPage);
    assert.equal(await otherPage.locator('.tsr-recognized').count(), 0);
    assert.equal(await otherPage.locator('.tsr-prefilled').count(), 0);
    assert.doesNotMatch(await otherPage.content(), /acme-industries/);

    // "Not you?": a new visitor on this device, and the form without anything known.
    await page.getByRole('button', { name: 'Not you?' }).click();
    await page.waitForFunction(() => document.querySelector('.tsr-recognized') === null && document.querySelector('form.tsr-form') !== null);
    assert.equal(await page.locator('.tsr-prefilled').count(), 0);
    const newId = await page.evaluate(() => (globalThis as unknown as { tessera: { anonymousId(): string } }).tessera.anonymousId());
    assert.notEqual(newId, id);
    assert.equal((await context.cookies()).find((c) => c.name === 'tsr_aid')?.value, newId);
    await page.screenshot({ path: join(ARTIFACTS, '5-assessment-not-you.png'), fullPage: true });

    // The new visitor declines the first question ("Prefer not to say") and answers the rest.
    const questions = (await page.locator('.tsr-field').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).filter((k) => k !== 'email');
    assert.equal(questions.length, 2, questions.join(', '));
    const [declinedKey, answeredKey] = questions as [string, string];
    const declinedLabel = await page.locator(`.tsr-field[data-key="${declinedKey}"] :is(label, legend)`).first().innerText();
    await page.getByRole('checkbox', { name: `Prefer not to say: ${declinedLabel}` }).check();
    assert.equal(await page.locator(`.tsr-field[data-key="${declinedKey}"] :is(input:not(.tsr-decline), select)`).first().isDisabled(), true, 'a declined question is disabled');
    await box(page, 'Work email').fill('mia.kurz@acme-industries.com');
    const answered = page.locator(`.tsr-field[data-key="${answeredKey}"]`);
    if (await answered.locator('select').count()) await answered.locator('select').selectOption({ index: 1 });
    else if (await answered.locator('input[type=radio]').count()) await answered.locator('input[type=radio]').first().check();
    else await answered.locator('input').first().fill('12');
    await page.getByRole('button', { name: 'Get my assessment' }).click();
    await page.waitForSelector('.tsr-thanks, .tsr-form[data-form] .tsr-field', { timeout: 30_000 });
    const mia = await eventually('the declined question on the profile', () => adminGet<Profile & { declined: Record<string, unknown> }>(tessera.url, '/v1/profiles/mia.kurz@acme-industries.com'),
      (p) => p.status === 200 && Object.hasOwn(p.body.declined ?? {}, declinedKey), () => tessera.output());
    assert.ok(mia.body.traits[answeredKey] !== undefined, `${answeredKey} answered`);
    assert.equal(mia.body.traits[declinedKey], undefined, `${declinedKey} declined, not answered`);

    // The other browser started the form and left: counted as abandoned (sent by beacon).
    await box(otherPage, 'Work email').fill('someone@example.com');
    const otherId = await trackerReady(otherPage);
    await otherPage.goto(site.url('www.acme.test', '/pricing'));
    await eventually('Form Abandoned', () => timelineOf(tessera.url, otherId), (ev) => ev.some((e) => e.event === 'Form Abandoned'), () => tessera.output());
    assert.deepEqual(errors, []);
  });

  it('on a kiosk: no recognition even with a token, the device never linked to the person, a fresh visitor after each submission', async (t) => {
    site.attrs = { 'cookie-domain': 'acme.test', consent: 'off', kiosk: '' };
    const context = await browser.newContext();
    t.after(() => context.close());
    const network = watchTessera(context, tessera.url);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(site.url('www.acme.test', '/whitepaper?tsr=a-token-from-someones-email'));
    const before = await trackerReady(page);
    await formReady(page);
    assert.ok(!network.requests.some((r) => r.path === '/v1/recognize'), network.describe());
    await box(page, 'First name').fill('Lena');
    await box(page, 'Work email').fill('lena.vogt@acme-industries.com');
    await box(page, 'Company').fill('Acme Industries');
    await page.getByRole('button', { name: 'Send me the guide' }).click();
    await page.getByText('Thank you! The guide is on its way to your inbox.').waitFor();
    const afterId = await page.evaluate(() => (globalThis as unknown as { tessera: { anonymousId(): string } }).tessera.anonymousId());
    assert.notEqual(afterId, before, 'the next person at the kiosk is a new visitor');
    assert.equal((await context.cookies()).find((c) => c.name === 'tsr_aid')?.value, afterId);
    const lena = await eventually('the kiosk answers on the profile', () => adminGet<Profile & { identities: Array<{ kind: string; value: string }> }>(tessera.url, '/v1/profiles/lena.vogt@acme-industries.com'),
      (p) => p.status === 200 && p.body.traits.company === 'Acme Industries', () => tessera.output());
    assert.ok(!lena.body.identities.some((i) => i.value === before), 'the kiosk device id is not linked to the person');
    assert.deepEqual(errors, []);
  });
});
