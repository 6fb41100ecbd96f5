/**
 * The "Why am I seeing this?" page in a real browser (issue 14 §3): it looks like Tessera's other
 * public pages, its "Show me general content instead" form posts under the page's Content Security
 * Policy, and the next decide for that person stays at contextual depth. Screenshots in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, startTessera, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { HERO } from '../http/decide-suite.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const skip = browserSkipReason();
let browser: Browser;
let t: TesseraUnderTest;
let base: string;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
  t = await startTessera({ segmentScheduler: false });
  base = await t.tessera.app.listen({ host: '127.0.0.1', port: 0 });
  const admin = (method: 'POST' | 'PUT', url: string, body: unknown) => t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  assert.equal((await admin('POST', '/v1/slots', HERO)).statusCode, 201);
  // About personalization: nobody is held out (the global holdout is tested in test/http/slot-experiments-suite.ts).
  assert.equal((await admin('PUT', '/v1/experiment-settings', { holdoutShare: 0 })).statusCode, 200);
  assert.equal((await admin('PUT', '/v1/personalization/settings', { privacyUrl: 'https://shop.example.test/privacy' })).statusCode, 200);
  await t.collect('/v1/identify', { anonymousId: 'aid-dieter', traits: { plan: 'free' } });
  for (let i = 0; i < 3; i++) await t.collect('/v1/page', { anonymousId: 'aid-dieter', messageId: `p-${i}`, category: 'smart-factory', properties: { path: `/a/${i}`, url: `https://shop.example.test/a/${i}` } });
  await t.collect('/v1/consent', { anonymousId: 'aid-dieter', purposes: { personalization: true }, channel: 'banner' });
});
after(async () => { await browser?.close(); await t?.close(); });

const decide = async () => {
  const res = await t.inject({ method: 'POST', url: '/v1/decide', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, payload: JSON.stringify({ slots: ['hero'], anonymousId: 'aid-dieter', context: { locale: 'de-DE' } }) });
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body).decisions.hero as { decisionId: string; depth: string; rule: string; explanation: { text: string } };
};

test('the why page explains in German and its button switches personalization off for the next decide', { skip }, async () => {
  const first = await decide();
  assert.equal(first.rule, 'r-readers');
  const context = await browser.newContext({ locale: 'de-DE', extraHTTPHeaders: { 'accept-language': 'de-DE,de;q=0.9' } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/why/${first.decisionId}`);
  assert.equal(await page.locator('h1').textContent(), 'Warum sehe ich das?');
  assert.ok((await page.locator('main').textContent())!.includes(first.explanation.text));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'why-page-de.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Allgemeine Inhalte anzeigen' }).click()]);
  assert.equal(await page.locator('h1').textContent(), 'Ab jetzt allgemeine Inhalte');
  await page.screenshot({ path: join(ARTIFACTS, 'why-page-de-done.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no CSP or script errors');
  const next = await decide();
  assert.ok(['none', 'contextual'].includes(next.depth), next.depth);
  await context.close();
});
