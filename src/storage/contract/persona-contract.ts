/** Contract: persona models, aggregates only (ports/persona-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FEATURE_DEFINITION } from '../../core/personas/feature-definition.js';
import type { PersonaModel } from '../../ports/persona-store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

function model(workspaceId: string, ids: string[], over: Partial<Omit<PersonaModel, 'version'>> = {}): Omit<PersonaModel, 'version'> {
  return {
    workspaceId, fittedAt: T0, definition: DEFAULT_FEATURE_DEFINITION, definitionVersion: 'abc123', scaling: { means: [0.5, 2], variances: [0.25, 4] },
    features: ['recency', 'sessions'], threshold: 0.6, sampleSize: 100, logLikelihood: -123.5, bic: 270.25,
    personas: ids.map((id, i) => ({ id, name: `Persona ${id}`, description: 'more visits', pinned: false, weight: 1 / ids.length, size: 100 / ids.length,
      mean: [i, 1 - i], variances: [1, 0.5], distinguishing: [{ feature: 'sessions', label: 'visits', personaMean: 3, populationMean: 1, effectSize: 1.2 }] })),
    changes: { born: ids, vanished: [], splits: [] },
    ...over,
  };
}

export function personaContract(subject: () => StoreSubject): void {
  test('models get versions 1, 2, … per workspace; the highest is current; every field comes back', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    assert.equal(await store.personas.currentModel(ws), null);
    assert.equal(await store.personas.lastFittedAt(ws), null);
    const first = model(ws, ['p1', 'p2']);
    assert.equal(await store.personas.saveModel(first), 1);
    const second = model(ws, ['p1', 'p3'], { fittedAt: T0 + 1000, changes: { born: ['p3'], vanished: ['p2'], splits: [{ from: 'p1', into: ['p1', 'p3'] }] } });
    assert.equal(await store.personas.saveModel(second), 2);
    assert.equal(await store.personas.saveModel(model(other, ['p1'])), 1, 'versions are per workspace');
    assert.deepEqual(await store.personas.currentModel(ws), { ...second, version: 2 });
    assert.equal(await store.personas.lastFittedAt(ws), T0 + 1000);
    assert.deepEqual(await store.personas.model(ws, 1), { ...first, version: 1 });
    assert.equal(await store.personas.model(ws, 3), null);
    assert.deepEqual(await store.personas.usedIds(ws), ['p1', 'p2', 'p3']);
    assert.deepEqual(await store.personas.usedIds(other), ['p1']);
  });

  test('concurrent saves get distinct versions', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const versions = await Promise.all(Array.from({ length: 5 }, () => store.personas.saveModel(model(ws, ['p1']))));
    assert.deepEqual([...versions].sort(), [1, 2, 3, 4, 5]);
  });

  test('a persona of the current model is renamed, described and pinned; an unknown one is not', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    assert.equal(await store.personas.label(ws, 'p1', { name: 'x' }), false, 'no model yet');
    await store.personas.saveModel(model(ws, ['p1', 'p2']));
    assert.equal(await store.personas.label(ws, 'p2', { name: 'Evening readers', pinned: true }), true);
    assert.equal(await store.personas.label(ws, 'p9', { name: 'x' }), false);
    const current = await store.personas.currentModel(ws);
    assert.deepEqual(current?.personas.map((p) => [p.id, p.name, p.description, p.pinned]), [['p1', 'Persona p1', 'more visits', false], ['p2', 'Evening readers', 'more visits', true]]);
  });

  test('the model holds no profile id and no identifier of the workspace\'s people', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'identify', userId: 'user-4711', anonymousId: 'anon-4711', traits: { email: 'ada@example.test' } }]);
    const profileId = await profileOf(store, ws, 'user-4711');
    await store.personas.saveModel(model(ws, ['p1']));
    const stored = JSON.stringify(await store.personas.currentModel(ws));
    for (const secret of [profileId, 'user-4711', 'anon-4711', 'ada@example.test']) assert.ok(!stored.includes(secret), `the model holds ${secret}`);
  });
}
