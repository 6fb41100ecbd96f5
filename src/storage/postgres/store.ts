/**
 * The production store: PostgreSQL through a connection pool. Several Tessera servers may share one
 * database; the write transaction's locks (write-tx.ts) and the unique constraints keep them from
 * creating two profiles for one person or storing an event twice.
 *
 * `write` runs the work between BEGIN and COMMIT on one pooled connection and re-runs it from the
 * start on a transient conflict (deadlock, serialization failure, unique violation from a
 * concurrent writer; transaction.ts). Writes of one process are not serialised here: each gets its
 * own connection, so the database's locks are what keep them apart, the same as between servers.
 * `close` waits for the writes, privacy operations and VACUUM runs (vacuum.ts) under way.
 */
import { createPostgresSlotReportStore } from './slot-report-store.js';
import { createPostgresAnalyticsStore } from './analytics-store.js';
import { createPostgresHitStore } from './hit-store.js';
import type { PrivacyStore } from '../../ports/privacy-store.js';
import type { Store, WriteTx } from '../../ports/store.js';
import { assertNotNewer } from '../migration-status.js';
import type { OpenedStore } from '../opened-store.js';
import { createPool, describeUrl } from './database.js';
import { assertCurrent, migrateDatabase, migrationStatus } from './migrate.js';
import { createPostgresPrivacyStore } from './privacy-store.js';
import { createPostgresConfigStore } from './config-store.js';
import { createPostgresWebhookStore } from './webhook-store.js';
import { createPostgresSegmentStore } from './segment-store.js';
import { createPostgresKeyringStore } from './keyring-store.js';
import { createPostgresTokenUseStore } from './token-use-store.js';
import { createPostgresUserStore } from './user-store.js';
import { createPostgresExperimentStore } from './experiment-store.js';
import { createPostgresEmailStore } from './email-store.js';
import { createPostgresFormStore } from './form-store.js';
import { createPostgresDeadLetterStore } from './dead-letter-store.js';
import { createPostgresDecisionStore } from './decision-store.js';
import { createPostgresAudienceStore } from './audience-store.js';
import { createPostgresPersonaStore } from './persona-store.js';
import { createPostgresRecommendationStore } from './recommendation-store.js';
import { createPostgresProfileQueries } from './profile-queries.js';
import { inTransaction } from './transaction.js';
import { createVacuumScheduler } from './vacuum.js';
import { createMaintenanceStatus } from '../maintenance-status.js';
import { configurationWarnings } from './server-settings.js';
import { createSecretBox } from '../shared/secret-box.js';
import { sealStoredSecrets } from './seal-secrets.js';
import { createPostgresWorkspaceStore } from './workspace-store.js';
import { createPostgresWriteTx } from './write-tx.js';

const UNSEALED_WARNING = 'no secrets key is configured (TESSERA_SECRETS_KEY): the privacy secret of each workspace, the link-signing keys and '
  + 'the webhook secrets are stored unencrypted, so a copy of the database alone can reverse the IP hashes and sign links and webhook calls. '
  + 'Set TESSERA_SECRETS_KEY (32 bytes, base64 or hex; the same on every server) and restart: stored secrets are then sealed.';

export interface PostgresStoreOptions {
  url: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** The key that seals secrets at rest (TESSERA_SECRETS_KEY); without it they are stored as they are, with a warning. */
  secretsKey?: Buffer;
  /** Keys used before `secretsKey`: they open what they sealed, which is sealed again at open. */
  previousSecretsKeys?: readonly Buffer[];
  /** Connections at most (default 10). */
  poolSize?: number;
  now?: () => number;
  /** A background task failed (a VACUUM after erasure); default: reported to `maintenance` (logged by the composition). */
  onBackgroundError?: (error: Error) => void;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<OpenedStore> {
  const box = createSecretBox(options.secretsKey ?? null, 'TESSERA_SECRETS_KEY', options.previousSecretsKeys);
  const pool = createPool({ url: options.url, ...(options.poolSize ? { max: options.poolSize } : {}) });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`Cannot connect to PostgreSQL at ${describeUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (options.migrate ?? true) {
      await migrateDatabase(pool, options.now ?? Date.now);
      await sealStoredSecrets(pool, box);
    } else assertNotNewer(await migrationStatus(pool));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const now = options.now ?? Date.now;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(run: Promise<T>): Promise<T> => {
    pending.add(run);
    void run.catch(() => undefined).finally(() => pending.delete(run));
    return run;
  };
  // PostgreSQL checkpoints by itself; VACUUM after erasure is best effort (autovacuum follows), so
  // its failures are reported but do not make the store unready.
  const maintenance = createMaintenanceStatus(now);
  const onBackgroundError = options.onBackgroundError
    ?? ((error: Error) => maintenance.failed('vacuum', `VACUUM after erasure failed: ${error.message}`, { persistent: false }));
  const vacuum = createVacuumScheduler(pool, onBackgroundError);
  const store: OpenedStore = {
    kind: 'postgres',
    maintenance,
    workspaces: createPostgresWorkspaceStore(pool),
    profiles: createPostgresProfileQueries(pool),
    privacy: tracked(createPostgresPrivacyStore(pool, { now, vacuum, box }), track),
    configs: createPostgresConfigStore(pool),
    webhooks: createPostgresWebhookStore(pool, box),
    segments: createPostgresSegmentStore(pool),
    keyring: trackedMethods(createPostgresKeyringStore(pool, box), track),
    emails: trackedMethods(createPostgresEmailStore(pool), track),
    forms: trackedMethods(createPostgresFormStore(pool), track),
    tokenUses: trackedMethods(createPostgresTokenUseStore(pool), track),
    deadLetters: trackedMethods(createPostgresDeadLetterStore(pool), track),
    experiments: trackedMethods(createPostgresExperimentStore(pool), track),
    decisions: trackedMethods(createPostgresDecisionStore(pool), track),
    personas: trackedMethods(createPostgresPersonaStore(pool), track),
    slotReports: trackedMethods(createPostgresSlotReportStore(pool), track),
    users: trackedMethods(createPostgresUserStore(pool), track),
    recommendations: trackedMethods(createPostgresRecommendationStore(pool), track),
    analytics: trackedMethods(createPostgresAnalyticsStore(pool), track),
    hits: trackedMethods(createPostgresHitStore(pool), track),
    audiences: trackedMethods(createPostgresAudienceStore(pool), track),
    write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
      return track(inTransaction(pool, (client) => work(createPostgresWriteTx(client))));
    },
    async ping() {
      await assertCurrent(pool);
    },
    migrationStatus: () => migrationStatus(pool),
    configurationWarnings: async () => [...await configurationWarnings(pool), ...(box.sealing ? [] : [UNSEALED_WARNING])],
    async close() {
      await Promise.allSettled([...pending]);
      await vacuum.idle();
      await pool.end();
    },
  };
  return store satisfies Store;
}

/** The privacy store with every operation tracked, so that close waits for it. */
function tracked(privacy: PrivacyStore, track: <T>(run: Promise<T>) => Promise<T>): PrivacyStore {
  return {
    getSettings: (...args) => track(privacy.getSettings(...args)),
    putSettings: (...args) => track(privacy.putSettings(...args)),
    secret: (...args) => track(privacy.secret(...args)),
    consents: (...args) => track(privacy.consents(...args)),
    counters: (...args) => track(privacy.counters(...args)),
    audit: (...args) => track(privacy.audit(...args)),
    auditLog: (...args) => track(privacy.auditLog(...args)),
    erase: (...args) => track(privacy.erase(...args)),
    purgeEvents: (...args) => track(privacy.purgeEvents(...args)),
    redactMergeSnapshots: (...args) => track(privacy.redactMergeSnapshots(...args)),
  };
}

/** Every method of a store part tracked, so that close waits for it. */
function trackedMethods<T extends object>(part: T, track: <R>(run: Promise<R>) => Promise<R>): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(part)) {
    wrapped[name] = typeof method === 'function' ? (...args: unknown[]) => track(Promise.resolve((method as (...a: unknown[]) => unknown).apply(part, args))) : method;
  }
  return wrapped as T;
}
