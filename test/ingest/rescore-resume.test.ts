/**
 * Re-scoring after a configuration change saves its progress after every chunk, so that a job cut
 * short by a stop or a crash resumes where it was when a server starts: the profiles already done
 * are not done again, the rest are, and the saved progress ends as done. Real SQLite store, the
 * real pipeline.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../../src/ingest/process-batch.js';
import { createLeadScoringSettings } from '../../src/lead-scoring/lead-scoring-settings.js';
import { RescoreRunner } from '../../src/lead-scoring/rescore.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { events, newWorkspace } from '../../src/storage/contract/contract-fixtures.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { createWebhookList } from '../../src/webhooks/webhook-list.js';
import { tempDir } from '../support/tessera-under-test.js';

const T0 = Date.UTC(2026, 0, 5);
const now = () => T0 + 60_000;
const dir = tempDir('tessera-rescore-');
let store: SqliteStore;
before(() => { store = openSqliteStore({ file: join(dir.path, 't.db'), sync: 'normal' }); });
after(async () => { await store.close(); dir.remove(); });

test('a re-scoring job cut short resumes after the last profile it finished, and its progress survives', async () => {
  const ws = await newWorkspace(store);
  const newMessageId = () => `tessera-${randomUUID()}`;
  const settings = createLeadScoringSettings(store, now);
  const deps: ProcessBatchDeps = {
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId,
    leadScoring: { settings, webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now },
  };
  const privacy = createPrivacyContexts(store, now);
  const context = await privacy.get(ws);
  const people = Array.from({ length: 30 }, (_, i) => `person-${String(i).padStart(2, '0')}`);
  await store.write((tx) => createProcessBatch(deps)(tx, ws, events(ws, people.map((userId, i) => ({ type: 'track', userId, event: 'Demo Requested', at: T0 + i }))), context));

  // The rule comes later: nobody has points for their demo request yet.
  await store.configs.put(ws, 'scoring', { engagement: { halfLifeDays: null, rules: [{ id: 'demo', event: 'Demo Requested', points: 40 }] } }, T0);
  settings.invalidate(ws);
  const ids = await store.segments.profileIds(ws, { limit: 100 });
  assert.equal(ids.length, 30);
  // As a server that stopped after its first chunk of 10 leaves it in the store.
  const startedAt = new Date(T0).toISOString();
  await store.configs.put(ws, 'rescore', { state: 'running', replay: true, processed: 10, total: 30, startedAt, finishedAt: null, error: null, after: ids[9] }, T0);

  const runner = new RescoreRunner({ store, privacy, derive: createDerivedSteps(deps), settings, logger: pino({ level: 'silent' }), now });
  assert.equal((await runner.progress(ws))?.state, 'running', 'a new server shows the saved progress');
  await runner.resume([ws]);
  await runner.idle(ws);

  const engagement = async (id: string) => Object.values((await store.profiles.get(ws, id))!.scores?.engagement ?? {}).reduce((sum, r) => sum + r.value, 0);
  for (const id of ids.slice(0, 10)) assert.equal(await engagement(id), 0, 'done before the stop: not again');
  for (const id of ids.slice(10)) assert.equal(await engagement(id), 40, 'after the stop: replayed under the new rule');
  const progress = await runner.progress(ws);
  assert.equal(progress?.state, 'done');
  assert.equal(progress?.processed, 30);
  assert.equal(progress?.startedAt, startedAt, 'the same job, continued');
  const saved = await store.configs.get(ws, 'rescore') as { state: string; processed: number; after: string };
  assert.deepEqual([saved.state, saved.processed, saved.after], ['done', 30, ids[29]]);
  // Nothing is resumed twice: a finished job stays finished.
  await runner.resume([ws]);
  assert.equal((await runner.progress(ws))?.state, 'done');
  await runner.stop();
});
