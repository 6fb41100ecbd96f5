/**
 * Issue 16 §6 "Done when", in headless Chromium against a real Tessera process (SQLite) and the demo site's
 * solutions page (test/browser/tracker-site.ts): the hero slot runs a two-arm experiment (`calm` / `bold`) with
 * automatic optimisation (`rollout`, decided by the sequential test), and a 10% global holdout.
 *
 *  1. Browser visitors (their anonymous ids set in the tracker's cookie, so the test knows who is held out) see
 *     the arm the real `@growthbook/growthbook` SDK assigns them, compared per visitor; held-out visitors see the
 *     slot's default, in no experiment. Their `Slot Viewed` (sent by the tracker) show in the results as units.
 *  2. Volume through the same public path without a browser: decide per visitor (compared with GrowthBook too),
 *     `Slot Viewed` with the decisionId; conversions (`Demo Requested`) from a fixed seed with a planted 20% uplift
 *     (50% → 60%). Exposures and conversions show in the results as soon as they are ingested (polled).
 *  3. The optimiser (every 0.5 s here) finds the uplift, concludes the experiment and rolls out `bold`; the results
 *     show the conclusion, a signed `experiment.concluded` reaches a real webhook receiver, and a new browser
 *     visitor whom GrowthBook puts in `calm` is shown `bold`; a held-out visitor still sees the default.
 * SRM flagged on skewed arms: test/http/experiment-optimiser-suite.ts. Screenshots: test-artifacts/experiments/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GrowthBook } from '@growthbook/growthbook';
import type { Browser, Page } from 'playwright-core';
import { isInHoldout } from '../../src/core/experiments/holdout.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { verifySignature } from '../../src/core/webhooks/signature.js';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { freePort, PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { buildTracker } from '../../web/tracker/build.js';
import { adminGet, eventually, watchPageErrors } from './browser-harness.js';
import { trackerReady } from './tracker-helpers.js';
import { startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

const PERSON_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'experiments');
const KEY = 'hero-copy';
const HOLDOUT = 0.1;
const TEXT = { general: 'Connected product data, for every team', calm: 'Plan your product data calmly', bold: 'Double your engineering output' };
/** The planted effect: conversion 50% in calm, 60% in bold (+20%). */
const RATE = { calm: 0.5, bold: 0.6 } as const;
const API_VISITORS = 1400;

type Json = Record<string, any>;
const skip = browserSkipReason();
const dataDir = tempDir('tessera-experiment-demo-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;
let receiver: WebhookReceiver;
let secret: string;

async function call(method: 'POST' | 'PUT' | 'GET', path: string, body?: unknown, key = `Bearer ${ADMIN_KEY}`): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${tessera.url}${path}`, { method, headers: { authorization: key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) as Json : {} };
}
const results = async () => (await adminGet<Json>(tessera.url, `/v1/experiments/${KEY}/results`)).body;
const unitsOf = (r: Json) => (r.variations as Json[]).reduce((s, v) => s + (v.units as number), 0);
const conversionsOf = (r: Json) => (r.variations as Json[]).reduce((s, v) => s + (v.conversions as number), 0);
const diagnose = () => `Tessera:\n${tessera.output().slice(-3000)}`;

/** GrowthBook's own SDK: the arm it gives this id, or null outside the experiment. */
function growthBookArm(id: string): 'calm' | 'bold' | null {
  const gb = new GrowthBook({ attributes: { id } });
  const r = gb.run({ key: KEY, variations: ['calm', 'bold'] as const, weights: [0.5, 0.5], coverage: 1, hashVersion: 2, seed: KEY });
  gb.destroy();
  return r.inExperiment ? r.value : null;
}
const held = (id: string) => isInHoldout({ holdoutShare: HOLDOUT }, id);
/** Whether this visitor converts: a draw of a generator seeded from the id (FNV-1a), so the outcome does not depend on the order visitors run in. */
function converts(id: string, arm: 'calm' | 'bold'): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return seededRandom(h ^ 16)() < RATE[arm];
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildTracker();
  receiver = await startWebhookReceiver();
  const port = await freePort();
  tessera = await startServerProcess({ dataDir: dataDir.path, port, env: { TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`, TESSERA_EXPERIMENT_OPTIMISER_SECONDS: '0.5', TESSERA_WEBHOOK_ALLOW: '127.0.0.1' } });
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  site.attrs = { 'cookie-domain': 'acme.test', 'slot-timeout': '10000' };
  assert.equal((await call('PUT', '/v1/experiment-settings', { holdoutShare: HOLDOUT })).status, 200);
  const hook = await call('POST', '/v1/webhooks', { url: receiver.url, events: ['experiment.concluded', 'experiment.srm_detected', 'experiment.guardrail_breached'] });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  secret = hook.body.secret as string;
  const experiment = await call('POST', '/v1/experiments', {
    key: KEY, name: 'Hero copy', status: 'running', variations: [{ id: 'calm', name: 'Calm', weight: 0.5 }, { id: 'bold', name: 'Bold', weight: 0.5 }],
    goal: { event: 'Demo Requested', windowHours: 24 }, analysis: { expectedUnits: 1300 },
    optimisation: { mode: 'rollout', decideBy: 'sequential', minUnitsPerArm: 300 },
  });
  assert.equal(experiment.status, 201, JSON.stringify(experiment.body));
  const slot = await call('POST', '/v1/slots', {
    id: 'hero', name: 'Hero', channel: 'web', experiment: KEY, defaultVariantId: 'general',
    variants: [{ id: 'general', title: TEXT.general, body: 'One model from design to service.', format: 'text' }, { id: 'calm', title: TEXT.calm, body: 'Start small, connect step by step.', format: 'text' }, { id: 'bold', title: TEXT.bold, body: 'One model, every team, from day one.', format: 'text' }],
    rules: [],
  });
  assert.equal(slot.status, 201, JSON.stringify(slot.body));
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  await receiver?.close();
  dataDir.remove();
});

/** A browser visitor with the given anonymous id (the tracker's cookie, with analytics consent so it is kept). */
async function visit(id: string, screenshot?: string): Promise<{ hero: string; decision: Json; page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, userAgent: PERSON_BROWSER });
  await context.addCookies([{ name: 'tsr_aid', value: id, domain: '.acme.test', path: '/' }, { name: 'tsr_consent', value: 'analytics:1', domain: '.acme.test', path: '/' }]);
  const decisions: Json[] = [];
  context.on('response', (response) => {
    if (response.url().startsWith(`${tessera.url}/v1/decide`)) void response.json().then((b: Json) => decisions.push(b), () => {});
  });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  // The tracker sends `Slot Viewed` after the slot was half in view for a second; wait for Tessera's answer to it.
  const viewed = page.waitForRequest((r) => r.url().startsWith(`${tessera.url}/v1/`) && (r.postData() ?? '').includes('Slot Viewed'), { timeout: 30_000 });
  await page.goto(site.url('www.acme.test', '/solutions'));
  assert.equal(await trackerReady(page), id, 'the tracker uses the id of its cookie');
  await page.waitForFunction(() => document.querySelectorAll('[data-tessera-slot].tsr-wait').length === 0);
  await eventually('the decide answer', async () => decisions.length, (n) => n > 0, diagnose);
  await (await viewed).response();
  const hero = (await page.locator('[data-tessera-slot="hero"]').innerText()).trim();
  if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  assert.deepEqual(errors, []);
  return { hero, decision: decisions[0]!.decisions.hero, page, close: () => context.close() };
}

describe('experiment demo in Chromium', { skip, timeout: 300_000 }, () => {
  const browserIds = Array.from({ length: 200 }, (_, i) => `demo-browser-${i}`);
  const inExperiment = browserIds.filter((id) => !held(id)).slice(0, 12);
  const heldOut = browserIds.filter(held).slice(0, 2);

  it('browser visitors get GrowthBook\'s arm, the holdout the default; their views show in the results', async () => {
    assert.equal(heldOut.length, 2);
    const shots = new Set<string>();
    for (let i = 0; i < inExperiment.length; i += 4) {
      await Promise.all(inExperiment.slice(i, i + 4).map(async (id) => {
        const expected = growthBookArm(id)!;
        const shot = shots.has(expected) ? undefined : (shots.add(expected), `1-arm-${expected}.png`);
        const v = await visit(id, shot);
        assert.equal(v.decision.experiment, KEY, id);
        assert.equal(v.decision.variation, expected, `${id}: GrowthBook says ${expected}`);
        assert.ok(v.hero.includes(TEXT[expected]), `${id} sees ${expected}: ${v.hero}`);
        // Simulated conversion (fixed seed), sent by the page's own tracker.
        if (converts(id, expected)) await v.page.evaluate(() => (globalThis as unknown as { tessera: { track(n: string): void } }).tessera.track('Demo Requested'));
        await v.page.waitForLoadState('networkidle');
        await v.close();
      }));
    }
    for (const [n, id] of heldOut.entries()) {
      const v = await visit(id, n === 0 ? '2-holdout-default.png' : undefined);
      assert.equal(v.decision.experiment, undefined, `${id} is held out: in no experiment`);
      assert.equal(v.decision.variant.id, 'general');
      assert.ok(v.hero.includes(TEXT.general), v.hero);
      await v.close();
    }
    await eventually('the browser visitors\' exposures in the results', results, (r) => unitsOf(r) === inExperiment.length, diagnose);
  });

  it('volume through decide and Slot Viewed: GrowthBook\'s arms, exposures and conversions show in the results, the planted uplift is rolled out', async () => {
    const ids = Array.from({ length: API_VISITORS }, (_, i) => `demo-api-${i}`);
    const views: Json[] = [];
    const arms = new Map<string, 'calm' | 'bold'>();
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(ids.slice(i, i + 20).map(async (id) => {
        const answer = await call('POST', '/v1/decide', { slots: ['hero'], anonymousId: id }, basicAuth(WRITE_KEY));
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const d = answer.body.decisions.hero as Json;
        if (held(id)) { assert.equal(d.experiment, undefined, id); return; }
        assert.equal(d.variation, growthBookArm(id), id);
        arms.set(id, d.variation as 'calm' | 'bold');
        views.push({ type: 'track', anonymousId: id, event: 'Slot Viewed', properties: { slot: 'hero', variant: d.variant.id, decisionId: d.decisionId, ruleId: d.rule, depth: d.depth, experiment: d.experiment, variation: d.variation } });
      }));
    }
    for (let i = 0; i < views.length; i += 500) assert.equal((await call('POST', '/v1/batch', { batch: views.slice(i, i + 500) }, basicAuth(WRITE_KEY))).status, 200);
    const sent = Date.now();
    const exposed = await eventually('every exposure in the results', results, (r) => unitsOf(r) === inExperiment.length + arms.size, diagnose);
    console.log(`${arms.size} exposures in the results ${Date.now() - sent} ms after their last batch was accepted (polled)`);
    assert.ok(exposed.status === 'running', 'not decided without conversions');
    const converters = [...arms].filter(([id, arm]) => converts(id, arm)).map(([id]) => id);
    const conversionsBefore = conversionsOf(exposed);
    const events = converters.map((anonymousId) => ({ type: 'track', anonymousId, event: 'Demo Requested' }));
    for (let i = 0; i < events.length; i += 500) assert.equal((await call('POST', '/v1/batch', { batch: events.slice(i, i + 500) }, basicAuth(WRITE_KEY))).status, 200);
    const converted = Date.now();
    const counted = await eventually('the conversions in the results', results, (r) => conversionsOf(r) === conversionsBefore + converters.length, diagnose);
    console.log(`${converters.length} conversions in the results ${Date.now() - converted} ms after their last batch was accepted (polled)`);
    const calm = (counted.variations as Json[])[0]!;
    const bold = (counted.variations as Json[])[1]!;
    const lift = bold.conversionRate / calm.conversionRate - 1;
    console.log(`units calm ${calm.units} bold ${bold.units}; conversion calm ${calm.conversionRate.toFixed(3)} bold ${bold.conversionRate.toFixed(3)}; observed lift ${(lift * 100).toFixed(1)}%`);

    const concluded = await eventually('the optimiser\'s conclusion', results, (r) => r.status === 'concluded', diagnose);
    assert.equal(concluded.conclusion.winner.id, 'bold');
    assert.equal(concluded.conclusion.decidedBy, 'sequential');
    assert.deepEqual(concluded.conclusion.applied, { kind: 'rollout', slots: ['hero'] });
    assert.ok(concluded.conclusion.evidence.interval[0] > 0, JSON.stringify(concluded.conclusion));
    assert.deepEqual(concluded.alerts, [], 'no SRM, no guardrail');
    console.log(`concluded: ${JSON.stringify(concluded.conclusion)}`);

    await receiver.until((r) => r.some((x) => x.body.includes('"experiment.concluded"')));
    const announced = receiver.received.find((x) => x.body.includes('"experiment.concluded"'))!;
    assert.ok(verifySignature(secret, announced.body, String(announced.headers['tessera-signature']), Date.now()));
    assert.equal((JSON.parse(announced.body) as Json).data.winner.id, 'bold');
  });

  it('after the rollout a visitor GrowthBook puts in calm sees bold; the holdout still sees the default', async () => {
    const calmVisitor = Array.from({ length: 100 }, (_, i) => `demo-late-${i}`).find((id) => !held(id) && growthBookArm(id) === 'calm')!;
    // Decide reads definitions at most 2 s stale.
    await eventually('the rollout on decide', async () => (await call('POST', '/v1/decide', { slots: ['hero'], anonymousId: calmVisitor }, basicAuth(WRITE_KEY))).body.decisions.hero.variant.id, (v) => v === 'bold', diagnose);
    const v = await visit(calmVisitor, '3-after-rollout-calm-visitor-sees-bold.png');
    assert.ok(v.hero.includes(TEXT.bold), v.hero);
    await v.close();
    const h = await visit(heldOut[1]!, '4-after-rollout-holdout-default.png');
    assert.ok(h.hero.includes(TEXT.general), h.hero);
    assert.equal(h.decision.experiment, undefined);
    await h.close();
  });
});
