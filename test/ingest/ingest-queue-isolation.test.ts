/**
 * The group commit's isolation of a failed flush (ingest-queue.ts), on a real SQLite store: when the
 * dead letter cannot be written, the poison's request is refused (503) rather than acknowledged;
 * with dead-lettering off (the retry of a letter) the failure reaches the caller with its cause;
 * the other requests of the flush are stored either way.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrackedEvent } from '../../src/core/events/event.js';
import { TesseraError } from '../../src/core/errors.js';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { IngestQueue, type IngestQueueOptions } from '../../src/ingest/ingest-queue.js';
import { createProcessBatch } from '../../src/ingest/process-batch.js';
import { events, newWorkspace, privacyContexts } from '../../src/storage/contract/contract-fixtures.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { tempDir } from '../support/tessera-under-test.js';

describe('ingest queue: isolating a failed flush', () => {
  const dir = tempDir('tessera-queue-');
  let store: SqliteStore;
  let ws: string;
  const guard = createIdentityGuard();
  const poisonStep = (_batch: unknown, event: TrackedEvent) => { if (event.type === 'track' && event.name === 'Poison') throw new TypeError('poisoned'); };
  const processBatch = createProcessBatch({ guard, newProfileId: () => `prf_${randomUUID()}`, newMessageId: randomUUID, eventSteps: [poisonStep] });
  const queue = (options: Partial<IngestQueueOptions>) => new IngestQueue(store, processBatch, { maxBatchEvents: 1000, maxPendingEvents: 10_000, maxInFlight: 1, ...options });
  const request = (anon: string, poison = false) => events(ws, [{ type: 'track', event: poison ? 'Poison' : 'Fine', anonymousId: anon }]);

  before(async () => {
    store = openSqliteStore({ file: join(dir.path, 'tessera.db'), sync: 'normal' });
    ws = await newWorkspace(store);
  });
  after(async () => { await store.close(); dir.remove(); });

  it('refuses the poison\'s request with 503 when its dead letter cannot be written; stores the others', async () => {
    const q = queue({ deadLetter: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' })) });
    const privacy = await privacyContexts(store).get(ws);
    const results = await Promise.allSettled([
      q.submit(ws, request('q1-a'), privacy), q.submit(ws, [...request('q1-b'), ...request('q1-poison', true)], privacy), q.submit(ws, request('q1-c'), privacy),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[1] as PromiseRejectedResult).reason as TesseraError;
    assert.equal(refusal.code, 'unavailable');
    assert.equal(refusal.retryAfterSeconds, 1);
    for (const anon of ['q1-a', 'q1-b', 'q1-c']) assert.ok(await store.profiles.resolve(ws, anon), anon);
    assert.equal(await store.deadLetters.count(), 0);
  });

  it('with dead-lettering off, reports the failure with its cause and keeps no letter', async () => {
    const kept: unknown[] = [];
    const q = queue({ deadLetter: async (...args) => { kept.push(args); } });
    const privacy = await privacyContexts(store).get(ws);
    const [fine, poison] = await Promise.allSettled([q.submit(ws, request('q2-a'), privacy), q.submit(ws, request('q2-poison', true), privacy, { deadLetter: false })]);
    assert.deepEqual(fine.status === 'fulfilled' && fine.value, { deadLettered: 0, duplicates: 0 });
    assert.equal(poison.status, 'rejected');
    const cause = ((poison as PromiseRejectedResult).reason as TesseraError).cause as Error;
    assert.equal(cause.message, 'poisoned');
    assert.deepEqual(kept, []);
  });

  it('dead-letters each poison of one request separately, and stores everything else of it', async () => {
    const kept: string[] = [];
    const q = queue({ deadLetter: async (_ws, event) => { kept.push(event.anonymousId!); } });
    const privacy = await privacyContexts(store).get(ws);
    const batch = [...request('q3-a'), ...request('q3-p1', true), ...request('q3-b'), ...request('q3-c'), ...request('q3-p2', true), ...request('q3-d')];
    assert.deepEqual(await q.submit(ws, batch, privacy), { deadLettered: 2, duplicates: 0 });
    assert.deepEqual(kept, ['q3-p1', 'q3-p2']);
    for (const anon of ['q3-a', 'q3-b', 'q3-c', 'q3-d']) assert.ok(await store.profiles.resolve(ws, anon), anon);
  });
});
