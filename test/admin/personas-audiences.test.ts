/**
 * The Personas & audiences area of the admin app in headless Chromium against a real Tessera
 * process (SQLite), seeded through the real collection API: three groups of visitors with their own
 * reading habits, each with profiling consent and an e-mail address, two of three with advertising
 * consent. A marketer runs a fit from the screen and follows its progress, reads the generated
 * labels with their evidence, renames and pins a persona (kept after a reload), creates an audience
 * of that persona (a bad probability refused at its input first, nothing typed lost), downloads its
 * Meta export and finds only hashed rows, then reads the counts of the export (people excluded for
 * lack of advertising consent). In German; an analyst sees everything without the actions; axe-core
 * finds no serious or critical violation; each screen is saved to test-artifacts/admin/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminGet, eventually } from '../browser/browser-harness.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { adminCall, ARTIFACTS, checkAccessibility, createFirstAdmin, startAdminServer } from './admin-harness.js';
import type { ServerProcess } from '../support/server-process.js';
import { basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';

const skip = browserSkipReason();
const PASSWORD = 'correct horse battery staple';
const ADMIN = { name: 'Ada Admin', email: 'ada@tessera.test' };
const ANALYST = { name: 'Anna Analyst', email: 'anna@tessera.test' };

const dataDir = tempDir('tessera-admin-personas-');
let tessera: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

const DAY = 86_400_000;
const GROUPS = [
  { name: 'factory', hour: 20, pages: ['factory/robots', 'factory/plc', 'factory/mes'] },
  { name: 'energy', hour: 8, pages: ['energy/solar', 'energy/grid'] },
  { name: 'pricing', hour: 14, pages: ['pricing/plans', 'pricing/compare', 'pricing/faq', 'pricing/contact'] },
];
const PER_GROUP = 25;
const advertising = (i: number) => i % 3 !== 0;

const call = (method: string, path: string, body?: unknown) => adminCall(tessera.url, method, path, body);
async function collect(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${tessera.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body: JSON.stringify(body) });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.text()}`);
}

async function seed(): Promise<void> {
  const start = Math.floor(Date.now() / DAY) * DAY - 5 * DAY; // midnight UTC: the hours of the groups are their local habits
  for (const [gi, g] of GROUPS.entries()) {
    const batch: unknown[] = [];
    for (let i = 0; i < PER_GROUP; i++) {
      const anonymousId = `${g.name}-${i}`;
      batch.push({ type: 'identify', anonymousId, traits: { email: `${g.name}.${i}@example.com`, country: 'DE' }, timestamp: new Date(start).toISOString() });
      for (const [pi, path] of g.pages.entries()) {
        for (const day of [0, 1]) {
          batch.push({ type: 'page', anonymousId, properties: { url: `https://x.test/${path}`, path: `/${path}` }, timestamp: new Date(start + day * DAY + g.hour * 3_600_000 + pi * 60_000 + i * 1000 + gi).toISOString() });
        }
      }
    }
    await collect('/v1/batch', { batch });
    for (let i = 0; i < PER_GROUP; i++) {
      await collect('/v1/consent', { anonymousId: `${g.name}-${i}`, purposes: { profiling: true, advertising: advertising(i) }, channel: 'banner' });
    }
  }
  await eventually('every planted visitor', () => adminGet<{ id: string }>(tessera.url, `/v1/profiles/pricing-${PER_GROUP - 1}`), (r) => r.status === 200, () => tessera.output());
  await call('PUT', '/v1/personas/definition', { categories: ['factory', 'energy', 'pricing'] });
}

before(async () => {
  if (skip) return;
  let welcomeUrl: string;
  ({ tessera, welcomeUrl } = await startAdminServer(dataDir.path));
  await seed();
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await createFirstAdmin(page, welcomeUrl, ADMIN, PASSWORD);
  // After the first administrator (the welcome link works only while there is nobody).
  await call('POST', '/v1/users', { name: ANALYST.name, email: ANALYST.email, role: 'analyst', password: PASSWORD });
});
after(async () => {
  await browser?.close();
  await tessera?.stop();
  dataDir.remove();
});

const shot = (p: Page, name: string) => p.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
async function look(p: Page, name: string): Promise<void> {
  await p.waitForFunction(() => !document.querySelector('.loading'));
  await shot(p, name);
  await checkAccessibility(p, name);
}

/** The persona whose evidence says "more factory content" (found through the API). */
async function factoryPersona(): Promise<string> {
  const list = await adminGet<{ personas: Array<{ id: string; distinguishing: Array<{ feature: string; effectSize: number }> }> }>(tessera.url, '/v1/personas');
  const effect = (p: (typeof list.body.personas)[number]) => p.distinguishing.find((e) => e.feature === 'category:factory')?.effectSize ?? 0;
  const best = [...list.body.personas].sort((a, b) => effect(b) - effect(a))[0];
  assert.ok(best && effect(best) > 0, JSON.stringify(list.body));
  return best.id;
}

describe('the Personas & audiences area in Chromium', { skip, timeout: 300_000, concurrency: false }, () => {
  it('runs a fit with its progress and shows the personas with their labels, sizes and evidence', async () => {
    await page.getByRole('link', { name: 'Personas & audiences' }).click();
    await page.locator('main h1').filter({ hasText: 'Personas & audiences' }).waitFor();
    await page.getByText('No personas yet. Run a fit').waitFor();
    await look(page, 'personas-empty');
    // Keyboard: the fit button is reached and pressed without a mouse.
    await page.getByRole('button', { name: 'Run a fit' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/The fit is done: model version 1\./).waitFor({ timeout: 120_000 });
    const cards = page.locator('section.persona');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 3, 'three planted groups, three personas');
    // Generated labels, sizes and shares; every persona at least the k-anonymity minimum.
    const sizes = page.getByRole('table', { name: 'Every persona’s share of the fitted sample' });
    const rows = await sizes.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    for (const row of rows) {
      const [, size] = row.split('\t');
      assert.ok(Number(size) >= 20, `persona size ${row}`);
      assert.match(row, /%/);
    }
    const factory = cards.filter({ has: page.locator(`h2 code`, { hasText: await factoryPersona() }) });
    const evidence = await factory.locator('table.evidence tbody tr').allInnerTexts();
    assert.ok(evidence.some((r) => /factory/i.test(r) && /\+/.test(r)), `the factory persona's evidence: ${evidence.join(' | ')}`);
    assert.ok((await page.locator('.persona-sizes svg[role="img"] circle').count()) === 3, 'a circle per persona');
    // The map: a circle per persona where the API's projection puts it, the axes named by their features.
    const map = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Map of the personas' }) });
    assert.equal(await map.locator('svg[role="img"] circle').count(), 3);
    await map.getByText(/^→ Axis 1 \(\d+ % of the differences\): (more|less) /).waitFor();
    const projection = (await call('GET', '/v1/personas') as { projection: { points: Array<{ id: string; x: number }> } }).projection;
    const positions = await map.getByRole('table', { name: 'Position of each persona on the map' }).locator('tbody tr').allInnerTexts();
    for (const point of projection.points) {
      const row = positions.find((r) => r.includes(point.id));
      assert.ok(row?.split('\t')[2] === point.x.toLocaleString('en-GB', { maximumFractionDigits: 2 }), `${point.id} at ${point.x}: ${row}`);
    }
    await look(page, 'personas');
  });

  it('renames, describes and pins a persona; the label stays after a reload', async () => {
    const id = await factoryPersona();
    const card = page.locator('section.persona').filter({ has: page.locator('h2 code', { hasText: id }) });
    await card.getByRole('button', { name: /^Rename or describe:/ }).click();
    const form = card.getByRole('form', { name: `Label of ${id}` });
    await form.getByLabel('Name', { exact: true }).fill('');
    await form.getByRole('button', { name: 'Save label' }).click();
    await form.locator('.field.invalid').first().waitFor();
    assert.equal(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true', 'an empty name is refused at its input');
    await form.getByLabel('Name', { exact: true }).fill('Evening engineers');
    await form.getByLabel('Description').fill('Read factory pages after work.');
    await form.getByLabel(/Pin the name/).check();
    await look(page, 'personas-rename');
    await form.getByRole('button', { name: 'Save label' }).click();
    await page.getByText('Evening engineers saved.').waitFor();
    await page.waitForFunction((h) => document.activeElement?.id === h, `persona-${id}`);
    await page.reload();
    const renamed = page.locator('section.persona').filter({ hasText: 'Evening engineers' });
    await renamed.waitFor();
    assert.match(await renamed.innerText(), /pinned/);
    assert.match(await renamed.innerText(), /Read factory pages after work\./);
    const api = await adminGet<{ personas: Array<{ id: string; name: string; pinned: boolean }> }>(tessera.url, '/v1/personas');
    assert.deepEqual(api.body.personas.filter((p) => p.id === id).map((p) => [p.name, p.pinned]), [['Evening engineers', true]]);
  });

  it('creates an audience of the persona and downloads its Meta export with hashed rows only', async () => {
    await page.getByRole('link', { name: 'Audiences', exact: true }).click();
    await page.getByText('No audiences yet.').waitFor();
    await look(page, 'audiences-empty');
    const form = page.getByRole('form', { name: 'New audience' });
    await form.getByLabel('Name', { exact: true }).fill('Evening engineers for ads');
    await form.getByLabel('A persona').check();
    await form.getByLabel('Persona', { exact: true }).selectOption({ label: await form.getByLabel('Persona', { exact: true }).locator('option', { hasText: 'Evening engineers' }).innerText() });
    await form.getByLabel(/^Least probability/).fill('2');
    await form.getByRole('button', { name: 'Create audience' }).click();
    const probability = form.getByLabel(/^Least probability/);
    await page.waitForFunction(() => document.querySelector('input[name="source.persona.minProbability"]')?.getAttribute('aria-invalid') === 'true');
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'Evening engineers for ads', 'nothing typed is lost');
    await shot(page, 'audiences-refused');
    await probability.fill('0.7');
    await form.getByRole('button', { name: 'Create audience' }).click();
    await page.getByText('Audience “Evening engineers for ads” created.').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Evening engineers for ads' });
    assert.match(await row.innerText(), /persona “Evening engineers” with a probability of at least 70 %/);
    assert.match(await row.innerText(), /Not exported yet/);

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /^Download Meta export of/ }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    assert.equal(csv[0], 'email,phone,fn,ln,zip,country');
    const body = csv.slice(1);
    // The factory group: 25 people, two of three with advertising consent.
    const expected = Array.from({ length: PER_GROUP }, (_, i) => i).filter(advertising).length;
    assert.equal(body.length, expected, `one row per person with advertising consent:\n${csv.join('\n')}`);
    for (const line of body) {
      const [email] = line.split(',');
      assert.match(email!, /^[0-9a-f]{64}$/, `hashed: ${line}`);
      assert.ok(!line.includes('@'), line);
    }
    await row.getByText(new RegExp(`Meta, full .*: ${expected} rows, ${PER_GROUP - expected} excluded without advertising consent`)).waitFor({ timeout: 15_000 });
    // The changes since that export are offered now.
    await row.getByLabel('Export', { exact: true }).selectOption('changes');
    assert.match(await row.getByRole('link', { name: /^Download Meta export of/ }).getAttribute('href') ?? '', /since=/);
    await look(page, 'audiences');
  });

  it('reads in German', async () => {
    await page.getByLabel('Language').selectOption('de');
    await page.locator('main h1').filter({ hasText: 'Personas & Zielgruppen' }).waitFor();
    await page.getByRole('heading', { name: 'Zielgruppen für Werbeplattformen' }).waitFor();
    await page.getByText(/ohne Werbeeinwilligung ausgeschlossen/).first().waitFor();
    await page.getByText('Zielgruppe „Evening engineers for ads“ angelegt.').waitFor();
    await look(page, 'audiences-de');
    await page.getByRole('link', { name: 'Personas', exact: true }).click();
    await page.getByRole('heading', { name: 'Das Persona-Modell' }).waitFor();
    await page.getByRole('button', { name: 'Training starten' }).waitFor();
    await look(page, 'personas-de');
    await page.getByLabel('Sprache').selectOption('en');
  });

  it('shows an analyst the personas and audiences without the actions', async () => {
    const analyst = await (await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } })).newPage();
    analyst.on('pageerror', (e) => errors.push(e.message));
    await analyst.goto(`${tessera.url}/admin/sign-in?next=/personas`);
    await analyst.getByLabel('E-mail address').fill(ANALYST.email);
    await analyst.getByLabel('Password').fill(PASSWORD);
    await analyst.getByRole('button', { name: 'Sign in' }).click();
    await analyst.locator('section.persona').filter({ hasText: 'Evening engineers' }).waitFor();
    assert.equal(await analyst.getByRole('button', { name: 'Run a fit' }).count(), 0);
    assert.equal(await analyst.getByRole('button', { name: /^Rename or describe/ }).count(), 0);
    await analyst.goto(`${tessera.url}/admin/personas/audiences`);
    await analyst.getByText('Your role may read audiences but not create').waitFor();
    assert.equal(await analyst.getByRole('link', { name: /^Download/ }).count(), 0);
    assert.equal(await analyst.getByRole('form', { name: 'New audience' }).count(), 0);
    await look(analyst, 'audiences-analyst');
    await analyst.context().close();
    assert.deepEqual(errors, [], 'no script error in the pages');
  });
});
