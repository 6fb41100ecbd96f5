/**
 * Scheduled persona fits with a clock the test moves (injected `now`, and `check()` called
 * directly or through an injected timer — no real waiting, no mocked timers): nothing before the
 * first fit, a fit once `fitEveryHours` have passed since the last stored fit, none while one runs,
 * none when the schedule is 0, and after a restart (a new runner and schedule on the same store
 * file) the next fit counted from the times stored. The rules themselves: core/personas/fit-schedule.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { DEFAULT_FIT_SCHEDULE, lastFitTime, nextScheduledFit, parseFitSchedule, savedFitSchedule } from '../../src/core/personas/fit-schedule.js';
import { PersonaFitRunner } from '../../src/personas/persona-fit-runner.js';
import { fitScheduleState, PersonaFitSchedule } from '../../src/personas/persona-fit-schedule.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { tempDir } from '../support/tessera-under-test.js';
import { DAY, fitDeps, PLANTED_DEFINITION, plantPersonas, T0 } from './planted-personas.js';

const HOUR = 3_600_000;

describe('the fit schedule (pure rules)', () => {
  test('next fit: the last stored fit plus the interval; none when never fitted or when 0', () => {
    assert.equal(nextScheduledFit({ fitEveryHours: 24 }, T0), T0 + 24 * HOUR);
    assert.equal(nextScheduledFit({ fitEveryHours: 0.5 }, T0), T0 + HOUR / 2);
    assert.equal(nextScheduledFit({ fitEveryHours: 24 }, null), null);
    assert.equal(nextScheduledFit({ fitEveryHours: 0 }, T0), null);
    assert.equal(lastFitTime(T0, T0 + 5), T0 + 5, 'a later failed job counts: it is not retried in a loop');
    assert.equal(lastFitTime(T0 + 5, T0), T0 + 5, 'a fit from the command line (no job) counts');
    assert.equal(lastFitTime(null, null), null);
  });

  test('validation names every bad field; a saved document that no longer validates is the default', () => {
    assert.deepEqual(parseFitSchedule({ fitEveryHours: 6 }), { ok: true, schedule: { fitEveryHours: 6 } });
    assert.deepEqual(parseFitSchedule({ fitEveryHours: 0 }), { ok: true, schedule: { fitEveryHours: 0 } });
    for (const bad of [-1, 0.1, 9000, '24', null, Number.NaN]) {
      const parsed = parseFitSchedule({ fitEveryHours: bad });
      assert.ok(!parsed.ok && parsed.issues.some((i) => i.field === 'fitEveryHours'), String(bad));
    }
    const both = parseFitSchedule({ fitEveryHours: -1, every: 2 });
    assert.deepEqual(!both.ok && both.issues.map((i) => i.field).sort(), ['every', 'fitEveryHours']);
    assert.deepEqual(parseFitSchedule([]), { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {"fitEveryHours": 24}' }] });
    assert.deepEqual(savedFitSchedule(null), DEFAULT_FIT_SCHEDULE);
    assert.deepEqual(savedFitSchedule({ fitEveryHours: 'x' }), DEFAULT_FIT_SCHEDULE);
    assert.equal(DEFAULT_FIT_SCHEDULE.fitEveryHours, 24);
  });
});

describe('scheduled persona fits on a store', () => {
  const dir = tempDir('tessera-fit-schedule-');
  const file = join(dir.path, 't.db');
  let store: SqliteStore;
  let clock = T0 + 3 * DAY;
  const now = () => clock;
  const logger = pino({ level: 'silent' });
  let ws: string;
  let runner: PersonaFitRunner;
  let schedule: PersonaFitSchedule;
  before(async () => {
    store = openSqliteStore({ file, sync: 'normal' });
    const planted = await plantPersonas(store, now);
    ws = planted.ws;
    await store.configs.put(ws, 'personas', PLANTED_DEFINITION, clock);
    runner = new PersonaFitRunner({ ...planted.deps, logger });
    schedule = new PersonaFitSchedule({ store, fits: runner, logger, now });
  });
  after(async () => { await schedule.stop(); await runner.stop(); await store.close(); dir.remove(); });

  const versions = async () => (await store.personas.currentModel(ws))?.version ?? 0;

  test('a workspace never fitted is not fitted on a schedule: the first fit is asked for', async () => {
    assert.deepEqual(await fitScheduleState(store, ws), { fitEveryHours: 24, lastFitAt: null, nextFitAt: null, running: false });
    clock += 100 * HOUR;
    assert.deepEqual(await schedule.check(), []);
    assert.equal(await versions(), 0);
  });

  test('after a fit on demand, the next runs once 24 hours have passed, and never two at once', async () => {
    const fittedAt = clock;
    runner.start(ws);
    await runner.idle(ws);
    assert.equal(await versions(), 1);
    assert.deepEqual(await fitScheduleState(store, ws), { fitEveryHours: 24, lastFitAt: fittedAt, nextFitAt: fittedAt + 24 * HOUR, running: false });
    clock = fittedAt + 24 * HOUR - 1;
    assert.deepEqual(await schedule.check(), [], 'not yet due');
    clock = fittedAt + 24 * HOUR;
    const [first, second] = await Promise.all([schedule.check(), schedule.check()]);
    assert.deepEqual(first, [ws]);
    assert.deepEqual(second, [], 'a check asked for while one runs does nothing');
    assert.deepEqual(await schedule.check(), [], 'the workspace\'s fit is running: not started again');
    await runner.idle(ws);
    assert.equal(await versions(), 2);
    assert.equal((await fitScheduleState(store, ws)).nextFitAt, clock + 24 * HOUR, 'counted from the scheduled fit');
  });

  test('fitEveryHours 0: never on a schedule', async () => {
    await store.configs.put(ws, 'personas-schedule', { fitEveryHours: 0 }, clock);
    clock += 1000 * HOUR;
    assert.deepEqual(await schedule.check(), []);
    assert.equal((await fitScheduleState(store, ws)).nextFitAt, null);
    assert.equal(await versions(), 2);
  });

  test('after a restart the next fit is counted from the fit times stored', async () => {
    await store.configs.put(ws, 'personas-schedule', { fitEveryHours: 2 }, clock);
    const lastFitAt = (await fitScheduleState(store, ws)).lastFitAt!;
    clock = lastFitAt + HOUR;
    runner.start(ws); // an on-demand fit at lastFitAt + 1 h moves the schedule
    await runner.idle(ws);
    await schedule.stop();
    await runner.stop();
    await store.close();

    // A new process: the same file, a new runner and schedule, driven by a timer the test holds.
    store = openSqliteStore({ file, sync: 'normal' });
    runner = new PersonaFitRunner({ ...fitDeps(store, now), logger });
    let tick: (() => void) | null = null;
    let cancelled = false;
    schedule = new PersonaFitSchedule({ store, fits: runner, logger, now, every: (fn, ms) => { assert.equal(ms, 60_000); tick = fn; return () => { cancelled = true; }; } });
    schedule.start();
    const restartedAt = lastFitAt + HOUR;
    assert.equal((await fitScheduleState(store, ws)).nextFitAt, restartedAt + 2 * HOUR);
    clock = restartedAt + 2 * HOUR - 60_000;
    assert.deepEqual(await schedule.check(), []);
    clock = restartedAt + 2 * HOUR;
    tick!();
    await schedule.stop();
    assert.ok(cancelled);
    assert.ok(runner.isRunning(ws), 'the timer\'s check started the due fit');
    await runner.idle(ws);
    assert.equal(await versions(), 4);
  });
});
