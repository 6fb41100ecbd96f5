/**
 * A real Tessera for the email-link tests: a fresh SQLite store, the real app with injected
 * requests, a clock the test moves (links minted "a minute ago" are not clicked "right after the
 * send"), optionally a real SMTP server, and helpers for the admin API.
 */
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openStore } from '../../src/storage/open-store.js';
import { createLogger, createTessera, type Tessera } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { ADMIN_KEY, WRITE_KEY, basicAuth, tempDir } from '../support/tessera-under-test.js';

export const HUMAN_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
export const BASE = 'https://t.example.com';

export interface LinksHarness {
  tessera: Tessera;
  dataDir: string;
  smtp: SmtpSink | null;
  clock: { now: number };
  /** Moves the clock forward. */
  later(ms: number): void;
  admin(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  write(url: string, body: unknown): Promise<LightMyRequestResponse>;
  /** A browser-like request to a link (path or full URL on BASE). */
  visit(method: 'GET' | 'POST' | 'HEAD', url: string, options?: { userAgent?: string | null; body?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  identify(body: Record<string, unknown>): Promise<void>;
  profileId(identifier: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLinksHarness(options: { smtp?: boolean; postgres?: boolean; config?: Partial<Config> } = {}): Promise<LinksHarness> {
  const dir = tempDir('tessera-links-');
  const smtp = options.smtp ? await startSmtpSink() : null;
  const database: TestDatabase | null = options.postgres ? await createTestDatabase() : null;
  const config: Config = {
    ...loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent', sqliteSync: 'normal' } }),
    publicUrl: BASE,
    links: { allowedDomains: ['acme.example'] },
    ...(smtp ? { smtpUrl: smtp.url, mailFrom: 'Acme <news@acme.example>' } : {}),
    ...(database ? { databaseUrl: database.url } : {}),
    ...options.config,
  };
  const clock = { now: Date.UTC(2026, 2, 1, 9) };
  const store = await openStore(config);
  await ensureDefaultWorkspace(store, { now: clock.now, writeKey: WRITE_KEY, adminKey: ADMIN_KEY });
  const tessera = await createTessera({ config, store, logger: createLogger(config), now: () => clock.now });
  const inject = tessera.app.inject.bind(tessera.app);
  const h: LinksHarness = {
    tessera, smtp, clock, dataDir: dir.path,
    later: (ms) => { clock.now += ms; },
    admin: (method, url, body) => inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) }),
    write: (url, body) => inject({ method: 'POST', url, headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    visit: (method, url, o = {}) => inject({
      method, url: url.startsWith(BASE) ? url.slice(BASE.length) : url,
      headers: { ...(o.userAgent === null ? {} : { 'user-agent': o.userAgent ?? HUMAN_UA }), ...(o.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body } : {}),
    }),
    async identify(body) {
      const response = await h.write('/v1/identify', body);
      if (response.statusCode !== 200) throw new Error(`identify failed: ${response.body}`);
    },
    async profileId(identifier) {
      const id = await tessera.store.profiles.resolve('default', identifier);
      if (!id) throw new Error(`no profile for ${identifier}`);
      return id;
    },
    async close() {
      await tessera.close();
      await smtp?.close();
      await database?.drop();
      dir.remove();
    },
  };
  return h;
}

/** The track events of a profile with this name, oldest first. */
export async function eventsNamed(h: LinksHarness, profileId: string, name: string) {
  const page = await h.tessera.store.profiles.events('default', profileId, { limit: 200 });
  return page.events.filter((e) => e.type === 'track' && e.name === name).reverse();
}
