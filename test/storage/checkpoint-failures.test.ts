/**
 * Failures of the WAL checkpointer (a full disk, an I/O error) are not swallowed: each is counted in
 * the metrics, logged at most once a minute, and `/readyz` answers 503 with the reason until a pass
 * succeeds again; ingest keeps working meanwhile. The failure is a real SQLite error in the worker's
 * pass: its statement (an option of the checkpointer) reads a value that the test switches between
 * valid and malformed JSON through its own connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { createMaintenanceStatus } from '../../src/storage/maintenance-status.js';
import { createTessera, type Tessera } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { basicAuth, tempDir, WRITE_KEY, ADMIN_KEY } from '../support/tessera-under-test.js';

/** A pass that fails (malformed JSON) while the switch says so, else answers like wal_checkpoint. */
const SWITCHED = 'SELECT json(v) + 0 AS log FROM checkpoint_switch';

const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
};

describe('maintenance status', () => {
  it('a persistent failure stays a problem until the task succeeds; listeners hear failures and the recovery', () => {
    let at = 1000;
    const status = createMaintenanceStatus(() => at);
    const heard: unknown[] = [];
    status.watch((report) => heard.push(report));
    status.succeeded('wal-checkpoint');
    status.failed('wal-checkpoint', 'disk full');
    at = 2000;
    status.failed('wal-checkpoint', 'disk still full');
    assert.deepEqual(status.problems(), [{ task: 'wal-checkpoint', error: 'disk still full', since: 1000 }]);
    status.failed('vacuum', 'no privilege', { persistent: false });
    assert.equal(status.problems().length, 1, 'a best-effort task is reported but never a problem');
    status.succeeded('wal-checkpoint');
    assert.deepEqual(status.problems(), []);
    assert.deepEqual(heard, [
      { task: 'wal-checkpoint', ok: false, error: 'disk full', failingSince: 1000 },
      { task: 'wal-checkpoint', ok: false, error: 'disk still full', failingSince: 1000 },
      { task: 'vacuum', ok: false, error: 'no privilege', failingSince: 2000 },
      { task: 'wal-checkpoint', ok: true },
    ]);
  });
});

describe('maintenance status without a listener (a CLI command)', () => {
  it('turns a failure into one process warning until the task succeeds again', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => { if (w.code === 'TESSERA_MAINTENANCE') warnings.push(w.message); };
    process.on('warning', onWarning);
    try {
      const status = createMaintenanceStatus();
      status.failed('wal-checkpoint', 'disk full');
      status.failed('wal-checkpoint', 'disk full');
      status.succeeded('wal-checkpoint');
      status.failed('wal-checkpoint', 'disk full again');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, ['wal-checkpoint failed: disk full', 'wal-checkpoint failed: disk full again']);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('a failing WAL checkpointer', () => {
  const dir = tempDir('tessera-checkpoint-');
  const file = join(dir.path, 'tessera.db');
  const logs: Array<{ msg: string; task?: string; error?: string }> = [];
  let control: Database.Database;
  let tessera: Tessera;
  const failures = () => logs.filter((l) => l.msg.startsWith('store maintenance failed'));
  const scrape = async () => parsePrometheusText((await tessera.app.inject({ method: 'GET', url: '/metrics' })).body);

  before(async () => {
    control = new Database(file);
    control.pragma('journal_mode = WAL');
    control.exec("CREATE TABLE checkpoint_switch (v TEXT); INSERT INTO checkpoint_switch VALUES ('{not json')");
    const config = loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'info' } });
    const store = openSqliteStore({ file, sync: 'full', checkpoint: { intervalMs: 10, statement: SWITCHED } });
    await ensureDefaultWorkspace(store, { now: Date.now(), writeKey: WRITE_KEY, adminKey: ADMIN_KEY });
    const sink = new Writable({ write(chunk, _encoding, done) { for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line)); done(); } });
    tessera = await createTessera({ config, store, logger: pino({ level: 'info' }, sink) });
  });
  after(async () => {
    await tessera.close();
    control.close();
    dir.remove();
  });

  it('makes /readyz answer 503 with the reason, counts every failure and logs them once', async () => {
    await until(() => tessera.store.maintenance.problems().length > 0, 'the checkpoint failure is reported');
    const metricsSeen = async () => (await scrape()).get('tessera_storage_maintenance_failures_total{task="wal-checkpoint"}') ?? 0;
    for (let i = 0; i < 500 && (await metricsSeen()) < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));

    const ready = await tessera.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503, ready.body);
    assert.equal(ready.json().status, 'not_ready');
    assert.match(ready.json().reason, /^wal-checkpoint failing since \d{4}-\d\d-\d\dT.*: malformed JSON$/);

    const metrics = await scrape();
    assert.ok(metrics.get('tessera_storage_maintenance_failures_total{task="wal-checkpoint"}')! >= 3);
    assert.equal(metrics.get('tessera_storage_maintenance_failing{task="wal-checkpoint"}'), 1);
    assert.equal(metrics.get('tessera_storage_maintenance_failing{task="vacuum"}'), 0);
    assert.equal(failures().length, 1, 'logged once, not once per pass');
    assert.equal(failures()[0]!.error, 'malformed JSON');
  });

  it('does not fail ingest', async () => {
    const res = await tessera.app.inject({ method: 'POST', url: '/v1/track', payload: { event: 'Still Works', anonymousId: 'a-1' }, headers: { authorization: basicAuth(WRITE_KEY) } });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('is ready again once a pass succeeds, and says so in the log', async () => {
    control.exec("UPDATE checkpoint_switch SET v = '0'");
    await until(() => tessera.store.maintenance.problems().length === 0, 'a successful pass clears the problem');
    const ready = await tessera.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.equal((await scrape()).get('tessera_storage_maintenance_failing{task="wal-checkpoint"}'), 0);
    assert.ok(logs.some((l) => l.msg === 'store maintenance succeeds again' && l.task === 'wal-checkpoint'));
  });
});
