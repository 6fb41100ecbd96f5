/**
 * A poison event (one that fails the pipeline by itself, every time) among many concurrent
 * requests: the group commit isolates it by halving, keeps it as a dead letter, stores every other
 * event, and acknowledges its request with the count; it is not retried again. A systemic failure
 * (the database busy) is not poison: 503 with Retry-After and no dead letter.
 *
 * The failure is injected as an added pipeline step (ProcessBatchDeps.eventSteps) into a real
 * Tessera with a real store: SQLite, and PostgreSQL (skipped with the reason when no server answers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrackedEvent } from '../../src/core/events/event.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';

const REQUESTS = 60;
const PER_REQUEST = 5;
const POISON_REQUEST = 37;

const BACKENDS = [
  { name: 'sqlite', skip: false as const, start: startTessera },
  { name: 'postgres', skip: await postgresSkip(), start: startTesseraOnPostgres },
];

for (const backend of BACKENDS) {
  describe(`${backend.name}: a poison event in a busy queue`, { skip: backend.skip }, () => {
    let t: TesseraUnderTest;
    const seen = new Map<string, number>();
    const poisonStep = (_batch: unknown, event: TrackedEvent) => {
      if (event.type !== 'track' || event.name !== 'Poison') return;
      seen.set(event.messageId, (seen.get(event.messageId) ?? 0) + 1);
      throw new TypeError(`cannot process ${String(event.properties.payload)}`);
    };
    before(async () => { t = await backend.start({}, { eventSteps: [poisonStep] }); });
    after(async () => { await t.close(); });

    it('is dead-lettered; the other events are stored and every request is acknowledged', async () => {
      const item = (r: number, i: number) => (r === POISON_REQUEST && i === 2
        ? { type: 'track', event: 'Poison', anonymousId: 'anon-poison', userId: 'user-poison', messageId: 'poison-1', properties: { payload: 'p' } }
        : { type: 'track', event: 'Fine', anonymousId: `anon-${r}-${i}`, messageId: `m-${r}-${i}` });
      const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, r) =>
        t.collect('/v1/batch', { batch: Array.from({ length: PER_REQUEST }, (_, i) => item(r, i)) })));

      answers.forEach((res, r) => {
        assert.equal(res.statusCode, 200, `request ${r}: ${res.body}`);
        assert.deepEqual(res.json(), r === POISON_REQUEST ? { success: true, deadLettered: 1 } : { success: true });
      });
      const store = t.tessera.store;
      assert.equal(await store.profiles.count('default'), REQUESTS * PER_REQUEST - 1, 'every other event made its profile');
      for (const i of [0, 1, 3, 4]) assert.ok(await store.profiles.resolve('default', `anon-${POISON_REQUEST}-${i}`), `event ${i} of the poison's own request is stored`);
      assert.equal(await store.profiles.resolve('default', 'anon-poison'), null);

      const { deadLetters } = await store.deadLetters.list('default', { limit: 10 });
      assert.equal(deadLetters.length, 1);
      const [letter] = deadLetters;
      assert.equal(letter!.event.messageId, 'poison-1');
      assert.equal(letter!.error, 'TypeError: cannot process p');
      assert.equal(letter!.attempts, 1);
      assert.deepEqual(letter!.keys, [{ kind: 'anonymous_id', value: 'anon-poison' }, { kind: 'user_id', value: 'user-poison' }]);

      // Halving: the poison was run once per level of the split, a handful of times, never again after.
      const runs = seen.get('poison-1')!;
      assert.ok(runs >= 2 && runs <= 2 * Math.ceil(Math.log2(REQUESTS * PER_REQUEST)) + 2, `processed ${runs} times`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(seen.get('poison-1'), runs, 'not retried once dead-lettered');
      assert.equal(t.tessera.queue.depth, 0);

      const metrics = parsePrometheusText((await t.inject({ method: 'GET', url: '/metrics' })).body);
      assert.equal(metrics.get('tessera_ingest_dead_lettered_events_total'), 1);
      assert.equal(metrics.get('tessera_dead_letters'), 1);
      assert.equal(metrics.get('tessera_ingest_events_total{outcome="stored"}'), REQUESTS * PER_REQUEST - 1);
      assert.equal(metrics.get('tessera_ingest_refused_events_total{reason="failed"}'), 0);
    });

    it('sent again, it is dead-lettered again rather than failing its client (the letter is the record)', async () => {
      const res = await t.collect('/v1/track', { event: 'Poison', anonymousId: 'anon-poison-2', properties: { payload: 'q' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, deadLettered: 1 });
    });
  });

  describe(`${backend.name}: a systemic failure is not poison`, { skip: backend.skip }, () => {
    let t: TesseraUnderTest;
    const busy = (_batch: unknown, event: TrackedEvent) => {
      if (event.type === 'track' && event.name === 'Busy') throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    };
    before(async () => { t = await backend.start({}, { eventSteps: [busy] }); });
    after(async () => { await t.close(); });

    it('answers 503 with Retry-After and keeps no dead letter', async () => {
      const res = await t.collect('/v1/batch', { batch: [{ type: 'track', event: 'Fine', anonymousId: 'a1' }, { type: 'track', event: 'Busy', anonymousId: 'a2' }] });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(res.json().error.code, 'unavailable');
      assert.equal(await t.tessera.store.deadLetters.count(), 0);
      assert.equal(await t.tessera.store.profiles.count('default'), 0, 'nothing of the request was stored');
    });
  });
}
