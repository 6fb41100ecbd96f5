/**
 * The Privacy and Forms screens of the admin app in headless Chromium against a real Tessera
 * process (SQLite), used as the privacy officer and the marketer would: the privacy officer reads
 * and filters the audit log, changes a purpose's retention (a bad value is refused at its cell),
 * downloads a person's export and erases a person after a confirmation naming what goes; the
 * marketer designs a progressive form (a mistake first, refused at its input) and sees what it asks
 * a new and a known visitor, copies the embed snippet and reads the drop-off report; an analyst
 * reads Privacy without its actions; keyboard-only use; axe-core on every new screen; screenshots
 * in test-artifacts/admin/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminGet, eventually } from '../browser/browser-harness.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { ARTIFACTS, checkAccessibility, startAdminServer } from './admin-harness.js';
import type { ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';

const skip = browserSkipReason();
const PASSWORD = 'correct horse battery staple';
const USERS = {
  privacy_officer: { name: 'Petra Privacy', email: 'petra@tessera.test' },
  marketer: { name: 'Mia Marketer', email: 'mia@tessera.test' },
  analyst: { name: 'Anton Analyst', email: 'anton@tessera.test' },
} as const;

const dataDir = tempDir('tessera-admin-privacy-forms-');
let tessera: ServerProcess;
let browser: Browser;

async function call(method: string, path: string, body?: unknown, auth = `Bearer ${ADMIN_KEY}`): Promise<unknown> {
  const res = await fetch(`${tessera.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: auth }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function seed(): Promise<void> {
  const at = (s: number) => new Date(Date.now() - 86_400_000 + s * 1000).toISOString();
  await call('POST', '/v1/batch', { batch: [
    { type: 'identify', anonymousId: 'k-anon', userId: 'u-karoline', timestamp: at(0), traits: { email: 'karoline@acme.com', name: 'Karoline Kraft', company: 'Acme GmbH' } },
    { type: 'page', anonymousId: 'e-anon', timestamp: at(5), properties: { url: 'https://acme.com/', path: '/', title: 'Acme' } },
    { type: 'identify', anonymousId: 'e-anon', userId: 'u-erwin', timestamp: at(10), traits: { email: 'erwin@acme.com', name: 'Erwin Erase', city: 'Kiel' } },
  ] }, basicAuth(WRITE_KEY));
  for (const [role, u] of Object.entries(USERS)) await call('POST', '/v1/users', { ...u, role, password: PASSWORD });
  // A form with views, for the drop-off report.
  await call('POST', '/v1/forms', {
    id: 'whitepaper', name: 'Whitepaper download', alwaysShow: ['email'], maxNewQuestions: 1,
    fields: [
      { key: 'email', type: 'email', label: { en: 'E-mail' }, required: true, purpose: 'necessary', role: 'email', weight: 10 },
      { key: 'company', type: 'text', label: { en: 'Company' }, purpose: 'necessary', role: 'company', weight: 6 },
    ],
  });
  await call('PUT', '/v1/lists/newsletter', { name: 'Smart factory newsletter', purpose: 'email_marketing', wording: 'Yes, send me the monthly smart factory newsletter.' });
  await call('PUT', '/v1/surveys/interest', { name: 'What interests you?', questions: [{ id: 'topic', prompt: 'Which topic matters most?', trait: 'topic', options: [{ value: 'energy', label: 'Energy' }, { value: 'quality', label: 'Quality' }] }] });
  for (const visitor of ['v1', 'v2', 'v3']) {
    const res = await fetch(`${tessera.url}/v1/forms/whitepaper/render?anonymousId=${visitor}`, { headers: { authorization: basicAuth(WRITE_KEY) } });
    assert.equal(res.status, 200, await res.text());
  }
  await eventually('Karoline and Erwin', () => adminGet(tessera.url, '/v1/profiles/erwin%40acme.com'), (r) => r.status === 200, () => tessera.output());
  await eventually('Karoline', () => adminGet<{ traits: Record<string, unknown> }>(tessera.url, '/v1/profiles/karoline%40acme.com'), (r) => r.status === 200 && r.body.traits.company === 'Acme GmbH', () => tessera.output());
}

before(async () => {
  if (skip) return;
  ({ tessera } = await startAdminServer(dataDir.path));
  await seed();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await tessera?.stop();
  dataDir.remove();
});

async function newPage(t: { after(fn: () => Promise<void>): void }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}
const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const heading = (page: Page) => page.locator('main h1');
const settled = (page: Page) => page.waitForFunction(() => !document.querySelector('.loading'));

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${tessera.url}/admin/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Areas' }).waitFor();
}


/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(page: Page, test: () => boolean, what: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

describe('the Privacy and Forms screens in Chromium', { skip, timeout: 300_000, concurrency: false }, () => {
  it('the privacy officer reads and filters the audit log', async (t) => {
    const { page, errors } = await newPage(t);
    await signIn(page, USERS.privacy_officer.email);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Privacy' }).click();
    await heading(page).filter({ hasText: 'Privacy' }).waitFor();
    await settled(page);
    await page.getByRole('navigation', { name: 'Privacy screens' }).getByRole('link', { name: 'Audit log' }).click();
    await heading(page).filter({ hasText: 'Audit log' }).waitFor();
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const all = await rows.count();
    assert.ok(all >= 4, `the log has the seed's entries (users created, the form created): ${all}`);
    await shot(page, 'privacy-audit');
    await checkAccessibility(page, 'privacy-audit');

    await page.getByLabel('Action').selectOption('user.create');
    await eventually('only user.create rows', async () => rows.locator('th').allInnerTexts(), (a) => a.length === 3 && a.every((x) => x === 'user.create'), () => '');
    assert.match(page.url(), /action=user\.create/, 'the filter is in the address');
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Who').fill('petra@tessera.test');
    await eventually('only Petra\'s rows', async () => rows.locator('td:nth-child(2)').allInnerTexts(), (a) => a.length > 0 && a.every((x) => x.includes('petra@tessera.test')), () => '');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From (day)').fill(tomorrow);
    await page.getByText('No entry matches the filters.').waitFor();
    await shot(page, 'privacy-audit-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually('all rows again', async () => rows.count(), (n) => n >= all, () => '');
    assert.deepEqual(errors, []);
  });

  it('the privacy officer changes a retention period: a bad value is refused at its cell, nothing typed is lost', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, USERS.privacy_officer.email);
    await page.goto(`${tessera.url}/admin/privacy`);
    await heading(page).filter({ hasText: 'Privacy' }).waitFor();
    await settled(page);
    const days = page.getByLabel('Kept (days): analytics');
    await days.fill('0');
    await page.getByLabel('Name: analytics').fill('Site analytics');
    await page.getByRole('button', { name: 'Save purposes' }).click();
    await page.locator('.cell.invalid input[aria-invalid="true"]').waitFor();
    assert.equal(await days.getAttribute('aria-invalid'), 'true', 'the reason is at the retention cell of analytics');
    assert.equal(await page.getByLabel('Name: analytics').inputValue(), 'Site analytics');
    await shot(page, 'privacy-purposes-error');
    await days.fill('200');
    await page.getByRole('button', { name: 'Save purposes' }).click();
    await page.getByText('Saved.').waitFor();
    const settings = await adminGet<{ purposes: Array<{ key: string; name: string; retentionDays: number }> }>(tessera.url, '/v1/privacy/settings');
    const analytics = settings.body.purposes.find((p) => p.key === 'analytics');
    assert.deepEqual([analytics?.name, analytics?.retentionDays], ['Site analytics', 200]);

    await page.getByRole('button', { name: 'Run retention now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run retention now?' });
    await dialog.getByRole('button', { name: 'Delete what is past its time' }).click();
    await page.getByText(/Retention ran from/).waitFor();
    await shot(page, 'privacy');
    await checkAccessibility(page, 'privacy');
  });

  it('the privacy officer finds a person, downloads the export and erases them after a confirmation naming what goes', async (t) => {
    const { page, errors } = await newPage(t);
    await signIn(page, USERS.privacy_officer.email);
    await page.goto(`${tessera.url}/admin/privacy`);
    await heading(page).filter({ hasText: 'Privacy' }).waitFor();
    await page.getByLabel('Find the person').fill('erwin@acme.com');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const row = page.locator('table.data tbody tr').filter({ hasText: 'Erwin Erase' });
    await row.waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download export/ }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
    assert.match(JSON.stringify(exported), /erwin@acme\.com/, 'the export holds the person');

    await row.getByRole('button', { name: /Erase/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase Erwin Erase?' });
    await dialog.waitFor();
    await dialog.locator('p').filter({ hasText: 'erwin@acme.com' }).waitFor();
    const says = await dialog.innerText();
    for (const id of ['erwin@acme.com', 'u-erwin', 'e-anon']) assert.ok(says.includes(id), `the confirmation names ${id}:\n${says}`);
    await shot(page, 'privacy-erase-confirm');
    await checkAccessibility(page, 'privacy-erase-confirm');
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByText('Erwin Erase was erased.').waitFor();
    assert.equal((await adminGet(tessera.url, '/v1/profiles/erwin%40acme.com')).status, 404, 'the profile is gone');
    const done = page.locator('section[aria-labelledby="requests-h"] table.compact');
    await eventually('the requests carried out', async () => done.innerText(), (s) => s.includes('profile.erase') && s.includes('profile.export'), () => tessera.output());
    await settled(page);
    await shot(page, 'privacy-after-erase');
    assert.deepEqual(errors, []);
  });

  it('works by keyboard alone: find a person, open the erase confirmation, Escape cancels', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, USERS.privacy_officer.email);
    await page.goto(`${tessera.url}/admin/privacy`);
    await heading(page).filter({ hasText: 'Privacy' }).waitFor();
    await settled(page);
    await tabTo(page, () => document.activeElement?.getAttribute('name') === 'q', 'the search input');
    await page.keyboard.type('karoline@acme.com');
    await page.keyboard.press('Enter');
    await page.locator('table.data tbody tr').filter({ hasText: 'Karoline Kraft' }).waitFor();
    await tabTo(page, () => document.activeElement?.textContent === 'Erase…', 'the Erase button');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Erase Karoline Kraft?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the focus starts on Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await adminGet(tessera.url, '/v1/profiles/karoline%40acme.com')).status, 200, 'Karoline is still there');
  });

  it('an analyst reads Privacy without its actions', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, USERS.analyst.email);
    await page.goto(`${tessera.url}/admin/privacy?q=karoline%40acme.com`);
    await page.locator('table.data tbody tr').filter({ hasText: 'Karoline Kraft' }).waitFor();
    await settled(page);
    assert.equal(await page.getByRole('button', { name: /Erase/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Run retention now' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save purposes' }).count(), 0);
    await page.getByText('Your role may read these settings but not change them.').waitFor();
    await shot(page, 'privacy-analyst');
  });

  it('the marketer designs a progressive form and sees it as a new and as a known visitor', async (t) => {
    const { context, page, errors } = await newPage(t);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tessera.url });
    await signIn(page, USERS.marketer.email);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Forms' }).click();
    await heading(page).filter({ hasText: 'Forms' }).waitFor();
    await page.getByRole('link', { name: 'Whitepaper download' }).waitFor();
    await shot(page, 'forms');
    await checkAccessibility(page, 'forms');

    await page.getByRole('link', { name: 'New form' }).click();
    await heading(page).filter({ hasText: 'New form' }).waitFor();
    await page.getByLabel('Id', { exact: true }).fill('assessment');
    await page.getByLabel('Name', { exact: true }).fill('Smart factory assessment');
    await page.getByLabel('New questions per view').fill('1');
    // The pool: e-mail (always shown) is there; add company, role and budget.
    const add = async (n: number, key: string, label: string, role: string, weight: string, type = 'text') => {
      await page.getByRole('button', { name: 'Add a field' }).click();
      const field = page.locator('fieldset.pool-field').nth(n - 1);
      await field.getByLabel('Trait (key)').fill(key);
      await field.getByLabel('Type').selectOption(type);
      await field.getByLabel('Label', { exact: true }).fill(label);
      await field.getByLabel('Tells about').selectOption(role);
      await field.getByLabel('Weight (0–10)').fill(weight);
      return field;
    };
    await add(2, 'company', 'Company', 'company', '8');
    const jobRole = await add(3, 'job_role', 'Your role', 'role', '6', 'select');
    await add(4, 'budget', 'Budget', 'budget', '4');
    // A mistake: the select has no choices yet. The API's reason shows at its input; nothing is lost.
    await page.getByRole('button', { name: 'Create form' }).click();
    await jobRole.locator('textarea[aria-invalid="true"]').waitFor();
    await shot(page, 'form-designer-error');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Smart factory assessment');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'the focus is on the invalid input');
    await jobRole.getByLabel(/^Choices/).fill('lead = Team lead\nhead = Head of production\nceo = Managing director');
    await page.getByRole('button', { name: 'Create form' }).click();
    await page.waitForURL(/\/admin\/forms\/assessment/);
    await page.getByText('Form saved.').waitFor();
    await heading(page).filter({ hasText: 'Smart factory assessment' }).waitFor();

    // As a new visitor: the e-mail (always) and the one best question.
    const preview = page.locator('section[aria-labelledby="preview-h"]');
    await preview.getByText(/Asks 2 question/).waitFor();
    const asked = await preview.locator('.preview-form label').allInnerTexts();
    assert.equal(asked.length, 2, `two questions: ${asked.join(' | ')}`);
    assert.match(asked[0]!, /E-mail/);
    await settled(page);
    await shot(page, 'form-designer');
    await checkAccessibility(page, 'form-designer');

    // As Karoline, whose e-mail and company are known: neither is asked again.
    await preview.getByRole('button', { name: 'As a known visitor' }).click();
    await preview.getByLabel('Known visitor (any identifier)').fill('karoline@acme.com');
    await preview.getByRole('button', { name: 'Show' }).click();
    await preview.getByText('Not asked').waitFor();
    const skipped = await preview.locator('ul.plain').innerText();
    assert.match(skipped, /Company: already known/);
    const known = await preview.locator('.preview-form label').allInnerTexts();
    assert.ok(!known.some((l) => /Company/.test(l)), `the known company is not asked: ${known.join(' | ')}`);
    await shot(page, 'form-preview-known');
    await checkAccessibility(page, 'form-preview-known');

    // The embed snippet, copied.
    const snippet = await page.locator('pre.snippet').innerText();
    assert.match(snippet, /data-tessera-form="assessment"/);
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);

    // A change is saved and the preview follows: two new questions per view.
    await page.getByLabel('New questions per view').fill('2');
    await page.getByRole('button', { name: 'Save form' }).click();
    await page.getByText('Form saved.').waitFor();
    await preview.getByRole('button', { name: 'As a new visitor' }).click();
    await preview.getByText(/Asks 3 question/).waitFor();
    const stored = await adminGet<{ maxNewQuestions: number; fields: Array<{ key: string }>; alwaysShow: string[] }>(tessera.url, '/v1/forms/assessment');
    assert.deepEqual([stored.body.maxNewQuestions, stored.body.fields.map((f) => f.key), stored.body.alwaysShow], [2, ['email', 'company', 'job_role', 'budget'], ['email']]);
    assert.deepEqual(errors, []);
  });

  it('the drop-off report shows views per field with bars', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, USERS.marketer.email);
    await page.goto(`${tessera.url}/admin/forms/whitepaper`);
    await heading(page).filter({ hasText: 'Whitepaper download' }).waitFor();
    const report = page.locator('section[aria-labelledby="report-h"]');
    await report.getByText(/3 views/).waitFor();
    const email = report.locator('tbody tr').filter({ hasText: 'email' }).first();
    assert.match(await email.innerText(), /E-mail\s+email\s+3/);
    assert.ok(await report.locator('.bar > span').count() >= 2, 'drop-off bars');
    await settled(page);
    await shot(page, 'form-report');
    await checkAccessibility(page, 'form-report');
  });

  it('the marketer adds an e-mail list (a mistake first), reads survey results and the signed links', async (t) => {
    const { page, errors } = await newPage(t);
    await signIn(page, USERS.marketer.email);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Emails' }).click();
    await heading(page).filter({ hasText: 'Emails' }).waitFor();
    await page.getByRole('rowheader', { name: /Smart factory newsletter/ }).waitFor();
    const survey = page.locator('section[aria-labelledby="surveys-h"]');
    await survey.getByText('Which topic matters most?').waitFor();
    assert.equal(await survey.locator('tbody tr').count(), 2, 'both answers of the survey with their counts');
    const lists = page.locator('section[aria-labelledby="lists-h"]');
    await lists.getByLabel('Name', { exact: true }).fill('Events');
    await lists.getByRole('button', { name: 'Save list' }).click();
    await lists.locator('input[aria-invalid="true"]').waitFor();
    await lists.getByLabel('Id', { exact: true }).fill('events');
    await lists.getByRole('button', { name: 'Save list' }).click();
    await lists.getByText('List events saved.').waitFor();
    assert.equal((await adminGet<{ name: string }>(tessera.url, '/v1/lists/events')).body.name, 'Events');
    const links = page.locator('section[aria-labelledby="links-h"]');
    await links.getByLabel('Domains clicks may redirect to').fill('acme.com\nnot a domain');
    await links.getByRole('button', { name: 'Save domains' }).click();
    await links.locator('textarea[aria-invalid="true"]').waitFor();
    await links.getByLabel('Domains clicks may redirect to').fill('acme.com');
    await links.getByRole('button', { name: 'Save domains' }).click();
    await links.getByText('Saved.').waitFor();
    await settled(page);
    await shot(page, 'emails');
    await checkAccessibility(page, 'emails');
    assert.deepEqual(errors, []);
  });

  it('reads in German', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, USERS.privacy_officer.email);
    await page.evaluate(() => localStorage.setItem('tessera.lang', 'de'));
    await page.goto(`${tessera.url}/admin/privacy`);
    await heading(page).filter({ hasText: 'Datenschutz' }).waitFor();
    await page.getByRole('heading', { name: 'Zwecke und Rechtsgrundlagen' }).waitFor();
    await settled(page);
    await shot(page, 'privacy-de');
    await checkAccessibility(page, 'privacy-de');
  });
});
