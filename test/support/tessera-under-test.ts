/**
 * A real Tessera for tests: a real store (a fresh SQLite file by default, or PostgreSQL through
 * TESSERA_TEST_DATABASE_URL when a test asks for it), the real app, requests injected without a
 * socket. Keys are fixed so that tests can use them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openStore } from '../../src/storage/open-store.js';
import { createLogger, createTessera, type Tessera } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';

export const WRITE_KEY = 'wk_test_write_key_0001';
export const ADMIN_KEY = 'ak_test_admin_key_000000001';

export function tempDir(prefix = 'tessera-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TesseraUnderTest {
  tessera: Tessera;
  config: Config;
  dataDir: string;
  /** POSTs a JSON body with the write key as HTTP Basic user. */
  collect(path: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** GETs with the admin key. */
  admin(path: string): Promise<LightMyRequestResponse>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const basicAuth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** `extras`: what createTessera takes besides the config (pipeline steps a test adds). */
export async function startTessera(overrides: Partial<Config> = {}, extras: Pick<Parameters<typeof createTessera>[0], 'eventSteps' | 'now' | 'rollupLimits'> = {}): Promise<TesseraUnderTest> {
  const dir = tempDir();
  const config = { ...loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent' } }), ...overrides };
  const store = await openStore(config);
  await ensureDefaultWorkspace(store, { now: Date.now(), writeKey: WRITE_KEY, adminKey: ADMIN_KEY });
  const tessera = await createTessera({ config, store, logger: createLogger(config), ...extras });
  return {
    tessera, config, dataDir: dir.path,
    collect: (path, body, headers = {}) => tessera.app.inject({ method: 'POST', url: path, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY), ...headers } }),
    admin: (path) => tessera.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
    inject: (options) => tessera.app.inject(options),
    async close() {
      await tessera.close();
      dir.remove();
    },
  };
}
