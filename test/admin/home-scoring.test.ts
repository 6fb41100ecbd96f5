/**
 * The Home (analytics) and Scoring & lifecycle screens of the admin app in headless Chromium
 * against a real Tessera process (SQLite). Traffic is sent through the collection API (real page
 * views with referrers, campaign tags and user agents), and the dashboard must show what was sent:
 * the page views tile, the top pages, a click on a page row filtering every figure to that page,
 * the real-time visitors, a sortable breakdown (aria-sort). Scoring: an engagement rule created
 * (refused first, the API's reasons at their inputs, nothing lost), edited and deleted; a lifecycle
 * rule created; people counted per stage. A viewer sees the welcome and reads the rules without
 * buttons. German; axe-core on every screen; screenshots in test-artifacts/admin/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminGet, eventually } from '../browser/browser-harness.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { adminCall, ARTIFACTS, checkAccessibility, collectBatch, createFirstAdmin, startAdminServer } from './admin-harness.js';
import type { ServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/tessera-under-test.js';

const skip = browserSkipReason();
const PASSWORD = 'correct horse battery staple';
const ADMIN = { name: 'Ada Admin', email: 'ada@tessera.test' };
const VIEWER = { name: 'Vera Viewer', email: 'vera@tessera.test' };
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const dataDir = tempDir('tessera-admin-home-');
let tessera: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

const call = (method: string, path: string, body?: unknown) => adminCall(tessera.url, method, path, body);
const collect = (batch: unknown[]) => collectBatch(tessera.url, batch);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const view = (who: string, m: number, path: string, extra: { referrer?: string; search?: string; ua?: string } = {}) => ({
  type: 'page', anonymousId: who, timestamp: minutesAgo(m),
  properties: { url: `https://acme.example${path}${extra.search ?? ''}`, path, ...(extra.search ? { search: extra.search } : {}), ...(extra.referrer ? { referrer: extra.referrer } : {}) },
  context: { userAgent: extra.ua ?? DESKTOP, locale: 'de-DE' },
});

/** 6 page views by 6 visitors in the last minutes; 3 of them on /pricing, 2 on /. */
const SENT = { pageviews: 6, pricing: 3 };

async function seed(): Promise<void> {
  const campaign = '?utm_source=newsletter&utm_medium=email&utm_campaign=spring-launch';
  await collect([
    view('v0', 4, '/pricing', { referrer: 'https://www.google.com/search?q=acme' }),
    view('v1', 4, '/pricing', { search: campaign }),
    view('v2', 3, '/'),
    view('v3', 2, '/blog/smart-factory', { referrer: 'https://news.example.org/story' }),
    view('v4', 2, '/pricing', { search: campaign }),
    view('v5', 1, '/', { ua: PHONE }),
  ]);
  await eventually('the page views counted', () => adminGet<{ metrics: { pageviews: number } }>(tessera.url, '/v1/analytics/metric'),
    (r) => r.status === 200 && r.body.metrics.pageviews === SENT.pageviews, () => tessera.output());
  // A lifecycle rule, so that a known person is in a stage when people are counted.
  await call('PUT', '/v1/lifecycle', { rules: [{ id: 'subscriber', to: 'subscriber', when: { trait: 'email', op: 'exists' } }] });
  await collect([{ type: 'identify', userId: 'u-karoline', timestamp: minutesAgo(1), traits: { email: 'karoline@acme.com', name: 'Karoline Kraft' } }]);
  await eventually('Karoline a subscriber', () => adminGet<{ stage: string | null }>(tessera.url, '/v1/profiles/karoline%40acme.com/lifecycle'),
    (r) => r.status === 200 && r.body.stage === 'subscriber', () => tessera.output());
}

before(async () => {
  if (skip) return;
  let welcomeUrl: string;
  ({ tessera, welcomeUrl } = await startAdminServer(dataDir.path));
  await seed();
  browser = await launchChromium();
  context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await createFirstAdmin(page, welcomeUrl, ADMIN, PASSWORD);
  // After the first administrator (the welcome link works only while there is no user).
  await call('POST', '/v1/users', { ...VIEWER, role: 'viewer', password: PASSWORD });
});
after(async () => {
  await browser?.close();
  await tessera?.stop();
  dataDir.remove();
});

const heading = (p: Page = page) => p.locator('main h1');
const shot = (name: string, p: Page = page) => p.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
async function look(name: string, p: Page = page): Promise<void> {
  await p.waitForFunction(() => !document.querySelector('.loading'));
  await shot(name, p);
  await checkAccessibility(p, name);
}
const tile = (metric: string) => page.locator(`.kpis li[data-metric="${metric}"] .tile-value`);
const panel = (title: string) => page.locator('section.card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

describe('the Home and Scoring & lifecycle screens in Chromium', { skip, timeout: 300_000, concurrency: false }, () => {
  it('shows the traffic that was sent, and filters every figure by a clicked breakdown row', async () => {
    await page.goto(`${tessera.url}/admin/`);
    await heading().filter({ hasText: 'Home & analytics' }).waitFor();
    await tile('pageviews').filter({ hasText: String(SENT.pageviews) }).waitFor();
    await page.locator('canvas').first().waitFor();
    // The chart is drawn (Chart.js is a chunk loaded with it): some pixels are not blank.
    await page.waitForFunction(() => {
      const c = document.querySelector('canvas');
      const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      return !!data && data.some((v, i) => i % 4 === 3 && v > 0);
    });
    const pages = panel('Top pages');
    await pages.getByRole('button', { name: 'Filter by /pricing' }).waitFor();
    assert.equal(await pages.locator('tbody tr').first().locator('th').textContent(), '/pricing', 'the most viewed page first');
    assert.equal((await pages.locator('tbody tr').first().locator('td').nth(1).textContent())?.trim(), String(SENT.pricing));
    await panel('UTM campaigns').getByRole('button', { name: 'Filter by spring-launch' }).waitFor();
    await panel('Devices').getByRole('button', { name: 'Filter by Mobile' }).waitFor();
    const live = page.locator('.realtime-count strong');
    await live.waitFor();
    assert.equal(await live.textContent(), '6', 'six visitors in the last five minutes');
    await look('home');

    // Sorting by a column: aria-sort follows, the order turns.
    const pageviewsHeader = pages.locator('thead th').nth(2);
    await pageviewsHeader.getByRole('button').click();
    assert.equal(await pageviewsHeader.getAttribute('aria-sort'), 'descending');
    await pageviewsHeader.getByRole('button').click();
    assert.equal(await pageviewsHeader.getAttribute('aria-sort'), 'ascending');
    assert.notEqual(await pages.locator('tbody tr').first().locator('th').textContent(), '/pricing', 'ascending puts /pricing last');

    // A click on the row (not only its button) adds the filter.
    await pages.locator('tbody tr').filter({ hasText: '/pricing' }).locator('td').first().click();
    await page.waitForURL(/page=%2Fpricing/);
    await tile('pageviews').filter({ hasText: new RegExp(`^${SENT.pricing}$`) }).waitFor();
    await page.getByRole('button', { name: 'Remove filter Page: /pricing' }).waitFor();
    await panel('Referrers').getByText(/Not available while a filter on Page/).waitFor();
    await look('home-filtered');
    // By keyboard: the filter goes with its chip's button.
    await page.getByRole('button', { name: 'Remove filter Page: /pricing' }).focus();
    await page.keyboard.press('Enter');
    await tile('pageviews').filter({ hasText: new RegExp(`^${SENT.pageviews}$`) }).waitFor();

    // By keyboard: Enter on a row's button adds its filter too.
    await panel('Devices').getByRole('button', { name: 'Filter by Mobile' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/device=mobile/);
    await tile('pageviews').filter({ hasText: /^1$/ }).waitFor();
    await page.getByRole('button', { name: 'Remove filter Device: mobile' }).click();
    await tile('pageviews').filter({ hasText: new RegExp(`^${SENT.pageviews}$`) }).waitFor();

    // Today and a custom range.
    await page.getByRole('button', { name: 'Today' }).click();
    await page.waitForURL(/range=today/);
    await page.locator('main h2', { hasText: 'Traffic per hour' }).waitFor();
    await look('home-today');
    await page.getByRole('button', { name: 'Custom…' }).click();
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-07');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('heading', { name: 'No traffic in this range' }).waitFor();
    await look('home-empty');
    assert.deepEqual(errors, []);
  });

  it('creates, edits and deletes a scoring rule; a refused save says why at the inputs and keeps what was typed', async () => {
    await page.goto(`${tessera.url}/admin/scoring`);
    await heading().filter({ hasText: 'Scoring & lifecycle' }).waitFor();
    await page.getByText(/No engagement rules yet/).waitFor();
    await look('scoring-empty');
    await page.getByRole('button', { name: 'Add an engagement rule' }).click();
    const editor = page.locator('form.rule-editor');
    await editor.getByLabel('Rule id').fill('White Paper');
    await editor.getByLabel('Event or page name').fill('Whitepaper Downloaded');
    await editor.getByLabel('Points').fill('0');
    await editor.getByRole('button', { name: 'Add a filter' }).click();
    await editor.getByLabel('Property').fill('topic');
    await editor.getByLabel('Operator').selectOption('gt');
    await editor.getByLabel('Value').fill('smart factory');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await editor.locator('.field.invalid').first().waitFor();
    const errorOf = (label: string) => editor.locator('.field.invalid').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.error');
    assert.match(await errorOf('Rule id').textContent() ?? '', /lower-case/);
    assert.match(await errorOf('Points').textContent() ?? '', /must not be 0/);
    assert.match(await errorOf('Value').textContent() ?? '', /must be a number/);
    assert.equal(await editor.getByLabel('Event or page name').inputValue(), 'Whitepaper Downloaded', 'nothing typed is lost');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true', 'the focus is on the first invalid input');
    await shot('scoring-errors');
    await checkAccessibility(page, 'scoring-errors');
    await editor.getByLabel('Rule id').fill('whitepaper');
    await editor.getByLabel('Points').fill('10');
    await editor.getByLabel('Operator').selectOption('equals');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('Rule “whitepaper” saved.').waitFor();
    const table = panel('Engagement rules').locator('table');
    await table.locator('tbody tr', { hasText: 'Whitepaper Downloaded' }).locator('td', { hasText: '+10' }).waitFor();
    const stored = await call('GET', '/v1/scoring') as { engagement: { rules: Array<{ id: string; points: number; where: unknown[] }> } };
    assert.deepEqual(stored.engagement.rules.map((r) => [r.id, r.points, r.where]), [['whitepaper', 10, [{ property: 'topic', op: 'equals', value: 'smart factory' }]]]);

    // Edit: points to 15.
    await page.getByRole('button', { name: 'Edit Whitepaper Downloaded' }).click();
    await editor.getByLabel('Points').fill('15');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await table.locator('td', { hasText: '+15' }).waitFor();

    // A fit rule and a lifecycle rule.
    await page.getByRole('button', { name: 'Add a fit rule' }).click();
    await editor.getByLabel('Rule id').fill('decision-maker');
    await editor.getByLabel('Trait').fill('role');
    await editor.getByLabel('Operator').selectOption('in');
    await editor.getByLabel('Value').fill('CTO, CEO');
    await editor.getByLabel('Points').fill('20');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await panel('Fit rules').locator('td', { hasText: 'role is one of “CTO”, “CEO”' }).waitFor();
    await page.getByRole('button', { name: 'Add a lifecycle rule' }).click();
    await editor.getByLabel('Rule id').fill('mql');
    await editor.getByLabel('Moves to').selectOption('marketing_qualified');
    await editor.getByLabel('Value').fill('50');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await panel('Lifecycle rules').locator('td', { hasText: 'engagement ≥ 50' }).waitFor();

    // People per stage: Karoline is the one subscriber.
    await page.getByRole('button', { name: 'Count people' }).click();
    const perStage = page.locator('table', { has: page.locator('caption', { hasText: 'People per lifecycle stage' }) });
    await perStage.locator('tbody tr', { hasText: 'Subscriber' }).locator('td').first().filter({ hasText: /^1$/ }).waitFor();
    await look('scoring');

    // The stages: a new one refused for its key first, then saved and moved up by keyboard.
    await page.getByRole('button', { name: 'Edit stages' }).click();
    const stages = page.locator('form.rule-editor');
    await stages.getByLabel('Label of stage 2').fill('Lead (known)');
    await stages.getByRole('button', { name: 'Add a stage' }).click();
    await stages.getByLabel('Key of stage 8').fill('Champion');
    await stages.getByLabel('Label of stage 8').fill('Champion');
    await stages.getByRole('button', { name: 'Save stages' }).click();
    await stages.locator('.field.invalid').filter({ has: page.getByLabel('Key of stage 8') }).getByText(/lower_snake_case/).waitFor();
    assert.equal(await stages.getByLabel('Label of stage 2').inputValue(), 'Lead (known)', 'nothing typed is lost');
    await stages.getByLabel('Key of stage 8').fill('champion');
    await stages.getByRole('button', { name: 'Move stage 8 up' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Move stage 7 up');
    await stages.getByRole('button', { name: 'Save stages' }).click();
    await page.getByText('Stages saved.').waitFor();
    await page.getByText(/Lead \(known\) → .* → Opportunity → Champion → Customer/).waitFor();
    const lifecycle = await call('GET', '/v1/lifecycle') as { stages: Array<{ key: string }> };
    assert.deepEqual(lifecycle.stages.map((x) => x.key).slice(-3), ['opportunity', 'champion', 'customer']);

    // Delete, after a confirmation.
    await page.getByRole('button', { name: 'Delete Whitepaper Downloaded' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Rule “Whitepaper Downloaded” deleted.').waitFor();
    await page.getByText(/No engagement rules yet/).waitFor();
    const after = await call('GET', '/v1/scoring') as { engagement: { rules: unknown[] }; fit: { rules: unknown[] } };
    assert.equal(after.engagement.rules.length, 0);
    assert.equal(after.fit.rules.length, 1, 'the other rules stay');
    assert.deepEqual(errors, []);
  });

  it('previews what a person would score with an unsaved rule, and shows the stage funnel', async () => {
    await collect([1, 2, 3].map((i) => ({ type: 'track', userId: 'u-karoline', event: 'Webinar Attended', timestamp: minutesAgo(1 - i / 10) })));
    await eventually('the webinars stored', () => adminGet<{ events: Array<{ event?: string }> }>(tessera.url, '/v1/profiles/karoline%40acme.com/events?limit=50'),
      (r) => r.status === 200 && r.body.events.filter((e) => e.event === 'Webinar Attended').length === 3, () => tessera.output());
    await page.goto(`${tessera.url}/admin/scoring`);
    await page.getByRole('heading', { name: 'Engagement rules' }).waitFor();
    await page.getByRole('button', { name: 'Add an engagement rule' }).click();
    const editor = page.locator('form.rule-editor');
    await editor.getByLabel('Rule id').fill('webinar');
    await editor.getByLabel('Event or page name').fill('Webinar Attended');
    await editor.getByLabel('Points').fill('ten');
    await editor.getByLabel('Person').fill('karoline@acme.com');
    await editor.getByRole('button', { name: 'Preview score' }).click();
    // The unsaved rule's mistake is named at its input, as on a save.
    await editor.locator('.field.invalid').filter({ has: page.getByLabel('Points', { exact: true }) }).locator('.error').getByText(/number/).waitFor();
    await editor.getByLabel('Points').fill('20');
    // Enter in the person's input previews; it does not save the rule.
    await editor.getByLabel('Person').press('Enter');
    const result = editor.locator('.preview-result');
    await result.getByText('Scores of karoline@acme.com with this rule').waitFor();
    const row = result.locator('tbody tr', { hasText: '(this rule)' });
    assert.deepEqual(await row.locator('td').allTextContents(), ['Engagement', '3', '60', '0'], 'three webinars at 20 points, none now');
    await result.getByText(/Engagement 60 points \(now 0\)/).waitFor();
    await result.getByText('With these rules the person would move:').waitFor();
    await result.locator('.preview-moves li', { hasText: 'Subscriber → Marketing qualified lead' }).waitFor();
    await look('scoring-preview');
    const stored = await call('GET', '/v1/scoring') as { engagement: { rules: unknown[] } };
    assert.equal(stored.engagement.rules.length, 0, 'a preview saves nothing');
    await editor.getByLabel('Person').fill('nobody@acme.com');
    await editor.getByRole('button', { name: 'Preview score' }).click();
    await editor.locator('.field.invalid').getByText('No person is known by “nobody@acme.com”.').waitFor();
    await editor.getByRole('button', { name: 'Cancel' }).click();

    // The stage funnel: Karoline's first stage in the period, then with the people counted now.
    const funnel = panel('Stage funnel');
    const perStage = funnel.locator('table', { has: page.locator('caption', { hasText: 'Moves per stage, last 30 days' }) });
    assert.deepEqual(await perStage.locator('tbody tr', { hasText: 'Subscriber' }).locator('td').allTextContents(), ['1', '0']);
    const moves = funnel.locator('table', { has: page.locator('caption', { hasText: 'Moves between stages' }) });
    assert.deepEqual(await moves.locator('tbody tr').first().locator('th, td').allTextContents(), ['(first stage)', 'Subscriber', '1', '1']);
    await page.getByRole('button', { name: 'Count people' }).click();
    await perStage.locator('thead th', { hasText: 'People now' }).waitFor();
    await funnel.getByRole('img', { name: /with the people in each stage now/ }).waitFor();
    await funnel.getByLabel('Period').selectOption('7');
    await funnel.locator('caption', { hasText: 'Moves per stage, last 7 days' }).waitFor();
    await funnel.scrollIntoViewIfNeeded();
    await look('scoring-funnel');
    assert.deepEqual(errors, []);
  });

  it('draws a funnel of the steps the person types, the API\'s reason at the step it is about', async () => {
    await collect([view('f1', 1, '/'), view('f1', 0.5, '/pricing'), view('f2', 1, '/')]);
    await eventually('the funnel visitors counted', () => adminGet<{ metrics: { pageviews: number } }>(tessera.url, '/v1/analytics/metric'),
      (r) => r.status === 200 && r.body.metrics.pageviews === SENT.pageviews + 3, () => tessera.output());
    await page.goto(`${tessera.url}/admin/`);
    const funnel = panel('Funnel');
    await funnel.waitFor();
    await funnel.getByLabel('Step 2').fill('pricing');
    await funnel.getByRole('button', { name: 'Add a step' }).click();
    await funnel.getByRole('button', { name: 'Draw the funnel' }).click();
    await funnel.locator('.field.invalid').filter({ has: page.getByLabel('Step 2', { exact: true }) }).locator('.error').waitFor();
    assert.equal(await funnel.getByLabel('Step 1').inputValue(), 'page:/', 'nothing typed is lost');
    await funnel.getByLabel('Step 2').fill('page:/pricing');
    await funnel.getByRole('button', { name: 'Draw the funnel' }).click();
    const table = funnel.getByRole('table', { name: 'People per step, conversion and drop-off' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    const answer = await call('GET', `/v1/analytics/funnel?step1=${encodeURIComponent('page:/')}&step2=${encodeURIComponent('page:/pricing')}&timezone=UTC`) as { steps: Array<{ people: number }> };
    assert.equal(rows.length, 2, 'the empty third step is left out');
    assert.deepEqual(rows.map((r) => r.split('\t')[1]), answer.steps.map((x) => String(x.people)));
    assert.deepEqual(answer.steps.map((x) => x.people), [4, 1], 'four people on /, one of them then on /pricing');
    await funnel.getByText('Went through every step: 1 (25 % of those at the first step).').waitFor();
    await funnel.getByRole('img', { name: /Bar chart of the people at each of the 2 steps/ }).waitFor();
    await funnel.scrollIntoViewIfNeeded();
    await look('home-funnel');
    // The funnel is in the address: a reload (or a shared link) shows it again, steps and all.
    assert.match(page.url(), /[?&]step=page%3A%2F&step=page%3A%2Fpricing(&|$)/);
    await page.reload();
    await panel('Funnel').getByRole('table', { name: 'People per step, conversion and drop-off' }).waitFor();
    assert.equal(await panel('Funnel').getByLabel('Step 2').inputValue(), 'page:/pricing');
    assert.deepEqual((await panel('Funnel').getByRole('table', { name: 'People per step, conversion and drop-off' }).locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[1]), ['4', '1']);
    // Back: the refused funnel, its reason at step 2 again.
    await page.goBack();
    await panel('Funnel').locator('.field.invalid').filter({ has: page.getByLabel('Step 2', { exact: true }) }).locator('.error').waitFor();
    assert.equal(await panel('Funnel').getByLabel('Step 2').inputValue(), 'pricing');
    assert.deepEqual(errors, []);
  });

  it('reads in German', async () => {
    await page.goto(`${tessera.url}/admin/`);
    await page.getByLabel('Language').selectOption('de');
    await heading().filter({ hasText: 'Start & Analyse' }).waitFor();
    await page.getByText('Seitenaufrufe').first().waitFor();
    await page.getByRole('heading', { name: 'Meistbesuchte Seiten' }).waitFor();
    await look('home-de');
    await page.goto(`${tessera.url}/admin/scoring`);
    await heading().filter({ hasText: 'Scoring' }).waitFor();
    await page.getByRole('heading', { name: 'Engagement-Regeln' }).waitFor();
    await look('scoring-de');
    await page.getByLabel('Sprache').selectOption('en');
  });

  it('gives a viewer a welcome and the rules to read, without the buttons they may not use', async () => {
    const viewer = await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const p = await viewer.newPage();
    await p.goto(`${tessera.url}/admin/`);
    await p.waitForURL(/\/admin\/sign-in/);
    await p.getByLabel('E-mail address').fill(VIEWER.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Welcome to Tessera' }).waitFor();
    assert.equal(await p.locator('.kpis').count(), 0, 'no traffic figures for a viewer');
    await look('home-viewer', p);
    await p.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Scoring & lifecycle' }).click();
    await p.getByRole('heading', { name: 'Fit rules' }).waitFor();
    await p.getByText('You can read the rules').waitFor();
    assert.equal(await p.getByRole('button', { name: /^(Add|Edit|Delete|Count)/ }).count(), 0, 'no change buttons for a viewer');
    await look('scoring-viewer', p);
    await viewer.close();
  });
});
