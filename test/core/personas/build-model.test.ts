import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildPersonaModel } from '../../../src/core/personas/build-model.js';
import { DEFAULT_FEATURE_DEFINITION } from '../../../src/core/personas/feature-definition.js';
import type { FeatureSpec } from '../../../src/core/personas/features.js';
import type { PersonaModel } from '../../../src/core/personas/persona-model.js';
import { Reservoir } from '../../../src/core/personas/reservoir.js';
import { normalDraw, seededRandom } from '../../../src/core/seeded-random.js';

const SPECS: FeatureSpec[] = [
  { key: 'category:Factory', label: 'share of Factory content', transform: 'share' },
  { key: 'time:evening', label: 'active in the evening', transform: 'share' },
  { key: 'sessions', label: 'visits', transform: 'log1p' },
];
const GROUPS = [[0.8, 0.1, 1], [0.1, 0.8, 1], [0.1, 0.1, 3]];

function sample(seed: number, perGroup = 80): number[][] {
  const random = seededRandom(seed);
  return GROUPS.flatMap((g) => Array.from({ length: perGroup }, () => g.map((m) => m + 0.05 * normalDraw(random))));
}

const input = (rows: number[][], previous: PersonaModel | null, usedIds: string[] = []) => ({
  workspaceId: 'ws', fittedAt: 1, definition: DEFAULT_FEATURE_DEFINITION, specs: SPECS, rows, previous, usedIds,
  selection: { minComponents: 2, maxComponents: 5, minSize: 20, seed: 1 },
});

describe('building a persona model', () => {
  test('finds the planted groups, describes them in plain words, and keeps ids, pinned names across refits', () => {
    const first = buildPersonaModel(input(sample(1), null));
    assert.ok(first.ok, first.ok ? '' : first.reason);
    assert.equal(first.model.personas.length, 3);
    assert.deepEqual(first.model.changes.born.sort(), ['p1', 'p2', 'p3']);
    const factory = first.model.personas.find((p) => p.distinguishing[0]?.feature === 'category:Factory' && p.distinguishing[0].effectSize > 0)!;
    assert.ok(factory, JSON.stringify(first.model.personas.map((p) => p.description)));
    assert.match(factory.name, /^More share of Factory content/);
    assert.ok(Math.abs(factory.distinguishing[0]!.personaMean - 0.8) < 0.05);
    assert.equal(first.model.sampleSize, 240);
    assert.ok(JSON.stringify(first.model).length > 0 && first.model.personas.every((p) => p.size === 80));

    const previous: PersonaModel = { ...first.model, version: 1, personas: first.model.personas.map((p) => (p.id === factory.id ? { ...p, name: 'Factory fans', pinned: true } : p)) };
    const second = buildPersonaModel(input(sample(2).reverse(), previous, ['p1', 'p2', 'p3']));
    assert.ok(second.ok);
    assert.deepEqual(second.model.changes, { born: [], vanished: [], splits: [] });
    const again = second.model.personas.find((p) => p.id === factory.id)!;
    assert.ok(Math.abs(again.distinguishing[0]!.personaMean - 0.8) < 0.05, 'the same id names the same group');
    assert.equal(again.name, 'Factory fans');
    assert.equal(again.pinned, true);
  });

  test('a changed feature definition carries no id over: all vanish, all are born fresh', () => {
    const first = buildPersonaModel(input(sample(1), null));
    assert.ok(first.ok);
    const previous: PersonaModel = { ...first.model, version: 1, definitionVersion: 'other' };
    const second = buildPersonaModel(input(sample(2), previous, ['p1', 'p2', 'p3']));
    assert.ok(second.ok);
    assert.deepEqual(second.model.changes.vanished.sort(), ['p1', 'p2', 'p3']);
    assert.deepEqual(second.model.changes.born.sort(), ['p4', 'p5', 'p6']);
  });

  test('too few profiles: a reason, no model', () => {
    const built = buildPersonaModel(input(sample(1, 5), null));
    assert.equal(built.ok, false);
  });

  test('the reservoir keeps a uniform, reproducible sample of fixed size', () => {
    const draw = (seed: number) => { const r = new Reservoir<number>(100, seededRandom(seed)); for (let i = 0; i < 10_000; i++) r.offer(i); return r; };
    const a = draw(5);
    assert.equal(a.items.length, 100);
    assert.equal(a.offered, 10_000);
    assert.deepEqual(a.items, draw(5).items);
    const mean = a.items.reduce((s, x) => s + x, 0) / 100;
    assert.ok(Math.abs(mean - 5000) < 1000, `mean ${mean}`);
    const small = new Reservoir<number>(100, seededRandom(1));
    [1, 2, 3].forEach((x) => small.offer(x));
    assert.deepEqual(small.items, [1, 2, 3]);
  });
});
