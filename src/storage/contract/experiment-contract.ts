/** Contract: experiments, sticky assignments, their moves through merges, erasure and conversion counts (ports/experiment-store.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Experiment } from '../../core/experiments/experiment.js';
import { DEFAULT_ANALYSIS } from '../../core/experiments/validate-metrics.js';
import type { ExperimentAssignment } from '../../ports/experiment-store.js';
import { T0, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

const HOUR = 3_600_000;

export const experimentFixture = (key: string, over: Partial<Experiment> = {}): Experiment => ({
  key, name: `Experiment ${key}`, description: '', status: 'running',
  variations: [{ id: 'control', name: 'Control', weight: 0.5 }, { id: 'treatment', name: 'Treatment', weight: 0.5 }],
  coverage: 1, targeting: null, hashAttribute: 'anonymousId', hashVersion: 2, seed: key, namespace: null, startAt: null, stopAt: null,
  goal: { event: 'Order Completed', properties: {}, windowHours: 24 }, metrics: [], analysis: DEFAULT_ANALYSIS, bandit: null, optimisation: null, conclusion: null, alerts: [], ...over,
});

const assignment = (workspaceId: string, experimentKey: string, profileId: string, variation: number, over: Partial<ExperimentAssignment> = {}): ExperimentAssignment => ({
  workspaceId, experimentKey, profileId, variation, unitValue: `unit-${profileId}`, assignedAt: T0, contaminated: false, ...over,
});

export function experimentContract(subject: () => StoreSubject): void {
  test('definitions: create once per key, read, list by key, update, delete with assignments; scoped by workspace', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const b = experimentFixture('b-test');
    assert.equal(await store.experiments.create({ workspaceId: ws, experiment: b, createdAt: T0, updatedAt: T0, metricsGeneration: 0 }), true);
    assert.equal(await store.experiments.create({ workspaceId: ws, experiment: { ...b, name: 'again' }, createdAt: T0, updatedAt: T0, metricsGeneration: 0 }), false);
    assert.equal(await store.experiments.create({ workspaceId: ws, experiment: experimentFixture('a-test'), createdAt: T0, updatedAt: T0, metricsGeneration: 0 }), true);
    assert.deepEqual((await store.experiments.list(ws)).map((x) => x.experiment.key), ['a-test', 'b-test']);
    assert.deepEqual(await store.experiments.get(ws, 'b-test'), { workspaceId: ws, experiment: b, createdAt: T0, updatedAt: T0, metricsGeneration: 0 });
    assert.equal(await store.experiments.get(other, 'b-test'), null);
    assert.equal(await store.experiments.update({ workspaceId: other, experiment: b, createdAt: T0, updatedAt: T0 + 1, metricsGeneration: 0 }), false);
    assert.equal(await store.experiments.update({ workspaceId: ws, experiment: { ...b, status: 'stopped' }, createdAt: T0 + 99, updatedAt: T0 + 1, metricsGeneration: 3 }), true);
    assert.deepEqual(await store.experiments.get(ws, 'b-test'), { workspaceId: ws, experiment: { ...b, status: 'stopped' }, createdAt: T0, updatedAt: T0 + 1, metricsGeneration: 3 });
    // A background job's write names the version it read: refused once someone else has written since.
    assert.equal(await store.experiments.update({ workspaceId: ws, experiment: { ...b, status: 'running' }, createdAt: T0, updatedAt: T0 + 5, metricsGeneration: 3 }, { ifUpdatedAt: T0 }), false, 'read at T0, changed at T0 + 1');
    assert.equal((await store.experiments.get(ws, 'b-test'))?.experiment.status, 'stopped', 'the newer change stays');
    assert.equal(await store.experiments.update({ workspaceId: ws, experiment: { ...b, status: 'stopped' }, createdAt: T0, updatedAt: T0 + 1, metricsGeneration: 3 }, { ifUpdatedAt: T0 + 1 }), true, 'unchanged since it was read');
    // The optimiser's rule and state (core/experiments/optimisation.ts) are kept with the definition, as given.
    const optimised: Experiment = {
      ...b, status: 'concluded', optimisation: { mode: 'rollout', decideBy: 'sequential', chanceToWin: 0.95, minUnitsPerArm: 100, metric: 'goal' },
      conclusion: { winner: { index: 1, id: 'treatment' }, decidedBy: 'sequential', metric: 'goal', lift: 0.2, evidence: { interval: [0.05, 0.35], pValue: 0.01 }, at: T0 + 2, applied: { kind: 'rollout', slots: ['hero'] } },
      alerts: [{ code: 'sample_ratio_mismatch', kind: 'sample_ratio_mismatch', at: T0 + 1, message: 'skewed', pValue: 0.0001 }],
    };
    assert.equal(await store.experiments.update({ workspaceId: ws, experiment: optimised, createdAt: T0, updatedAt: T0 + 2, metricsGeneration: 3 }), true);
    assert.deepEqual((await store.experiments.get(ws, 'b-test'))?.experiment, optimised);
    await store.experiments.assign(assignment(ws, 'b-test', 'prf_1', 1));
    assert.equal(await store.experiments.delete(ws, 'b-test'), true);
    assert.equal(await store.experiments.delete(ws, 'b-test'), false);
    assert.equal(await store.experiments.assignmentOf(ws, 'b-test', 'prf_1'), null, 'its assignments went with it');
  });

  test('the first assignment wins, also among concurrent ones', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = assignment(ws, 'exp', 'prf_1', 1);
    assert.deepEqual(await store.experiments.assign(first), { first: true, assignment: first });
    assert.deepEqual(await store.experiments.assign(assignment(ws, 'exp', 'prf_1', 0, { assignedAt: T0 + 5 })), { first: false, assignment: first });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => store.experiments.assign(assignment(ws, 'race', 'prf_2', i % 2, { unitValue: `u${i}` }))));
    assert.equal(answers.filter((a) => a.first).length, 1);
    assert.equal(new Set(answers.map((a) => `${a.assignment.variation} ${a.assignment.unitValue}`)).size, 1);
    assert.deepEqual(await store.experiments.assignmentOf(ws, 'race', 'prf_2'), answers[0]!.assignment);
  });

  test('a merge keeps the survivor\'s arm, marks mixed arms contaminated and moves the merged person\'s other assignments', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'laptop', at: T0 }, { type: 'page', anonymousId: 'phone', at: T0 + 1 }]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'phone', userId: 'u-42', at: T0 + 2 }]);
    const laptop = await profileOf(store, ws, 'laptop');
    const phone = await profileOf(store, ws, 'phone');
    await store.experiments.assign(assignment(ws, 'mixed', phone, 0));
    await store.experiments.assign(assignment(ws, 'mixed', laptop, 1));
    await store.experiments.assign(assignment(ws, 'same', phone, 1));
    await store.experiments.assign(assignment(ws, 'same', laptop, 1));
    await store.experiments.assign(assignment(ws, 'only-merged', laptop, 1, { unitValue: 'laptop' }));
    await send(store, ws, [{ type: 'identify', anonymousId: 'laptop', userId: 'u-42', at: T0 + 3 }]);
    const survivor = await profileOf(store, ws, 'laptop');
    assert.equal(survivor, phone);
    const after = await store.experiments.assignmentsOf(ws, [phone, laptop]);
    assert.deepEqual(after.map((a) => [a.experimentKey, a.profileId, a.variation, a.contaminated]), [
      ['mixed', phone, 0, true],
      ['only-merged', phone, 1, false],
      ['same', phone, 1, false],
    ]);
    assert.equal(after.find((a) => a.experimentKey === 'only-merged')?.unitValue, 'laptop', 'a moved assignment keeps the id it was hashed on');
  });

  test('erasure deletes the person\'s assignments; another person\'s stay', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await send(store, ws, [{ type: 'page', anonymousId: 'ann', at: T0 }, { type: 'page', anonymousId: 'bob', at: T0 }]);
    const ann = await profileOf(store, ws, 'ann');
    const bob = await profileOf(store, ws, 'bob');
    await store.experiments.assign(assignment(ws, 'exp', ann, 1));
    await store.experiments.assign(assignment(ws, 'exp', bob, 0));
    await store.privacy.erase(ws, ann, { tombstone: null, at: T0 + 1 });
    assert.deepEqual((await store.experiments.assignmentsOf(ws, [ann, bob])).map((a) => a.profileId), [bob]);
  });

  test('conversion counts: goal events within the window after assignment, matching string properties, clean units only', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const people = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    await send(store, ws, people.map((id) => ({ type: 'page', anonymousId: id, at: T0 })));
    const ids = await Promise.all(people.map((id) => profileOf(store, ws, id)));
    // p0, p1, p2 in control; p3, p4, p5 in treatment; p5 contaminated.
    for (const [i, id] of ids.entries()) await store.experiments.assign(assignment(ws, 'exp', id, i < 3 ? 0 : 1, { assignedAt: T0 + HOUR, contaminated: i === 5 }));
    await send(store, ws, [
      { type: 'track', event: 'Order Completed', anonymousId: 'p0', properties: { plan: 'pro' }, at: T0 + 2 * HOUR }, // converts
      { type: 'track', event: 'Order Completed', anonymousId: 'p1', properties: { plan: 'pro' }, at: T0 + HOUR - 1 }, // before assignment
      { type: 'track', event: 'Order Completed', anonymousId: 'p2', properties: { plan: 'pro' }, at: T0 + 25 * HOUR }, // after the 24 h window
      { type: 'track', event: 'Order Completed', anonymousId: 'p3', properties: { plan: 'free' }, at: T0 + 2 * HOUR }, // other plan
      { type: 'track', event: 'Order Completed', anonymousId: 'p4', properties: { plan: 'pro' }, at: T0 + HOUR }, // at assignment: converts
      { type: 'track', event: 'Order Completed', anonymousId: 'p4', properties: { plan: 'pro' }, at: T0 + 3 * HOUR }, // twice: one unit
      { type: 'track', event: 'Order Completed', anonymousId: 'p5', properties: { plan: 'pro' }, at: T0 + 2 * HOUR }, // contaminated
    ]);
    const goal = { event: 'Order Completed', properties: { plan: 'pro' }, windowHours: 24 };
    assert.deepEqual(await store.experiments.conversionCounts(ws, 'exp', goal), [
      { variation: 0, units: 3, contaminated: 0, conversions: 1 },
      { variation: 1, units: 3, contaminated: 1, conversions: 1 },
    ]);
    assert.deepEqual((await store.experiments.conversionCounts(ws, 'exp', { ...goal, properties: {} })).map((c) => c.conversions), [1, 2]);
    assert.deepEqual(await store.experiments.conversionCounts(ws, 'none', goal), []);
  });
}
