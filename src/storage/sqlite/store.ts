/**
 * The embedded store: one SQLite file, a writer connection used by one transaction at a time and
 * a reader connection for queries (WAL: readers see the last commit and never block the writer).
 * Write transactions are `BEGIN IMMEDIATE`, so even two processes on one file take turns; one
 * server per file is the supported set-up.
 */
import type { SlotReportStore } from '../../ports/slot-report-store.js';
import { createSqliteSlotReportStore } from './slot-report-store.js';
import type { PrivacyStore } from '../../ports/privacy-store.js';
import type { ProfileQueries, Store, WorkspaceStore, WriteTx } from '../../ports/store.js';
import { createSqlitePrivacyStore } from './privacy-store.js';
import { createSqliteConfigStore } from './config-store.js';
import { createSqliteWebhookStore } from './webhook-store.js';
import type { ConfigStore } from '../../ports/config-store.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { createSqliteSegmentStore } from './segment-store.js';
import { createSqliteDecisionStore } from './decision-store.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { SegmentStore } from '../../ports/segment-store.js';
import { createSqliteKeyringStore } from './keyring-store.js';
import { createSqliteEmailStore } from './email-store.js';
import type { EmailStore } from '../../ports/email-store.js';
import type { KeyringStore } from '../../ports/keyring-store.js';
import { createSqliteFormStore } from './form-store.js';
import { createSqliteTokenUseStore } from './token-use-store.js';
import { createSqliteUserStore } from './user-store.js';
import type { UserStore } from '../../ports/user-store.js';
import { createSqliteExperimentStore } from './experiment-store.js';
import type { ExperimentStore } from '../../ports/experiment-store.js';
import type { TokenUseStore } from '../../ports/token-use-store.js';
import type { FormStore } from '../../ports/form-store.js';
import { createSqliteDeadLetterStore } from './dead-letter-store.js';
import type { DeadLetterStore } from '../../ports/dead-letter-store.js';
import { createSqliteAudienceStore } from './audience-store.js';
import type { AudienceStore } from '../../ports/audience-store.js';
import { createSqlitePersonaStore } from './persona-store.js';
import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { createSqliteAnalyticsStore } from './analytics-store.js';
import type { HitStore } from '../../ports/hit-store.js';
import { createSqliteHitStore } from './hit-store.js';
import type { PersonaStore } from '../../ports/persona-store.js';
import { createSqliteRecommendationStore } from './recommendation-store.js';
import type { RecommendationStore } from '../../ports/recommendation-store.js';
import { WriteCache } from './write-cache.js';
import { createWalSync } from './wal-sync.js';
import { startCheckpointer } from './checkpointer.js';
import { createMaintenanceStatus } from '../maintenance-status.js';
import type { MigrationStatus } from '../migration-status.js';
import { openDatabase, type SqliteSync } from './database.js';
import { assertNotNewer } from '../migration-status.js';
import { migrateDatabase, migrationStatus } from './migrate.js';
import { createSqliteProfileQueries } from './profile-queries.js';
import { createSqliteWriteTx, prepareWriteStatements } from './write-tx.js';
import { createSqliteWorkspaceStore } from './workspace-store.js';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createSecretBox, loadOrCreateKeyFile, SECRETS_KEY_BYTES, type SecretBox } from '../shared/secret-box.js';
import { sealStoredSecrets } from './seal-secrets.js';

/**
 * The writer's own catch-up checkpoint (see `write`) runs once the worker reports a WAL of at least
 * CATCH_UP_FRAMES frames (16 MB of 4 KB pages), and at the latest every CATCH_UP_EVERY commits
 * (stores without the worker, or a worker that stopped reporting).
 */
const CATCH_UP_FRAMES = 4096;
const CATCH_UP_EVERY = 256;

export interface SqliteStoreOptions {
  file: string;
  sync: SqliteSync;
  /** Live profiles kept parsed in memory for ingest (default 50,000). */
  cacheProfiles?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /**
   * The key that seals secrets at rest (TESSERA_SECRETS_KEY); default: the key file `secrets.key`
   * beside the database file, created on first open.
   */
  secretsKey?: Buffer;
  /** Keys used before `secretsKey`: they open what they sealed, which is sealed again at open. */
  previousSecretsKeys?: readonly Buffer[];
  now?: () => number;
  /** The background checkpointer (checkpointer.ts): its interval and, for tests, the pragma it runs. */
  checkpoint?: { intervalMs?: number; statement?: string };
}

export interface SqliteStore extends Store {
  migrationStatus(): MigrationStatus;
  /** The embedded store configures its own database: nothing to warn about. */
  configurationWarnings(): Promise<string[]>;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const writer = openDatabase(options.file);
  if (options.migrate ?? true) migrateDatabase(writer, options.now ?? Date.now);
  else assertNotNewer(migrationStatus(writer));
  const keyFile = join(dirname(options.file), 'secrets.key');
  let box: SecretBox;
  try {
    box = createSecretBox(
      options.secretsKey ?? (options.file === ':memory:' ? randomBytes(SECRETS_KEY_BYTES) : loadOrCreateKeyFile(keyFile)),
      options.secretsKey ? 'TESSERA_SECRETS_KEY' : `key file ${keyFile}`,
      options.previousSecretsKeys,
    );
    if (options.migrate ?? true) sealStoredSecrets(writer, box);
  } catch (error) {
    writer.close();
    throw error;
  }
  const reader = openDatabase(options.file);
  const walSync = options.sync === 'full' && options.file !== ':memory:' ? createWalSync(`${options.file}-wal`) : null;
  // Checkpoints run in a worker thread, not inside the COMMIT of an ingest transaction.
  writer.pragma('wal_autocheckpoint = 0');
  // When the WAL restarts, its file shrinks back to this size (else it keeps its largest size).
  writer.pragma('journal_size_limit = 67108864');
  const maintenance = createMaintenanceStatus(options.now);
  const checkpointer = options.file !== ':memory:' ? startCheckpointer(options.file, { status: maintenance, ...options.checkpoint }) : null;
  // Statements are prepared on first use: `tessera migrate --status` opens a store whose tables
  // may not exist yet.
  let tx: WriteTx | undefined;
  let profiles: ProfileQueries | undefined;
  let workspaces: WorkspaceStore | undefined;
  let privacy: PrivacyStore | undefined;
  let configs: ConfigStore | undefined;
  let webhooks: WebhookStore | undefined;
  let segments: SegmentStore | undefined;
  let keyring: KeyringStore | undefined;
  let emails: EmailStore | undefined;
  let forms: FormStore | undefined;
  let tokenUses: TokenUseStore | undefined;
  let deadLetters: DeadLetterStore | undefined;
  let experiments: ExperimentStore | undefined;
  let decisions: DecisionStore | undefined;
  let personas: PersonaStore | undefined;
  let slotReports: SlotReportStore | undefined;
  let users: UserStore | undefined;
  let recommendations: RecommendationStore | undefined;
  let analytics: AnalyticsStore | undefined;
  let hits: HitStore | undefined;
  let audiences: AudienceStore | undefined;
  // One writer at a time: ingest transactions and the privacy writes (audit, erasure, retention)
  // take turns on the writer connection.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };
  /** An exclusive write that resolves once it is on disk (privacy writes: erasure, audit, settings). */
  const durably = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    const result = await exclusive(fn);
    if (walSync) await walSync.durable();
    return result;
  };
  const catchUp = writer.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let commits = 0;
  const begin = writer.prepare('BEGIN IMMEDIATE');
  const commit = writer.prepare('COMMIT');
  const rollback = writer.prepare('ROLLBACK');

  const cache = new WriteCache(options.cacheProfiles ?? 50_000);
  const dataVersionStatement = writer.prepare('PRAGMA data_version').pluck();
  const dataVersion = () => dataVersionStatement.get() as number;
  let seenVersion = -1;
  const write = async <T>(work: (tx: WriteTx) => Promise<T>): Promise<T> => {
    begin.run();
    // Another process committed since our last transaction: what we cached may be stale.
    const version = dataVersion();
    if (version !== seenVersion) { cache.clear(); seenVersion = version; }
    try {
      const result = await work((tx ??= createSqliteWriteTx(prepareWriteStatements(writer), cache)));
      commit.run();
      cache.commit();
      // Under continuous writes the background checkpoint never catches up with the end of the
      // WAL, and SQLite restarts the WAL only once it has: so now and then the writer checkpoints
      // the few frames written since the worker's last pass, between transactions. It blocks the
      // event loop (copy and two fsyncs), so it runs only when the WAL has grown, right after the
      // worker's pass has copied most of it; not every few commits.
      if (++commits >= CATCH_UP_EVERY || (checkpointer?.walFrames() ?? 0) >= CATCH_UP_FRAMES) {
        commits = 0;
        // The transaction has committed: a failing checkpoint (disk full) must not make it look
        // failed to the caller (the queue would answer 503, or isolate events that are stored).
        try {
          catchUp.get();
          checkpointer?.caughtUp();
          maintenance.succeeded('wal-checkpoint');
        } catch (error) {
          maintenance.failed('wal-checkpoint', (error as Error).message);
        }
      }
      return result;
    } catch (error) {
      if (writer.inTransaction) rollback.run();
      cache.rollback();
      throw error;
    }
  };

  return {
    kind: 'sqlite',
    maintenance,
    get workspaces() { return (workspaces ??= createSqliteWorkspaceStore(writer)); },
    get profiles() { return (profiles ??= createSqliteProfileQueries(reader)); },
    get privacy() { return (privacy ??= createSqlitePrivacyStore(writer, reader, durably, () => cache.clear(), box)); },
    get configs() { return (configs ??= createSqliteConfigStore(writer, reader, durably)); },
    get webhooks() { return (webhooks ??= createSqliteWebhookStore(writer, reader, durably, box)); },
    get segments() { return (segments ??= createSqliteSegmentStore(writer, reader, durably)); },
    get keyring() { return (keyring ??= createSqliteKeyringStore(writer, durably, box)); },
    get emails() { return (emails ??= createSqliteEmailStore(writer, reader, durably)); },
    get forms() { return (forms ??= createSqliteFormStore(writer, exclusive, durably)); },
    get tokenUses() { return (tokenUses ??= createSqliteTokenUseStore(writer, reader, durably)); },
    get experiments() { return (experiments ??= createSqliteExperimentStore(writer, reader, durably)); },
    get deadLetters() { return (deadLetters ??= createSqliteDeadLetterStore(writer, reader, durably)); },
    get decisions() { return (decisions ??= createSqliteDecisionStore(writer, reader, durably)); },
    get personas() { return (personas ??= createSqlitePersonaStore(writer, reader, durably)); },
    get slotReports() { return (slotReports ??= createSqliteSlotReportStore(reader)); },
    get users() { return (users ??= createSqliteUserStore(writer, exclusive, durably)); },
    get recommendations() { return (recommendations ??= createSqliteRecommendationStore(writer, reader, durably, (w, key) => (profiles ??= createSqliteProfileQueries(reader)).resolve(w, key))); },
    get analytics() { return (analytics ??= createSqliteAnalyticsStore(writer, reader, durably)); },
    get hits() { return (hits ??= createSqliteHitStore(writer, reader, durably)); },
    get audiences() { return (audiences ??= createSqliteAudienceStore(writer, reader, durably)); },
    async write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
      // The writer is free again as soon as the transaction committed; the caller waits for the
      // commit to be on disk.
      const result = await exclusive(() => write(work));
      if (walSync) await walSync.durable();
      return result;
    },
    async ping() {
      reader.prepare('SELECT 1').get();
      const status = migrationStatus(writer);
      if (status.pending.length > 0) throw new Error(`${status.pending.length} migrations are pending`);
    },
    migrationStatus: () => migrationStatus(writer),
    configurationWarnings: async () => [],
    async close() {
      await queue;
      if (walSync) { await walSync.durable(); walSync.close(); }
      await checkpointer?.close();
      reader.close();
      writer.close();
    },
  };
}
