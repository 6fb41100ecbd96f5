/**
 * What the admin app's browser tests share: a real server process with the admin app built, the
 * first-start welcome link it prints, and the axe-core check every screen passes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { buildAdmin } from '../../admin/build.js';
import { PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY } from '../support/tessera-under-test.js';

export const ARTIFACTS = `${PROJECT_ROOT}test-artifacts/admin/`;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Builds the admin app, starts Tessera on a fresh data directory and returns it with the welcome
 * link of its first start (pointed at the test server). Sign-ins are allowed more often than the
 * default 10 a minute from one address: every test signs in afresh. `env` adds settings (a faster
 * experiment optimiser, say).
 */
export async function startAdminServer(dataDir: string, env: Record<string, string> = {}): Promise<{ tessera: ServerProcess; welcomeUrl: string }> {
  await buildAdmin();
  mkdirSync(ARTIFACTS, { recursive: true });
  const tessera = await startServerProcess({ dataDir, env: { TESSERA_SIGN_INS_PER_MINUTE: '500', ...env } });
  const link = /https?:\/\/[^\s]+\/admin\/welcome\?token=[\w.~%-]+/.exec(tessera.output());
  assert.ok(link, `the first start prints a welcome link:\n${tessera.output()}`);
  return { tessera, welcomeUrl: link[0].replace(/^https?:\/\/[^/]+/, tessera.url) };
}

/** axe-core in the page: no serious or critical violation (a list of them otherwise). */
export async function checkAccessibility(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${screen}: axe-core violations`);
}

/** An admin API call with the admin key; anything but 2xx fails the test with the answer. */
export async function adminCall(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Events sent through the collection API (`/v1/batch`) with the write key. */
export async function collectBatch(baseUrl: string, batch: unknown[]): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body: JSON.stringify({ batch }) });
  assert.ok(res.ok, `batch: ${res.status} ${await res.text()}`);
}

/** The first administrator, created through the welcome link `npm start` prints; signed in afterwards. */
export async function createFirstAdmin(page: Page, welcomeUrl: string, admin: { name: string; email: string }, password: string): Promise<void> {
  await page.goto(welcomeUrl);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('E-mail address').fill(admin.email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Create account and sign in' }).click();
  await page.getByRole('navigation', { name: 'Areas' }).waitFor();
}
