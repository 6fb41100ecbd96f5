/**
 * The Personalization and Experiments areas of the admin app in headless Chromium against a real
 * Tessera process (SQLite), used as a marketer would: a slot is set up through the editor with a
 * rule whose profile condition comes from the visual condition builder (a refused save shows the
 * API's reasons at the inputs and keeps what was typed), its rules are reordered by keyboard, and
 * it is viewed as a person found by e-mail (seeded through the collection API), as a made-up
 * visit and as a typical member of a persona (first without a persona model, then with one saved
 * through the store, its persona rule made in the builder); a slot's report is read from its chart and tables (Slot Viewed / Slot Clicked events
 * seeded); the settings and the transparency notice; an experiment is set up and its results read.
 * axe-core finds no serious or critical violation on any of these screens; each is saved to
 * test-artifacts/admin/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminGet, eventually } from '../browser/browser-harness.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { adminCall, ARTIFACTS, checkAccessibility, collectBatch, createFirstAdmin, startAdminServer } from './admin-harness.js';
import type { ServerProcess } from '../support/server-process.js';
import { basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { DEFAULT_HOLDOUT_SHARE, isInHoldout } from '../../src/core/experiments/holdout.js';
import { join } from 'node:path';
import { DEFAULT_FEATURE_DEFINITION, definitionVersion } from '../../src/core/personas/feature-definition.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const skip = browserSkipReason();
const PASSWORD = 'correct horse battery staple';
const ADMIN = { name: 'Ada Admin', email: 'ada@tessera.test' };

const dataDir = tempDir('tessera-admin-personalization-');
let tessera: ServerProcess;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const call = (method: string, path: string, body?: unknown) => adminCall(tessera.url, method, path, body);
const collect = (batch: unknown[]) => collectBatch(tessera.url, batch);

const KLAUS_ID = 'u-klaus-4';
const DAY = 86_400_000;
const ago = (days: number, minutes = 0) => new Date(Date.now() - days * DAY + minutes * 60_000).toISOString();

async function seed(): Promise<void> {
  await collect([
    { type: 'page', anonymousId: 'k-anon', timestamp: ago(2), properties: { url: 'https://acme.com/pricing', path: '/pricing', title: 'Pricing' } },
    { type: 'identify', anonymousId: 'k-anon', userId: 'u-karoline', timestamp: ago(2, 1), traits: { email: 'karoline@acme.com', name: 'Karoline Kraft', firstName: 'Karoline', company: 'Acme GmbH' } },
    { type: 'identify', anonymousId: 'o-anon', userId: 'u-otto', timestamp: ago(2, 2), traits: { email: 'otto@other.com', name: 'Otto Other', company: 'Other AG' } },
    // Karoline's colleague: held out once the global holdout reaches 14 % (his user id's hash), not at the default 5 %.
    { type: 'identify', anonymousId: 'kk-anon', userId: KLAUS_ID, timestamp: ago(2, 3), traits: { email: 'klaus@acme.com', name: 'Klaus Kern', firstName: 'Klaus', company: 'Acme GmbH' } },
  ]);
  await eventually('Karoline\'s profile', () => adminGet(tessera.url, '/v1/profiles/karoline%40acme.com'), (r) => r.status === 200, () => tessera.output());
  for (const userId of ['u-karoline', KLAUS_ID]) {
    const consent = await fetch(`${tessera.url}/v1/consent`, { method: 'POST', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ userId, purposes: { analytics: true, personalization: true } }) });
    assert.ok(consent.ok, `consent of ${userId}: ${consent.status}`);
  }
  await eventually('Klaus\'s profile', () => adminGet(tessera.url, '/v1/profiles/klaus%40acme.com'), (r) => r.status === 200, () => tessera.output());
  // A slot with a goal whose report is read: views, clicks and conversions over three days.
  await call('POST', '/v1/slots', {
    id: 'newsletter', name: 'Newsletter teaser', channel: 'web', defaultVariantId: 'general', goal: { event: 'Demo Requested', within: '7d' },
    variants: [{ id: 'general', body: 'Read our newsletter', format: 'text' }, { id: 'factory', body: 'Smart factory news', format: 'text' }],
    rules: [{ id: 'r-factory', variantId: 'factory', depth: 'contextual', context: { field: 'path', op: 'equals', value: '/smart-factory' } }],
  });
  const events: unknown[] = [];
  for (let i = 0; i < 12; i++) {
    const who = `r-${i}`;
    const [variant, ruleId, depth] = i % 3 === 0 ? ['general', 'default', 'none'] : ['factory', 'r-factory', 'contextual'];
    const day = 1 + (i % 3);
    events.push({ type: 'track', event: 'Slot Viewed', anonymousId: who, timestamp: ago(day), properties: { slot: 'newsletter', variant, ruleId, depth, decisionId: `dcs_${who}` } });
    if (i % 2 === 0) events.push({ type: 'track', event: 'Slot Clicked', anonymousId: who, timestamp: ago(day, 1), properties: { slot: 'newsletter', variant, ruleId, decisionId: `dcs_${who}` } });
    if (i % 4 === 0) events.push({ type: 'track', event: 'Demo Requested', anonymousId: who, timestamp: ago(day, 5), properties: {} });
  }
  await collect(events);
  await eventually('the newsletter report', () => adminGet<{ totals: { impressions: number; clicks: number } }>(tessera.url, '/v1/slots/newsletter/report'),
    (r) => r.status === 200 && r.body.totals.impressions === 12 && r.body.totals.clicks === 6, () => tessera.output());
}

before(async () => {
  if (skip) return;
  let welcomeUrl: string;
  ({ tessera, welcomeUrl } = await startAdminServer(dataDir.path));
  await seed();
  browser = await launchChromium();
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tessera.url });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // The first administrator, through the welcome link.
  await createFirstAdmin(page, welcomeUrl, ADMIN, PASSWORD);
});
after(async () => {
  await browser?.close();
  await tessera?.stop();
  dataDir.remove();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const heading = () => page.locator('main h1');

const checkA11y = (screen: string) => checkAccessibility(page, screen);

async function look(name: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.loading'));
  await shot(name);
  await checkA11y(name);
}

async function visit(path: string, name: string, expectHeading: string | RegExp): Promise<void> {
  await page.goto(`${tessera.url}/admin${path}`);
  await heading().filter({ hasText: expectHeading }).waitFor();
  await look(name);
}

const activeLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
/** The focused element's label once the screen has moved the focus (after its render), or what has it after 5 s. */
const focusSettlesOn = async (label: string) => {
  await page.waitForFunction((want) => (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '') === want, label, { timeout: 5_000 }).catch(() => undefined);
  return activeLabel();
};

describe('the Personalization and Experiments areas in Chromium', { skip, timeout: 300_000, concurrency: false }, () => {
  it('sets up a slot with a rule from the condition builder; a refused save keeps everything and says why at the inputs', async () => {
    await visit('/personalization', 'personalization-slots', 'Personalization');
    assert.equal(await page.getByRole('row', { name: /Newsletter teaser/ }).getByRole('cell').nth(2).textContent(), '1', 'the list counts the rules');
    await page.getByRole('link', { name: 'New slot' }).click();
    await heading().filter({ hasText: 'New slot' }).waitFor();
    await page.getByLabel('Slot id').fill('hero');
    await page.getByLabel('Name', { exact: true }).first().fill('Homepage hero');
    const v1 = page.getByRole('group', { name: /^Variant 1/ });
    await v1.getByLabel('Body', { exact: true }).fill('Welcome to Acme');
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const v2 = page.getByRole('group', { name: /^Variant 2/ });
    await v2.getByLabel('Title').fill('For your company');
    await v2.getByLabel('Body', { exact: true }).fill('Hello {{traits.firstName | "there"}}, your smart factory awaits.');
    await v2.getByLabel('Link address').fill('not a link');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule1 = page.getByRole('group', { name: /^Rule 1/ });
    await rule1.getByLabel('Shows variant').selectOption('v2');
    await rule1.getByLabel('Declared depth').selectOption('individual');
    // The profile condition from the segment builder: the trait key left empty at first.
    await rule1.getByLabel('Value', { exact: true }).first().fill('Acme GmbH');
    await page.getByRole('button', { name: 'Create slot' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    await page.locator('.rule-issues').first().waitFor();
    await shot('slot-editor-errors');
    assert.equal(await v2.getByLabel('Link address').getAttribute('aria-invalid'), 'true', 'the bad link is marked at its input');
    assert.equal(await v2.getByLabel('Body', { exact: true }).inputValue(), 'Hello {{traits.firstName | "there"}}, your smart factory awaits.', 'nothing typed is lost');
    assert.equal(await rule1.getByLabel('Value', { exact: true }).first().inputValue(), 'Acme GmbH');

    await v2.getByLabel('Link address').fill('https://acme.com/smart-factory');
    await rule1.getByLabel('Trait', { exact: true }).fill('company');
    await page.getByRole('button', { name: 'Create slot' }).click();
    await page.getByText('Saved (version 1).').waitFor();
    await heading().filter({ hasText: 'Edit slot “Homepage hero”' }).waitFor();
    const stored = await call('GET', '/v1/slots/hero') as { rules: Array<{ id: string; variantId: string; condition: unknown }> };
    assert.deepEqual(stored.rules.map((r) => [r.id, r.variantId, r.condition]), [['rule-1', 'v2', { trait: { key: 'company', op: 'equals', value: 'Acme GmbH' } }]]);
    await look('slot-editor');
  });

  it('reorders rules by keyboard alone, the focus staying with the moved rule', async () => {
    await page.goto(`${tessera.url}/admin/personalization/slots/hero/edit`);
    await heading().filter({ hasText: 'Edit slot' }).waitFor();
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule2 = page.getByRole('group', { name: /^Rule 2/ });
    await rule2.getByLabel('Rule id').fill('pricing-visitors');
    await rule2.getByLabel('Declared depth').selectOption('contextual');
    await rule2.getByLabel('Only people matching a profile condition').uncheck();
    await rule2.getByRole('button', { name: 'Add a visit condition' }).click();
    await rule2.getByLabel('Value', { exact: true }).fill('/pricing');
    await page.getByRole('button', { name: 'Move rule 2 up' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: /^Rule 1 · pricing-visitors/ }).waitFor();
    assert.equal(await focusSettlesOn('Move rule 1 down'), 'Move rule 1 down', 'the focus stays on the moved rule');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: /^Rule 2 · pricing-visitors/ }).waitFor();
    assert.equal(await focusSettlesOn('Move rule 2 up'), 'Move rule 2 up');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: /^Rule 1 · pricing-visitors/ }).waitFor();
    await page.getByRole('button', { name: 'Save slot' }).click();
    await page.getByText('Saved (version 2).').waitFor();
    const stored = await call('GET', '/v1/slots/hero') as { rules: Array<{ id: string; context?: unknown }> };
    assert.deepEqual(stored.rules.map((r) => r.id), ['pricing-visitors', 'rule-1']);
    assert.deepEqual(stored.rules[0]!.context, { field: 'path', op: 'equals', value: '/pricing' });
    await shot('slot-editor-reordered');
  });

  it('views the slot as Karoline, found by e-mail, by keyboard, and as a made-up visit', async () => {
    await visit('/personalization/slots/hero/view-as', 'slot-view-as', 'View “Homepage hero” as…');
    await page.getByLabel('Find a person').focus();
    await page.keyboard.type('karoline@acme.com');
    await page.keyboard.press('Enter');
    const choose = page.getByRole('button', { name: 'Choose Karoline Kraft' });
    await choose.waitFor();
    for (let i = 0; i < 6 && (await activeLabel()) !== 'Choose Karoline Kraft'; i++) await page.keyboard.press('Tab');
    assert.equal(await activeLabel(), 'Choose Karoline Kraft', 'the result is reached by Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Chosen: Karoline Kraft').waitFor();
    await page.getByRole('button', { name: 'Show what they would see' }).focus();
    await page.keyboard.press('Enter');
    const result = page.getByRole('region', { name: 'What they would see' });
    await result.waitFor();
    await result.locator('.variant-render').waitFor();
    assert.match(await result.locator('.variant-render').textContent() ?? '', /Hello Karoline, your smart factory awaits\./, await result.textContent() ?? '');
    assert.match(await result.textContent() ?? '', /From rule rule-1/);
    assert.match(await result.textContent() ?? '', /Depth: individual/);
    const trace = result.getByRole('table');
    assert.equal(await trace.getByRole('row', { name: /pricing-visitors/ }).getByRole('cell').first().textContent(), 'no-match', 'the trace says why the first rule was passed over');
    assert.equal(await trace.getByRole('row', { name: /rule-1/ }).getByRole('cell').first().textContent(), 'chosen');
    assert.ok(((await result.locator('blockquote.why').textContent()) ?? '').length > 5, 'the explanation the person reads');
    await look('slot-view-as-person');

    // A made-up visit: nobody known, on the pricing page, seen with the tracker cookie only.
    await page.getByLabel('A made-up visit (nobody known)').check();
    await page.getByLabel('Page path').fill('/pricing');
    await page.getByLabel('Recognised as').selectOption('none');
    await page.getByRole('button', { name: 'Show what they would see' }).click();
    await result.getByText('From rule pricing-visitors').waitFor();
    assert.match(await result.textContent() ?? '', /Limited by: .*how well the visitor is recognised/);
    await look('slot-view-as-visit');

    // A bad hour is refused at its input.
    await page.getByLabel('Local hour (0–23)').fill('25');
    await page.getByRole('button', { name: 'Show what they would see' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    assert.equal(await page.getByLabel('Local hour (0–23)').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Page path').inputValue(), '/pricing');
  });

  it('sets the global holdout on the Experiments screen, and View as says who is held out and what the rules would show them', async () => {
    assert.ok(!isInHoldout({ holdoutShare: DEFAULT_HOLDOUT_SHARE }, KLAUS_ID) && isInHoldout({ holdoutShare: 0.15 }, KLAUS_ID), 'Klaus is held out at 15 %, not at 5 %');
    await visit('/experiments', 'experiments-holdout', 'Experiments');
    const holdout = page.getByRole('region', { name: 'Global holdout' });
    await holdout.getByText('5 % of people are held out.').waitFor();
    const share = holdout.getByLabel('Share held out (%)');
    assert.equal(await share.inputValue(), '5');
    for (const [typed, reason] of [['lots', /number/], ['60', /0\.5|50/]] as const) {
      await share.fill(typed);
      await holdout.getByRole('button', { name: 'Save holdout' }).click();
      await holdout.locator('[aria-invalid="true"]').waitFor();
      assert.match(await holdout.locator('p.error').first().textContent() ?? '', reason, `"${typed}" is refused at the input`);
      assert.equal(await share.inputValue(), typed, 'what was typed stays');
    }
    await share.fill('15');
    await holdout.getByRole('button', { name: 'Save holdout' }).click();
    await holdout.getByText('15 % of people are held out.').waitFor();
    assert.equal((await call('GET', '/v1/experiment-settings') as { holdoutShare: number }).holdoutShare, 0.15);
    await look('experiments-holdout-saved');

    await visit('/personalization/slots/hero/view-as', 'slot-view-as-holdout-form', 'View “Homepage hero” as…');
    await page.getByLabel('Find a person').fill('klaus@acme.com');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Choose Klaus Kern' }).click();
    await page.getByRole('button', { name: 'Show what they would see' }).click();
    const result = page.getByRole('region', { name: 'What they would see' });
    await result.getByRole('status').filter({ hasText: 'Klaus Kern is in the global holdout (15 % of people)' }).waitFor();
    assert.equal(await result.locator('.variant-render').first().textContent(), 'Welcome to Acme', 'held out: the default');
    const outside = result.getByRole('region', { name: 'What the rules would show outside the holdout' });
    assert.match(await outside.locator('.variant-render').textContent() ?? '', /Hello Klaus, your smart factory awaits\./);
    assert.match(await outside.textContent() ?? '', /From rule rule-1/);
    assert.equal(await outside.getByRole('table').getByRole('row', { name: /rule-1/ }).getByRole('cell').first().textContent(), 'chosen');
    await look('slot-view-as-holdout');
    await result.getByRole('link', { name: 'Change the holdout’s share (Experiments)' }).click();
    await heading().filter({ hasText: 'Experiments' }).waitFor();
    await call('PUT', '/v1/experiment-settings', { holdoutShare: DEFAULT_HOLDOUT_SHARE });
  });

  it('views a slot as a typical member of a persona: without a model the screen says so; with one, the persona rule from the builder fires for its persona only', async () => {
    await visit('/personalization/slots/hero/view-as', 'slot-view-as-persona-form', 'View “Homepage hero” as…');
    await page.getByLabel('A typical member of a persona').check();
    await page.getByText('No persona model is fitted yet').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Show what they would see' }).isDisabled(), true, 'nobody to show it for');
    await look('slot-view-as-persona-no-model');

    // A fitted model, saved through the store's port beside the running server (a fit would need a hundred seeded visitors).
    const store = openSqliteStore({ file: join(dataDir.path, 'tessera.db'), sync: 'normal', migrate: false });
    const persona = (id: string, name: string) => ({ id, name, description: `${name} read alike.`, pinned: false, weight: 0.5, size: 40, mean: [0], variances: [1], distinguishing: [] });
    try {
      await store.personas.saveModel({
        workspaceId: 'default', fittedAt: Date.now(), definition: DEFAULT_FEATURE_DEFINITION, definitionVersion: definitionVersion(DEFAULT_FEATURE_DEFINITION),
        scaling: { means: [0], variances: [1] }, features: ['activity:sessions'], personas: [persona('p1', 'Night owls'), persona('p2', 'Planners')],
        threshold: 0.5, sampleSize: 80, logLikelihood: -50, bic: 110, changes: { born: ['p1', 'p2'], vanished: [], splits: [] },
      });
    } finally { await store.close(); }
    await call('POST', '/v1/slots', {
      id: 'by-persona', name: 'Persona teaser', channel: 'web', defaultVariantId: 'plain',
      variants: [{ id: 'plain', body: 'Hello', format: 'text' }, { id: 'plan', body: 'Plan your next quarter', format: 'text' }],
      rules: [{ id: 'r-planners', variantId: 'plan', depth: 'persona', condition: { trait: { key: 'plan', op: 'exists' } } }],
    });

    // The rule's condition becomes a persona rule in the builder: a select of the model's personas, a bad probability named at its input.
    await visit('/personalization/slots/by-persona/edit', 'slot-editor-persona-form', 'Edit slot “Persona teaser”');
    const rule = page.getByRole('group', { name: /^Rule 1/ });
    await rule.getByLabel('Checks').selectOption({ label: 'Persona' });
    const personaSelect = rule.getByLabel('Persona', { exact: true });
    assert.deepEqual(await personaSelect.locator('option').allTextContents(), ['—', 'Night owls (p1)', 'Planners (p2)']);
    await personaSelect.selectOption({ label: 'Planners (p2)' });
    const probability = rule.getByLabel('At least this probability (optional)');
    await probability.fill('likely');
    await page.getByRole('button', { name: 'Save slot' }).click();
    await rule.locator('.rule-issues').waitFor();
    assert.equal(await probability.getAttribute('aria-invalid'), 'true');
    assert.match(await rule.locator('.rule-issues').textContent() ?? '', /minProbability/);
    assert.equal(await probability.inputValue(), 'likely', 'what was typed stays');
    await look('slot-editor-persona-refused');
    await probability.fill('');
    await page.getByRole('button', { name: 'Save slot' }).click();
    await page.getByText('Saved (version 2).').waitFor();
    assert.deepEqual((await call('GET', '/v1/slots/by-persona') as { rules: Array<{ condition: unknown }> }).rules[0]!.condition, { persona: { id: 'p2' } });

    await visit('/personalization/slots/by-persona/view-as', 'slot-view-as-persona-model', 'View “Persona teaser” as…');
    await page.getByLabel('A typical member of a persona').check();
    await page.getByLabel('Persona', { exact: true }).selectOption({ label: 'Planners (p2)' });
    await page.getByRole('button', { name: 'Show what they would see' }).click();
    const result = page.getByRole('region', { name: 'What they would see' });
    await result.getByText('From rule r-planners').waitFor();
    assert.equal(await result.locator('.variant-render').first().textContent(), 'Plan your next quarter');
    assert.match(await result.textContent() ?? '', /for a typical member of “Planners”/);
    assert.match(await result.textContent() ?? '', /Depth: persona/);
    await look('slot-view-as-persona');
    await page.getByLabel('Persona', { exact: true }).selectOption({ label: 'Night owls (p1)' });
    await page.getByRole('button', { name: 'Show what they would see' }).click();
    await result.getByText('The default variant (no rule admitted)').waitFor();
    assert.equal(await result.locator('.variant-render').first().textContent(), 'Hello');
    assert.equal(await result.getByRole('table').getByRole('row', { name: /r-planners/ }).getByRole('cell').first().textContent(), 'no-match', 'another persona: the rule does not hold');
  });

  it('reads a slot\'s report: the chart with its table, per variant, per rule and the depth mix', async () => {
    await visit('/personalization/slots/newsletter/report', 'slot-report', 'Report: Newsletter teaser');
    const tiles = page.locator('ul.tiles');
    assert.match(await tiles.textContent() ?? '', /Impressions\s*12/);
    assert.match(await tiles.textContent() ?? '', /Clicks\s*6/);
    assert.match(await tiles.textContent() ?? '', /CTR\s*50 %/);
    assert.match(await tiles.textContent() ?? '', /Conversions\s*3/);
    const canvas = page.locator('canvas[role="img"]');
    assert.match(await canvas.getAttribute('aria-label') ?? '', /Line chart of impressions, clicks and conversions per day/);
    assert.ok(await page.evaluate(() => { const c = document.querySelector('canvas'); return !!c && c.width > 0 && c.height > 0; }), 'the chart is drawn');
    await page.locator('summary', { hasText: 'The chart as a table' }).click();
    const series = page.locator('#series-table');
    const total = (await series.locator('tbody tr td:nth-child(2)').allTextContents()).reduce((s, x) => s + Number(x), 0);
    assert.equal(total, 12, 'the chart\'s table sums to the impressions');
    const byVariant = page.getByRole('region', { name: 'Per variant' });
    assert.deepEqual(await byVariant.getByRole('row', { name: /factory/ }).getByRole('cell').allTextContents(), ['8', '4', '50 %', '2', '25 %']);
    const byRule = page.getByRole('region', { name: 'Per rule' });
    assert.deepEqual(await byRule.getByRole('row', { name: /default/ }).getByRole('cell').allTextContents(), ['4', '2', '50 %', '1', '25 %']);
    const depths = page.getByRole('region', { name: 'Depth mix' });
    assert.deepEqual(await depths.getByRole('row', { name: /contextual/ }).getByRole('cell').allTextContents(), ['8', '66.7 %']);
    await look('slot-report');
  });

  it('changes the personalization settings, says why a bad one is refused, and copies the transparency notice', async () => {
    await visit('/personalization/settings', 'personalization-settings', 'Personalization settings');
    await page.getByLabel('Smallest segment for rules').fill('-3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    assert.equal(await page.getByLabel('Smallest segment for rules').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Smallest segment for rules').fill('30');
    await page.getByLabel('Salutation').selectOption('informal');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const settings = await call('GET', '/v1/personalization/settings') as { minSegmentSize: number; salutation: string };
    assert.deepEqual([settings.minSegmentSize, settings.salutation], [30, 'informal']);
    const notice = page.getByRole('region', { name: 'Transparency notice' });
    await notice.getByText(/"Homepage hero"/).waitFor();
    await notice.getByRole('button', { name: 'Copy the notice' }).click();
    await notice.getByText('Copied to the clipboard.').waitFor();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /"Newsletter teaser": /);
    await look('personalization-settings-saved');
  });

  it('sets up an experiment with targeting and reads its results', async () => {
    await visit('/experiments', 'experiments', 'Experiments');
    await page.getByRole('link', { name: 'New experiment' }).click();
    await heading().filter({ hasText: 'New experiment' }).waitFor();
    await page.getByLabel('Key', { exact: true }).fill('cta-colour');
    await page.getByLabel('Name', { exact: true }).first().fill('CTA colour');
    await page.getByLabel('Status').selectOption('running');
    await page.getByLabel('Goal event').fill('Demo Requested');
    await page.getByRole('group', { name: /^Variation 2/ }).getByLabel('Weight').fill('0.7');
    await page.getByLabel('Only people matching a condition').check();
    await shot('experiment-editor');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    // The weights do not sum to 1 and the targeting's trait has no key: both said where they are.
    await page.locator('[aria-invalid="true"]').first().waitFor();
    await page.locator('.rule-issues').first().waitFor();
    await shot('experiment-editor-errors');
    assert.equal(await page.getByLabel('Name', { exact: true }).first().inputValue(), 'CTA colour', 'nothing typed is lost');
    await page.getByRole('button', { name: 'Split evenly' }).click();
    await page.getByRole('group', { name: 'Targeting' }).getByLabel('Comparison').selectOption('exists');
    await page.getByRole('group', { name: 'Targeting' }).getByLabel('Trait', { exact: true }).fill('email');
    await checkA11y('experiment-editor');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await heading().filter({ hasText: 'Results: CTA colour' }).waitFor();

    // People take part (assigned by the site's code) and some convert.
    for (let i = 0; i < 30; i++) {
      await collect([{ type: 'identify', anonymousId: `x-${i}`, timestamp: ago(0, -1), traits: { email: `x${i}@example.com` } }]);
    }
    await eventually('the participants', () => adminGet(tessera.url, '/v1/profiles/x29%40example.com'), (r) => r.status === 200, () => tessera.output());
    const conversions: unknown[] = [];
    for (let i = 0; i < 30; i++) {
      const a = await call('POST', '/v1/experiments/cta-colour/assign', { anonymousId: `x-${i}` }) as { inExperiment: boolean; variation?: { index: number } };
      assert.ok(a.inExperiment, `x-${i} takes part`);
      if (i % 3 === 0 || (a.variation?.index === 1 && i % 2 === 0)) conversions.push({ type: 'track', event: 'Demo Requested', anonymousId: `x-${i}`, timestamp: new Date(Date.now() + 1000).toISOString(), properties: {} });
    }
    await collect(conversions);
    await eventually('the conversions', () => adminGet<{ variations: Array<{ conversions: number }> }>(tessera.url, '/v1/experiments/cta-colour/results'),
      (r) => r.status === 200 && r.body.variations.reduce((s, v) => s + v.conversions, 0) === conversions.length, () => tessera.output());
    await page.getByRole('button', { name: 'Refresh' }).click();
    const table = page.getByRole('table', { name: /Per variation/ });
    // The first table is the per-variation one (the per-metric tables follow the chart).
    await page.waitForFunction(() => [...(document.querySelector('table.data')?.querySelectorAll('tbody tr td:nth-child(2)') ?? [])].reduce((s, td) => s + Number(td.textContent), 0) === 30);
    const units = (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    assert.equal(units.reduce((s, u) => s + u, 0), 30, 'every participant is counted');
    assert.match(await table.getByRole('row', { name: /Treatment/ }).getByRole('cell').nth(6).textContent() ?? '', /%/, 'the Bayesian uplift');
    assert.match(await table.getByRole('row', { name: /Treatment/ }).getByRole('cell').nth(7).textContent() ?? '', /%/, 'the chance to beat the control');
    await page.getByRole('img', { name: 'Uplift against the control with its interval' }).waitFor();
    assert.match(await page.locator('.notice.warn').textContent() ?? '', /at least/, 'the minimum-sample warnings');
    await look('experiment-results');
    assert.equal(await page.locator('.notice.srm').count(), 0, 'no sample-ratio warning while the split matches the weights');

    // The weights changed under a running experiment: the split no longer matches, said first and loudly.
    const current = await call('GET', '/v1/experiments/cta-colour') as Record<string, unknown> & { variations: Array<Record<string, unknown>> };
    await call('PUT', '/v1/experiments/cta-colour', { ...Object.fromEntries(Object.entries(current).filter(([k]) => !['createdAt', 'updatedAt', 'metricsGeneration', 'conclusion', 'alerts'].includes(k))),
      variations: [{ ...current.variations[0], weight: 0.9 }, { ...current.variations[1], weight: 0.1 }] });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sample ratio mismatch' }).waitFor();
    await look('experiment-results-srm');
    await visit('/experiments', 'experiments-list', 'Experiments');
    assert.match(await page.getByRole('row', { name: /CTA colour/ }).textContent() ?? '', /running/);
  });

  it('raised no error in the page', () => {
    assert.deepEqual(errors, []);
  });
});
