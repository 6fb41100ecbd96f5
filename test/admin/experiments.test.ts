/**
 * The Experiments area's optimisation and measurement in headless Chromium against a real Tessera
 * process (SQLite) whose optimiser looks every second: an experiment with a median-dwell-time
 * (quantile) metric and a roll-out rule, seeded through the API with assignments, `Page Left` and
 * goal events, is concluded by the optimiser and its results show the conclusion, the quantile per
 * arm and the difference with its interval; a second experiment whose weights were changed under it
 * shows the sample-ratio alert; the optimisation inputs of the editor name a bad value at its input;
 * a before/after is run from the panel on the Experiments screen, in German; an experiment exposed over five days draws
 * its cumulative uplift over time with the sequential interval as a band. axe-core finds no
 * serious or critical violation; screenshots in test-artifacts/admin/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminGet, eventually } from '../browser/browser-harness.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { adminCall, ARTIFACTS, checkAccessibility, collectBatch, createFirstAdmin, startAdminServer } from './admin-harness.js';
import type { ServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/tessera-under-test.js';

const skip = browserSkipReason();
const dataDir = tempDir('tessera-admin-experiments-');
let tessera: ServerProcess;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const call = (method: string, path: string, body?: unknown) => adminCall(tessera.url, method, path, body);
const collect = (batch: unknown[]) => collectBatch(tessera.url, batch);

const DAY = 86_400_000;
const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
type Results = { status: string; conclusion: unknown; alerts: unknown[]; metrics: Array<{ id: string; variations: Array<{ units: number; quantile?: { value: number } | null }> }> };

/** The concluded experiment: 80 people, the treatment dwells longer and converts more; the optimiser rolls it out. */
async function seedConcluded(): Promise<void> {
  await call('POST', '/v1/experiments', {
    key: 'hero-copy', name: 'Hero copy', status: 'running', variations: [{ id: 'control', name: 'Short copy', weight: 0.5 }, { id: 'long', name: 'Long copy', weight: 0.5 }],
    goal: { event: 'Demo Requested', windowHours: 72 }, metrics: [{ id: 'median-dwell', name: 'Median dwell time', kind: 'quantile', quantile: 0.5 }],
    analysis: { cupedDays: 0 }, optimisation: { mode: 'rollout', decideBy: 'chanceToWin', chanceToWin: 0.95, minUnitsPerArm: 20 },
  });
  const arms: number[] = [];
  const dwell: unknown[] = [];
  for (let i = 0; i < 80; i++) {
    const a = await call('POST', '/v1/experiments/hero-copy/assign', { anonymousId: `h-${i}` }) as { variation: { index: number } };
    arms.push(a.variation.index);
    dwell.push({ type: 'track', event: 'Page Left', anonymousId: `h-${i}`, timestamp: soon(1), properties: { visibleMs: (a.variation.index === 1 ? 40 + (i % 20) : 15 + (i % 10)) * 1000 } });
  }
  await collect(dwell);
  await eventually('the dwell times', () => adminGet<Results>(tessera.url, '/v1/experiments/hero-copy/results'),
    (r) => r.status === 200 && r.body.metrics.find((m) => m.id === 'median-dwell')!.variations.reduce((s, v) => s + v.units, 0) === 80, () => tessera.output());
  // Conversions after the dwell times: once the optimiser concludes, nothing more is recorded.
  await collect(arms.flatMap((arm, i) => ((arm === 1 ? i % 10 < 7 : i % 10 < 2) ? [{ type: 'track', event: 'Demo Requested', anonymousId: `h-${i}`, timestamp: soon(2), properties: {} }] : [])));
  await eventually('the conclusion', () => adminGet<Results>(tessera.url, '/v1/experiments/hero-copy/results'),
    (r) => r.status === 200 && r.body.conclusion !== null, () => tessera.output());
}

/** The second experiment: its weights changed under it, so the split no longer matches and the monitor raises SRM. */
async function seedSkewed(): Promise<void> {
  const definition = { key: 'banner', name: 'Banner', status: 'running', variations: [{ id: 'off', name: 'No banner', weight: 0.5 }, { id: 'on', name: 'Banner', weight: 0.5 }], goal: { event: 'Demo Requested' } };
  await call('POST', '/v1/experiments', definition);
  for (let i = 0; i < 200; i++) await call('POST', '/v1/experiments/banner/assign', { anonymousId: `b-${i}` });
  await call('PUT', '/v1/experiments/banner', { ...definition, key: undefined, variations: [{ ...definition.variations[0], weight: 0.95 }, { ...definition.variations[1], weight: 0.05 }] });
  await eventually('the SRM alert', () => adminGet<Results>(tessera.url, '/v1/experiments/banner/results'), (r) => r.status === 200 && r.body.alerts.length > 0, () => tessera.output());
}

/**
 * A bandit: 40 people, the second variation converts far more. The bandit is switched on once the
 * conversions are counted (as the optimiser's `bandit` mode does), so its first update (hourly
 * cadence) moves the weights towards the green button (β 0.9: with two arms the leader's share
 * tends to β; Russo's 0.5 would keep them even).
 */
async function seedBandit(): Promise<void> {
  const definition = {
    name: 'Call to action', status: 'running', variations: [{ id: 'grey', name: 'Grey button', weight: 0.5 }, { id: 'green', name: 'Green button', weight: 0.5 }],
    goal: { event: 'Demo Requested', windowHours: 72 },
  };
  await call('POST', '/v1/experiments', { key: 'cta', ...definition });
  const conversions: unknown[] = [];
  for (let i = 0; i < 40; i++) {
    const a = await call('POST', '/v1/experiments/cta/assign', { anonymousId: `c-${i}` }) as { variation: { index: number } };
    if (a.variation.index === 1 ? i % 10 < 6 : i % 10 < 1) conversions.push({ type: 'track', event: 'Demo Requested', anonymousId: `c-${i}`, timestamp: soon(1), properties: {} });
  }
  await collect(conversions);
  await eventually('the conversions counted', () => adminGet<{ variations: Array<{ conversions: number }> }>(tessera.url, '/v1/experiments/cta/results'),
    (r) => r.status === 200 && r.body.variations.reduce((n, v) => n + v.conversions, 0) === conversions.length, () => tessera.output());
  await call('PUT', '/v1/experiments/cta', { ...definition, bandit: { cadenceHours: 1, minUnits: 10, floor: 0.05, beta: 0.9 } });
  await eventually('the bandit\'s first update', () => adminGet<{ bandit?: { history: unknown[] } }>(tessera.url, '/v1/experiments/cta/results'),
    (r) => r.status === 200 && (r.body.bandit?.history.length ?? 0) >= 2, () => tessera.output());
}

/** Before/after: 60 people active a week ago and 4 days ago; after the change at 5 days ago more of them request a demo. */
async function seedBeforeAfter(at: number): Promise<void> {
  const events: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    for (const [offset, converts] of [[-2, i % 5 === 0], [1, i % 5 < 3]] as const) {
      const ts = (minutes: number) => new Date(at + offset * DAY + minutes * 60_000).toISOString();
      events.push({ type: 'page', anonymousId: `ba-${i}`, timestamp: ts(0), properties: { path: '/pricing', url: 'https://acme.com/pricing' } });
      if (converts) events.push({ type: 'track', event: 'Demo Requested', anonymousId: `ba-${i}`, timestamp: ts(2), properties: {} });
    }
  }
  await collect(events);
  await eventually('the before/after events', () => adminGet<{ treated: { after: { n: number } }; holdout: { after: { n: number } } }>(tessera.url, `/v1/measures/before-after?at=${new Date(at).toISOString()}&days=3&event=Demo%20Requested`),
    (r) => r.status === 200 && r.body.treated.after.n + r.body.holdout.after.n === 60, () => tessera.output());
}

/**
 * Uplift over time: 24 people a day on each of the last 5 days exposed through `Experiment Viewed` (half in
 * each arm), the treatment converting at 50 %, the control at 17 %: the cumulative series has a point per day.
 */
async function seedOverTime(): Promise<void> {
  await call('POST', '/v1/experiments', {
    key: 'headline', name: 'Headline', status: 'running', startAt: new Date(Date.now() - 8 * DAY).toISOString(),
    variations: [{ id: 'plain', name: 'Plain headline', weight: 0.5 }, { id: 'bold', name: 'Bold headline', weight: 0.5 }], goal: { event: 'Demo Requested', windowHours: 72 },
    analysis: { cupedDays: 0 },
  });
  const events: unknown[] = [];
  for (let d = 5; d >= 1; d--) {
    for (let i = 0; i < 24; i++) {
      const who = `o-${d}-${i}`;
      const arm = i % 2;
      const at = Date.now() - d * DAY + i * 60_000;
      events.push({ type: 'track', event: 'Experiment Viewed', anonymousId: who, timestamp: new Date(at).toISOString(), properties: { experiment_id: 'headline', variation_id: arm === 1 ? 'bold' : 'plain' } });
      if (arm === 1 ? i % 4 === 1 : i % 12 === 0) events.push({ type: 'track', event: 'Demo Requested', anonymousId: who, timestamp: new Date(at + 10 * 60_000).toISOString(), properties: {} });
    }
  }
  await collect(events);
  const conversions = events.filter((e) => (e as { event: string }).event === 'Demo Requested').length;
  assert.equal(conversions, 40, '6 of 12 treated and 2 of 12 controls a day convert');
  await eventually('the exposures and conversions of five days', () => adminGet<{ variations: Array<{ units: number; conversions: number }> }>(tessera.url, '/v1/experiments/headline/results'),
    (r) => r.status === 200 && r.body.variations.reduce((n, v) => n + v.units, 0) === 120 && r.body.variations.reduce((n, v) => n + v.conversions, 0) === conversions, () => tessera.output());
}

const AT = Math.floor((Date.now() - 5 * DAY) / 60_000) * 60_000;
/** The datetime-local value of an instant as Chromium shows it (the test runs in the same zone). */
const localInput = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

before(async () => {
  if (skip) return;
  let welcomeUrl: string;
  ({ tessera, welcomeUrl } = await startAdminServer(dataDir.path, { TESSERA_EXPERIMENT_OPTIMISER_SECONDS: '1' }));
  await seedConcluded();
  await seedSkewed();
  await seedBeforeAfter(AT);
  await seedBandit();
  await seedOverTime();
  browser = await launchChromium();
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await createFirstAdmin(page, welcomeUrl, { name: 'Ada Admin', email: 'ada@tessera.test' }, 'correct horse battery staple');
});
after(async () => {
  await browser?.close();
  await tessera?.stop();
  dataDir.remove();
});

async function look(name: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.loading'));
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  await checkAccessibility(page, name);
}

describe('admin app: experiment optimisation, quantiles and before/after', { skip }, () => {
  it('shows the conclusion, the quantiles with their difference and the CSV link', async () => {
    await page.goto(`${tessera.url}/admin/experiments/hero-copy`);
    const conclusion = page.locator('section.conclusion');
    await conclusion.getByRole('heading', { name: 'Concluded: Long copy won' }).waitFor();
    assert.match(await conclusion.textContent() ?? '', /Decided by the chance to win on Demo Requested at .*Chance to win \d/);
    assert.match(await conclusion.textContent() ?? '', /everyone the experiment reaches now sees Long copy/);
    assert.match(await page.locator('main').textContent() ?? '', /Automatic optimisation: Stop and roll out the winner/);
    const table = page.getByRole('table', { name: /Median dwell time \(quantile\)/ });
    assert.match(await table.locator('thead').textContent() ?? '', /0\.5 quantile/);
    const results = await call('GET', '/v1/experiments/hero-copy/results') as { metrics: Array<{ id: string; variations: Array<{ quantile: { value: number }; comparison?: { quantile: { difference: number; interval: [number, number] } } }> }> };
    const median = results.metrics.find((m) => m.id === 'median-dwell')!;
    const treatment = table.getByRole('row', { name: /Long copy/ });
    const cells = await treatment.getByRole('cell').allTextContents();
    const shown = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 2 });
    assert.ok(cells[1]!.startsWith(shown(median.variations[1]!.quantile.value)), `the treatment's median: ${cells[1]}`);
    const diff = median.variations[1]!.comparison!.quantile;
    assert.ok(cells[2]!.startsWith(`+${shown(diff.difference)}`), `the difference: ${cells[2]}`);
    assert.match(cells[2]!, new RegExp(`${shown(diff.interval[0]).replace('.', '\\.')} … \\+?${shown(diff.interval[1]).replace('.', '\\.')}`), 'the difference\'s interval');
    const csv = page.getByRole('link', { name: 'Download results (CSV)' });
    const download = await page.request.get(new URL(await csv.getAttribute('href') ?? '', page.url()).toString());
    assert.equal(download.status(), 200);
    assert.match((await download.text()).split('\r\n')[0]!, /quantile_value,quantile_lower,quantile_upper,quantile_difference/);
    assert.equal(await page.locator('.notice.alerts').count(), 0, 'no alerts for this one');
    await look('experiment-concluded');
  });

  it('draws a bandit\'s weights over time, and says which test each p-value comes from', async () => {
    await page.goto(`${tessera.url}/admin/experiments/cta`);
    const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Bandit weights over time' }) });
    await section.waitFor();
    const results = await call('GET', '/v1/experiments/cta/results') as { bandit: { history: Array<{ weights: number[]; reason: string }>; omitted: number } };
    assert.equal(results.bandit.omitted, 0, 'a short history is answered whole');
    const table = section.getByRole('table', { name: 'Weights per variation' });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), results.bandit.history.length);
    const first = await rows.first().locator('th, td').allTextContents();
    assert.deepEqual(first.slice(1), ['the weights it started with', '50 %', '50 %']);
    const last = results.bandit.history.at(-1)!;
    const shown = await rows.last().locator('td').allTextContents();
    assert.equal(shown[0], 'bandit update');
    assert.equal(shown[2], `${(last.weights[1]! * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`);
    assert.equal(shown[1], `${(last.weights[0]! * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`);
    assert.ok(last.weights[1]! > 0.6, `the green button gets more traffic: ${last.weights.join(', ')}`);
    await section.getByRole('img', { name: /Line chart of each variation’s weight/ }).waitFor();
    // Each p-value says which test it is.
    const perVariation = page.getByRole('table', { name: /^Per variation/ });
    assert.match(await perVariation.locator('thead').textContent() ?? '', /p-value of the difference/);
    await page.getByText(/p-value: two-proportion z-test of the difference of the conversion rates/).waitFor();
    const metric = page.locator('table.metric').first();
    assert.match(await metric.locator('thead').textContent() ?? '', /p-value of the uplift \(corrected\)/);
    await page.getByText(/p-value: Welch’s t-test of the relative uplift/).first().waitFor();
    await section.scrollIntoViewIfNeeded();
    await look('experiment-bandit');
  });

  it('draws the uplift over time with its sequential interval as a band, and the same figures as a table', async () => {
    await page.goto(`${tessera.url}/admin/experiments/headline`);
    const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Uplift over time' }) });
    await section.getByRole('img', { name: /Line chart of the uplift of Demo Requested against the control on \d+ days/ }).waitFor();
    const results = await call('GET', '/v1/experiments/headline/results') as { series: Array<{ day: string; units: number[]; metrics: { goal: Array<{ lift?: number; sequentialInterval?: [number, number] }> } }> };
    assert.ok(results.series.length >= 5, `a point per day: ${results.series.map((p) => p.day).join(', ')}`);
    await section.getByText('The chart as a table').click();
    const table = section.getByRole('table', { name: 'Uplift of Demo Requested per day (cumulative), with the sequential interval' });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), results.series.length);
    const last = results.series.at(-1)!;
    const cells = await rows.last().locator('th, td').allTextContents();
    assert.equal(cells[0], last.day);
    assert.deepEqual(cells.slice(1, 3), last.units.map(String), 'people per arm, cumulative');
    const pct = (x: number) => `${x > 0 ? '+' : ''}${(x * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`;
    const arm = last.metrics.goal[1]!;
    assert.equal(cells[3], `${pct(arm.lift!)} (${pct(arm.sequentialInterval![0])} … ${pct(arm.sequentialInterval![1])})`);
    assert.ok(arm.lift! > 1, `the bold headline converts about three times as often: ${arm.lift}`);
    // The people grow day by day: the series is cumulative.
    const people = (await rows.locator('td:nth-of-type(1)').allTextContents()).map(Number);
    assert.deepEqual([...people].sort((a, b) => a - b), people, `cumulative: ${people.join(', ')}`);
    await section.scrollIntoViewIfNeeded();
    await look('experiment-over-time');
  });

  it('concludes by hand: the winner chosen, confirmed in a dialog, then shown as the conclusion', async () => {
    await page.goto(`${tessera.url}/admin/experiments/headline`);
    const panel = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Conclude and roll out' }) });
    await panel.getByLabel('Variation to roll out').selectOption('plain');
    await panel.getByRole('button', { name: 'Conclude with Plain headline…' }).waitFor();
    await panel.getByLabel('Variation to roll out').selectOption('bold');
    await panel.getByRole('button', { name: 'Conclude with Bold headline…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll out Bold headline?' });
    await dialog.waitFor();
    await look('experiment-conclude-confirm');
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await call('GET', '/v1/experiments/headline') as { status: string }).status, 'running');
    await panel.getByRole('button', { name: 'Conclude with Bold headline…' }).click();
    await dialog.getByRole('button', { name: 'Roll out Bold headline' }).click();
    const conclusion = page.locator('section.conclusion');
    await conclusion.getByRole('heading', { name: 'Concluded: Bold headline won' }).waitFor();
    assert.match(await conclusion.textContent() ?? '', /Decided by hand on Demo Requested at /);
    assert.equal(await panel.count(), 0, 'a concluded experiment has nothing left to conclude');
    const results = await call('GET', '/v1/experiments/headline/results') as { status: string; conclusion: { decidedBy: string; winner: { id: string } } };
    assert.deepEqual([results.status, results.conclusion.decidedBy, results.conclusion.winner.id], ['concluded', 'manual', 'bold']);
    await look('experiment-concluded-by-hand');
  });

  it('shows the sample-ratio alert as a warning', async () => {
    await page.goto(`${tessera.url}/admin/experiments/banner`);
    const alert = page.getByRole('alert').filter({ hasText: 'Alerts' });
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /Sample ratio mismatch raised at .* \(p (=|<) [\d.e-]+\)/);
    await look('experiment-alerts');
  });

  it('edits the optimisation rule and names a bad threshold at its input', async () => {
    await page.goto(`${tessera.url}/admin/experiments/banner/edit`);
    await page.getByRole('heading', { name: 'Automatic optimisation' }).waitFor();
    const mode = page.getByLabel('When a winner is clear');
    assert.equal(await mode.inputValue(), 'off');
    await mode.focus();
    await mode.selectOption('rollout');
    await page.getByLabel('Decide by').selectOption('chanceToWin');
    await page.getByLabel('Chance to win at least').fill('1.5');
    await page.getByLabel('Minimum people per variation').fill('50');
    await page.getByRole('button', { name: 'Save experiment' }).click();
    const threshold = page.getByLabel('Chance to win at least');
    await page.waitForFunction(() => document.querySelector('[name="optimisation.chanceToWin"]')?.getAttribute('aria-invalid') === 'true');
    assert.equal(await threshold.inputValue(), '1.5', 'what was typed stays');
    await look('experiment-optimisation-errors');
    await threshold.fill('0.9');
    await page.getByRole('button', { name: 'Save experiment' }).click();
    await page.getByRole('heading', { name: 'Results: Banner' }).waitFor();
    const saved = await call('GET', '/v1/experiments/banner') as { optimisation: unknown };
    assert.deepEqual(saved.optimisation, { mode: 'rollout', decideBy: 'chanceToWin', chanceToWin: 0.9, minUnitsPerArm: 50, metric: 'goal' });
  });

  it('sets up metrics with the metric editor: each refused value named at its input, nothing lost, then saved', async () => {
    await call('POST', '/v1/experiments', { key: 'signup', name: 'Sign-up form', status: 'draft', variations: [{ id: 'a', name: 'A', weight: 0.5 }, { id: 'b', name: 'B', weight: 0.5 }], goal: { event: 'Signed Up' } });
    await page.goto(`${tessera.url}/admin/experiments/signup/edit`);
    await page.getByRole('heading', { name: 'Metrics', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add a metric' }).click();
    const first = page.getByRole('group', { name: /^Metric 1/ });
    await first.getByLabel('Metric id').fill('order-median');
    await first.getByLabel('Kind').selectOption('quantile');
    await first.getByLabel('Quantile', { exact: true }).fill('1.5');
    await first.getByLabel(/^Of each person/).selectOption('sum');
    await first.getByLabel('Event', { exact: true }).fill('Order Completed');
    await first.getByLabel(/^Guardrail/).check();
    await page.getByRole('button', { name: 'Add a metric' }).click();
    const second = page.getByRole('group', { name: /^Metric 2/ });
    await second.getByLabel('Metric id').fill('bounce-rate');
    await second.getByLabel('Kind').selectOption('ratio');
    await second.getByRole('group', { name: 'Numerator' }).getByLabel('From').selectOption('bounces');
    await second.getByRole('group', { name: 'Denominator' }).getByLabel('From').selectOption('sessions');
    await second.getByLabel('Higher is better').uncheck();
    await page.getByRole('button', { name: 'Save experiment' }).click();
    await page.waitForFunction(() => document.querySelector('[name="metrics[0].quantile"]')?.getAttribute('aria-invalid') === 'true');
    const errorAt = (name: string) => page.locator(`.field.invalid:has([name="${name}"]) .error`);
    assert.match(await errorAt('metrics[0].quantile').textContent() ?? '', /above 0 and below 1/);
    assert.match(await errorAt('metrics[0].valueProperty').textContent() ?? '', /is required/);
    assert.equal(await first.getByLabel('Event', { exact: true }).inputValue(), 'Order Completed', 'nothing typed is lost');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true', 'the focus is on the first invalid input');
    await look('experiment-metrics-errors');
    await first.getByLabel('Quantile', { exact: true }).fill('0.9');
    await first.getByLabel('Property summed').fill('revenue');
    await page.getByRole('button', { name: 'Save experiment' }).click();
    await page.getByRole('heading', { name: 'Results: Sign-up form' }).waitFor();
    const saved = await call('GET', '/v1/experiments/signup') as { metrics: Array<Record<string, unknown>> };
    assert.deepEqual(saved.metrics.map((m) => [m.id, m.kind, m.quantile ?? null, m.of ?? null, m.valueProperty ?? null, m.guardrail, m.higherIsBetter]),
      [['order-median', 'quantile', 0.9, 'sum', 'revenue', true, true], ['bounce-rate', 'ratio', null, null, null, false, false]]);
    assert.deepEqual([saved.metrics[1]!.numerator, saved.metrics[1]!.denominator], [{ counter: 'bounces' }, { counter: 'sessions' }]);
    // Read back into the editor as saved.
    await page.goto(`${tessera.url}/admin/experiments/signup/edit`);
    await page.getByRole('group', { name: /^Metric 2: bounce-rate/ }).waitFor();
    assert.equal(await page.getByRole('group', { name: /^Metric 1/ }).getByLabel('Quantile', { exact: true }).inputValue(), '0.9');
  });

  it('measures a change without an experiment, in German', async () => {
    await page.goto(`${tessera.url}/admin/experiments`);
    await page.getByLabel('Language').selectOption('de');
    const panel = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Eine Änderung ohne Experiment messen' }) });
    await panel.waitFor();
    await panel.getByLabel('Tage davor und danach').fill('0');
    await panel.getByRole('button', { name: 'Messen' }).click();
    await page.waitForFunction(() => document.querySelector('[name="days"]')?.getAttribute('aria-invalid') === 'true');
    await panel.getByLabel('Zeitpunkt der Änderung').fill(localInput(AT));
    await panel.getByLabel('Tage davor und danach').fill('3');
    await panel.getByLabel('Ereignis', { exact: true }).fill('Demo Requested');
    await panel.getByRole('button', { name: 'Messen' }).click();
    const table = panel.getByRole('table', { name: /Demo Requested: vor und nach/ });
    await table.waitFor();
    const api = await call('GET', `/v1/measures/before-after?at=${new Date(AT).toISOString()}&days=3&event=Demo%20Requested`) as { treated: { before: { n: number; mean: number }; after: { mean: number } }; differenceInDifferences: { estimate: number } | null; warnings: Array<{ code: string }> };
    const treated = await table.getByRole('row', { name: /Alle anderen/ }).getByRole('cell').allTextContents();
    const pct = (x: number) => `${(x * 100).toLocaleString('de-DE', { maximumFractionDigits: 2 })} %`;
    assert.ok(treated[0]!.startsWith(pct(api.treated.before.mean)), `treated before: ${treated[0]}`);
    assert.ok(treated[1]!.startsWith(pct(api.treated.after.mean)), `treated after: ${treated[1]}`);
    assert.match(treated[2]!, /Pp\..*…/);
    assert.ok(await table.getByRole('row', { name: /Globale Kontrollgruppe/ }).count() === 1);
    if (api.differenceInDifferences) assert.match(await panel.locator('.did').textContent() ?? '', /Wirkung der Änderung \(Differenz der Differenzen\): .* Intervall .* … /);
    assert.ok(api.warnings.some((w) => w.code === 'too_few_people'), 'the 5% holdout of 60 people is too small');
    assert.match(await panel.locator('.notice.warn').textContent() ?? '', /Weniger als 30 Personen der Kontrollgruppe/);
    // Every option of "Gemessen als" fits its select (the longest was cut off before).
    const cut = await panel.getByLabel('Gemessen als').evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return [...select.options].filter((o) => context.measureText(o.text).width > room).map((o) => o.text);
    });
    assert.deepEqual(cut, []);
    await look('experiments-before-after-de');
    await page.goto(`${tessera.url}/admin/experiments/hero-copy`);
    await page.getByRole('heading', { name: 'Entschieden: Long copy hat gewonnen' }).waitFor();
    await look('experiment-concluded-de');
    await page.getByLabel('Sprache').selectOption('en');
  });

  it('raised no error in the page', () => {
    assert.deepEqual(errors, []);
  });
});
