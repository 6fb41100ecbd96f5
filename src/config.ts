/**
 * Configuration: the only reader of the environment. Sources, later ones winning: built-in
 * defaults, a JSON config file (`--config` / TESSERA_CONFIG), environment variables, CLI flags.
 * Validated once at start; an invalid value stops the process with a message naming it.
 */
import { parseSecretsKey } from './storage/shared/secret-box.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_ILLEGAL_VALUES } from './core/identity/identity-key.js';
import { httpUrlSchema } from './core/safe-url.js';
import { parseAllowEntry } from './core/webhooks/webhook-target.js';

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8780),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  publicUrl: httpUrlSchema(2048, 'must be an http(s) URL such as https://tessera.example.com')
    .refine((u) => !/[?#]/.test(u), 'must not carry a query or a fragment').optional(),
  writeKey: z.string().min(8, 'must be at least 8 characters').optional(),
  adminKey: z.string().min(16, 'must be at least 16 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  sqliteSync: z.enum(['full', 'normal']).default('full'),
  retentionIntervalMinutes: z.coerce.number().int().min(0).default(60),
  /** Re-evaluate segments when time windows pass (off only for tests that drive the scheduler themselves). */
  segmentScheduler: z.union([z.boolean(), z.enum(['true', 'false'])]).default(true).transform((v) => v === true || v === 'true'),
  /** Which proxies to believe about the client address (X-Forwarded-For): false, true, a hop count, or addresses/CIDRs. */
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]).default(false)
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v)),
  identity: z.object({
    illegalValues: z.array(z.string()).default([...DEFAULT_ILLEGAL_VALUES]),
    maxPerProfile: z.object({
      user_id: positiveInt.default(3),
      email: positiveInt.default(5),
      anonymous_id: positiveInt.default(500),
    }).default({ user_id: 3, email: 5, anonymous_id: 500 }),
  }).default({ illegalValues: [...DEFAULT_ILLEGAL_VALUES], maxPerProfile: { user_id: 3, email: 5, anonymous_id: 500 } }),
  /**
   * The key that seals secrets at rest (privacy secrets, link-signing keys, webhook secrets): 32
   * bytes in base64 or hex. Without it, the embedded store keeps its key in `secrets.key` in the
   * data folder; PostgreSQL stores them unsealed and warns.
   */
  secretsKey: z.string().refine((v) => parseSecretsKey(v) !== null, 'must be 32 bytes in base64 or hex, e.g. the output of `openssl rand -base64 32`').optional(),
  /** Keys used before `secretsKey` (comma-separated in the environment): they only open, and what they sealed is sealed again at start. */
  secretsKeyPrevious: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((k) => k.trim()).filter(Boolean) : v),
    z.array(z.string().refine((v) => parseSecretsKey(v) !== null, 'each must be 32 bytes in base64 or hex'))).default([]),
  /** SMTP transport of Tessera's own emails (double opt-in confirmations, `POST /v1/emails/send`). */
  smtpUrl: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587').optional(),
  mailFrom: z.string().min(3).default('Tessera <no-reply@localhost>'),
  links: z.object({
    /**
     * Domains email-link clicks may redirect to (each also allows its subdomains), for every
     * workspace; a workspace adds its own through `PUT /v1/links/settings`. Comma-separated in the
     * environment.
     */
    allowedDomains: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((d) => d.trim()).filter(Boolean) : v),
      z.array(z.string().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)*[a-z0-9-]+$/i, 'must be a domain name such as acme.com'))).default([]),
  }).default({ allowedDomains: [] }),
  /**
   * Bearer token for `GET /metrics`. Without it, only clients on this machine (loopback) may read
   * the metrics.
   */
  metricsToken: z.string().min(16, 'must be at least 16 characters, e.g. the output of `openssl rand -hex 24`').optional(),
  /** Sessions of people signed in to the admin app (docs/admin.md): idle and absolute timeouts, sign-in attempts per address. */
  sessions: z.object({
    idleMinutes: positiveInt.max(24 * 60).default(30),
    absoluteHours: positiveInt.max(24 * 30).default(12),
    signInsPerMinute: positiveInt.max(10_000).default(10),
  }).default({ idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 10 }),
  ingest: z.object({
    maxBatchEvents: positiveInt.default(5000),
    maxPendingEvents: positiveInt.default(200_000),
    maxInFlight: positiveInt.default(1),
  }).default({ maxBatchEvents: 5000, maxPendingEvents: 200_000, maxInFlight: 1 }),
  /** Experiments: how often the optimiser and monitor look at running experiments (experiments/experiment-optimiser.ts). */
  experiments: z.object({
    optimiserIntervalSeconds: z.coerce.number().min(0.1).max(86_400).default(60),
  }).default({ optimiserIntervalSeconds: 60 }),
  /** Webhook delivery (config file only, but `allow`): attempts in all, retry delays (exponential, jittered), request timeout, days the delivery log is kept. */
  webhooks: z.object({
    deliver: z.boolean().default(true),
    maxAttempts: positiveInt.max(50).default(12),
    retryBaseSeconds: z.coerce.number().positive().default(60),
    retryMaxSeconds: z.coerce.number().positive().default(43_200),
    timeoutSeconds: z.coerce.number().positive().max(120).default(10),
    logRetentionDays: z.coerce.number().positive().max(3650).default(30),
    /**
     * Internal targets webhooks may point to after all (core/webhooks/webhook-target.ts): CIDRs,
     * addresses, host names (`*.example.corp`: every name below). Comma-separated in the
     * environment. Default: none, only public addresses.
     */
    allow: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((d) => d.trim()).filter(Boolean) : v),
      z.array(z.string().refine((v) => parseAllowEntry(v) !== null, 'each must be a CIDR (10.0.0.0/8), an address (127.0.0.1, ::1) or a host name (hooks.corp, *.corp)'))).default([]),
  }).default({ deliver: true, maxAttempts: 12, retryBaseSeconds: 60, retryMaxSeconds: 43_200, timeoutSeconds: 10, logRetentionDays: 30, allow: [] }),
});

export type Config = z.infer<typeof schema>;

/** Environment variable → config path. Listed in `tessera serve --help`. */
export const ENVIRONMENT: ReadonlyArray<[string, string, string]> = [
  ['TESSERA_HOST', 'host', 'address to listen on (default 127.0.0.1)'],
  ['TESSERA_PORT', 'port', 'port to listen on (default 8780)'],
  ['TESSERA_DATA_DIR', 'dataDir', 'folder of the embedded SQLite store (default ./data)'],
  ['TESSERA_DATABASE_URL', 'databaseUrl', 'postgres://… to use PostgreSQL instead of SQLite'],
  ['TESSERA_PUBLIC_URL', 'publicUrl', 'address browsers and email recipients reach Tessera at, e.g. https://t.example.com (needed for emails with links; default: the listen address, for this machine only)'],
  ['TESSERA_WRITE_KEY', 'writeKey', 'seed this write key into the default workspace'],
  ['TESSERA_ADMIN_KEY', 'adminKey', 'seed this admin key into the default workspace'],
  ['TESSERA_LOG_LEVEL', 'logLevel', 'fatal|error|warn|info|debug|trace|silent (default info)'],
  ['TESSERA_SQLITE_SYNC', 'sqliteSync', 'full (survives power loss, default) or normal (survives a process crash)'],
  ['TESSERA_TRUST_PROXY', 'trustProxy', 'believe X-Forwarded-For from: true, a hop count, or addresses/CIDRs (default false)'],
  ['TESSERA_RETENTION_INTERVAL_MINUTES', 'retentionIntervalMinutes', 'how often the retention job runs (default 60; 0: never)'],
  ['TESSERA_SEGMENT_SCHEDULER', 'segmentScheduler', 'true (default) or false: re-evaluate segments when time windows pass'],
  ['TESSERA_SECRETS_KEY', 'secretsKey', 'key sealing secrets at rest, 32 bytes base64 or hex (default for SQLite: secrets.key in the data folder)'],
  ['TESSERA_SECRETS_KEY_PREVIOUS', 'secretsKeyPrevious', 'comma-separated keys used before TESSERA_SECRETS_KEY: secrets they sealed are sealed again at start'],
  ['TESSERA_SMTP_URL', 'smtpUrl', 'SMTP server of opt-in and link emails, e.g. smtp://user:pass@mail.example.com:587'],
  ['TESSERA_MAIL_FROM', 'mailFrom', 'sender of those emails (default "Tessera <no-reply@localhost>")'],
  ['TESSERA_LINK_DOMAINS', 'links.allowedDomains', 'comma-separated domains email-link clicks may redirect to (and their subdomains)'],
  ['TESSERA_EXPERIMENT_OPTIMISER_SECONDS', 'experiments.optimiserIntervalSeconds', 'how often running experiments are checked for a decision, SRM and guardrail breaches, and bandits for due weight updates (default 60)'],
  ['TESSERA_WEBHOOK_ALLOW', 'webhooks.allow', 'comma-separated internal CIDRs, addresses or host names webhooks may be sent to (default: public addresses only)'],
  ['TESSERA_METRICS_TOKEN', 'metricsToken', 'bearer token Prometheus sends for GET /metrics (without it: loopback clients only)'],
  ['TESSERA_SESSION_IDLE_MINUTES', 'sessions.idleMinutes', 'a signed-in session ends after this many minutes without a request (default 30)'],
  ['TESSERA_SESSION_ABSOLUTE_HOURS', 'sessions.absoluteHours', 'a signed-in session ends this many hours after sign-in at the latest (default 12)'],
  ['TESSERA_SIGN_INS_PER_MINUTE', 'sessions.signInsPerMinute', 'sign-in attempts per client address and minute (default 10)'],
  ['TESSERA_CONFIG', '', 'path of a JSON config file'],
];

export interface ConfigSources {
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
}

export class ConfigError extends Error {}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.configFile ?? (sources.flags?.config as string | undefined) ?? env.TESSERA_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(resolve(file), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, path] of ENVIRONMENT) if (path && env[name] !== undefined && env[name] !== '') setPath(fromEnv, path, env[name]);
  const fromFlags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([k, v]) => v !== undefined && k !== 'config'));
  // Merged key by key: TESSERA_WEBHOOK_ALLOW sets webhooks.allow and keeps the file's other webhooks settings.
  const parsed = schema.safeParse(mergeSources(mergeSources(fromFile, fromEnv), fromFlags));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** `over` laid over `base`: nested plain objects are merged, any other value of `over` wins. */
function mergeSources(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    // defineProperty, not assignment: a "__proto__" key of the JSON file stays a plain key.
    Object.defineProperty(merged, key, { value: isPlainObject(under) && isPlainObject(value) ? mergeSources(under, value) : value, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets `a.b` of an object of the environment's values (a nested config value). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) { target[head] = value; return; }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join('.'), value);
}
