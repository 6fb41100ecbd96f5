/**
 * Fitting personas end to end on a real SQLite store: planted groups of people with distinct
 * content, time and channel habits, sent through the real ingest, are recovered as personas;
 * everyone gets persona probabilities on the profile; the stored model holds aggregates only; a
 * refit keeps the ids. Recovery is scored by the adjusted Rand index (≥ 0.8) and the labels must
 * name each group's planted features. The fit runs in a worker thread once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adjustedRandIndex } from '../../src/core/personas/adjusted-rand-index.js';
import { fitPersonas, type FitProgress } from '../../src/personas/fit-personas.js';
import { fitInWorker } from '../../src/personas/fit-worker.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { tempDir } from '../support/tessera-under-test.js';
import { DAY, definition, GROUPS, PLANTED_DEFINITION, plantPersonas, T0 } from './planted-personas.js';

const now = () => T0 + 3 * DAY;
const dir = tempDir('tessera-personas-');
let store: SqliteStore;
before(() => { store = openSqliteStore({ file: join(dir.path, 't.db'), sync: 'normal' }); });
after(async () => { await store.close(); dir.remove(); });

describe('fitting personas', () => {
  let ws: string;
  let deps: Parameters<typeof fitPersonas>[0];
  let truth: Map<string, string>;

  before(async () => {
    ({ ws, deps, truth } = await plantPersonas(store, now));
  });

  const DEFINITION = () => definition(PLANTED_DEFINITION);

  test('without a legal basis nobody is fitted: profiling rests on consent nobody gave', async () => {
    const outcome = await fitPersonas(deps, { workspaceId: ws, definition: definition({ categories: ['factory'] }), selection: { minSize: 10 } });
    assert.deepEqual(outcome, { ok: false, reason: 'no profiles to fit', eligible: 0 });
    assert.equal(await store.personas.currentModel(ws), null);
  });

  test('recovers the planted groups, assigns everyone on the profile, stores aggregates only', async () => {
    const seen: FitProgress[] = [];
    const outcome = await fitPersonas(deps, { workspaceId: ws, definition: DEFINITION(), selection: { minSize: 10, maxComponents: 6 }, pageSize: 25, onProgress: (p) => seen.push(p) });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.version, 1);
    assert.equal(outcome.eligible, 90);
    assert.equal(outcome.model.personas.length, 3);
    assert.equal(outcome.assigned + outcome.unassigned, 90);
    assert.deepEqual([...new Set(seen.map((p) => p.phase))], ['sample', 'fit', 'assign']);
    assert.deepEqual(seen.at(-1), { phase: 'assign', done: 90, total: 90 });

    // Each planted group is one persona, and each persona one group.
    const personaOf = new Map<string, string | null>();
    for (const anonymousId of truth.keys()) {
      const id = await store.profiles.resolve(ws, anonymousId);
      const profile = (await store.profiles.get(ws, id!))!;
      assert.equal(profile.persona?.modelVersion, 1);
      const sum = Object.values(profile.persona!.probabilities).reduce((s, p) => s + p, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9);
      personaOf.set(anonymousId, profile.persona!.personaId);
    }
    // Scored as the adjusted Rand index of the planted groups against the fitted personas
    // (core/personas/adjusted-rand-index.ts; an unassigned person counts as a group of their own).
    const people = [...truth.keys()];
    const ari = adjustedRandIndex(people.map((a) => truth.get(a)!), people.map((a) => personaOf.get(a)!));
    assert.ok(ari >= 0.8, `adjusted Rand index ${ari.toFixed(3)} < 0.8`);

    // The labels name the planted distinguishing features of each group: its content category
    // (in the evidence and in the generated description), its time of day, and for the pricing
    // readers their arrival by email.
    const planted: Record<string, string[]> = { factory: ['category:factory', 'time:evening'], energy: ['category:energy', 'time:morning'], pricing: ['category:pricing', 'channel:email'] };
    for (const g of GROUPS) {
      const counts = new Map<string | null, number>();
      for (const [a, group] of truth) if (group === g.name) counts.set(personaOf.get(a)!, (counts.get(personaOf.get(a)!) ?? 0) + 1);
      const id = [...counts].sort((x, y) => y[1] - x[1])[0]![0];
      const persona = outcome.model.personas.find((p) => p.id === id)!;
      for (const feature of planted[g.name]!) {
        assert.ok(persona.distinguishing.some((e) => e.feature === feature && e.effectSize > 0), `${g.name}: ${feature} not among ${persona.distinguishing.map((e) => e.feature).join(', ')}`);
      }
      assert.match(`${persona.name} ${persona.description}`, new RegExp(g.name), `${g.name}: "${persona.name}" — ${persona.description}`);
    }

    const stored = JSON.stringify(await store.personas.currentModel(ws));
    for (const anonymousId of ['factory-0', 'energy-7', 'pricing-29']) {
      assert.ok(!stored.includes(anonymousId));
      assert.ok(!stored.includes((await store.profiles.resolve(ws, anonymousId))!));
    }
  });

  test('a refit in a worker thread keeps every persona id', async () => {
    const before = (await store.personas.currentModel(ws))!;
    const outcome = await fitPersonas({ ...deps, runFit: fitInWorker }, { workspaceId: ws, definition: DEFINITION(), seed: 7, selection: { minSize: 10, maxComponents: 6 } });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.version, 2);
    assert.deepEqual(outcome.model.changes, { born: [], vanished: [], splits: [] });
    assert.deepEqual(outcome.model.personas.map((p) => p.id).sort(), before.personas.map((p) => p.id).sort());
  });
});
