/**
 * Assignment is GrowthBook-compatible: first against GrowthBook's published SDK cases (growthbook-cases.ts), then
 * against the real `@growthbook/growthbook` SDK for 10,000 generated ids over several experiment shapes, so a
 * team moving from GrowthBook keeps every user in their arm.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GrowthBook } from '@growthbook/growthbook';
import { fnv1a32, hashUnit } from '../../../src/core/experiments/hashing.js';
import { bucketRanges, chooseVariation, equalWeights } from '../../../src/core/experiments/bucket-ranges.js';
import { inNamespace } from '../../../src/core/experiments/namespace.js';
import { assignVariation, type AssignmentSpec } from '../../../src/core/experiments/assign-variation.js';
import { BUCKET_RANGE_CASES, CHOOSE_VARIATION_CASES, EQUAL_WEIGHTS_CASES, HASH_CASES, IN_NAMESPACE_CASES, RUN_CASES } from './growthbook-cases.js';

const round = (x: number, digits: number) => Number(x.toFixed(digits));

describe("GrowthBook's published SDK cases", () => {
  test('FNV-1a 32 bit of known strings (FNV reference: "" → 0x811c9dc5, "a" → 0xe40c292c)', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });
  for (const [seed, value, version, expected] of HASH_CASES) {
    test(`hash(${JSON.stringify(seed)}, ${JSON.stringify(value)}, v${version}) = ${expected}`, () => {
      assert.equal(hashUnit(seed, value, version), expected);
    });
  }
  for (const [name, [count, coverage, weights], expected] of BUCKET_RANGE_CASES) {
    test(`bucket ranges: ${name}`, () => {
      const ranges = bucketRanges(count, coverage, weights ?? undefined).map(([a, b]) => [round(a, 6), round(b, 6)]);
      assert.deepEqual(ranges, expected);
    });
  }
  for (const [name, position, ranges, expected] of CHOOSE_VARIATION_CASES) {
    test(`chooseVariation: ${name}`, () => assert.equal(chooseVariation(position, ranges), expected));
  }
  for (const [name, unit, [id, start, end], expected] of IN_NAMESPACE_CASES) {
    test(`inNamespace: ${name}`, () => assert.equal(inNamespace(unit, { id, start, end }), expected));
  }
  for (const [count, expected] of EQUAL_WEIGHTS_CASES) {
    test(`equal weights for ${count}`, () => assert.deepEqual(equalWeights(count).map((w) => round(w, 8)), expected));
  }
  for (const [unit, weights, coverage, variation, inExperiment] of RUN_CASES) {
    test(`run: id ${unit}, weights ${JSON.stringify(weights)}, coverage ${coverage}`, () => {
      const result = assignVariation({ key: 'my-test', hashVersion: 1, weights: weights ?? [0.5, 0.5], coverage: coverage ?? 1 }, unit);
      assert.equal(result.inExperiment, inExperiment);
      assert.equal(result.inExperiment ? result.variation : 0, variation);
    });
  }
});

describe('the real @growthbook/growthbook SDK assigns exactly as Tessera, for 10,000 ids', () => {
  // Ids of the shapes we meet: anonymous UUID-like ids, numeric user ids, e-mail-like ids, and non-ASCII text.
  const ids: string[] = [];
  let state = 20261207;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < 10_000; i++) {
    const r = next();
    if (i % 4 === 0) ids.push(`${r.toString(16)}-${next().toString(16)}-4${(next() % 4096).toString(16)}`);
    else if (i % 4 === 1) ids.push(String(r % 1_000_000));
    else if (i % 4 === 2) ids.push(`user${r % 100_000}@example.com`);
    else ids.push(`Jürgen-${r % 997}-名前`);
  }
  const experiments: Array<{ name: string; spec: AssignmentSpec }> = [
    { name: 'two arms, v1', spec: { key: 'checkout-button', hashVersion: 1, weights: [0.5, 0.5], coverage: 1 } },
    { name: 'two arms, v2', spec: { key: 'checkout-button', hashVersion: 2, weights: [0.5, 0.5], coverage: 1 } },
    { name: 'uneven three arms, v2, 60% coverage', spec: { key: 'hero-copy', hashVersion: 2, weights: [0.2, 0.3, 0.5], coverage: 0.6 } },
    { name: 'seeded, v2, 10/90', spec: { key: 'pricing', seed: 'pricing-seed-2', hashVersion: 2, weights: [0.1, 0.9], coverage: 1 } },
    { name: 'namespace 0–0.5, v1, four arms', spec: { key: 'nav', hashVersion: 1, weights: [0.25, 0.25, 0.25, 0.25], coverage: 0.8, namespace: { id: 'site', start: 0, end: 0.5 } } },
    { name: 'namespace 0.5–1, v2', spec: { key: 'footer', hashVersion: 2, weights: [0.5, 0.5], coverage: 1, namespace: { id: 'site', start: 0.5, end: 1 } } },
  ];
  for (const { name, spec } of experiments) {
    test(name, () => {
      let mismatches = 0;
      let inside = 0;
      const gb = new GrowthBook({ attributes: {} });
      for (const id of ids) {
        gb.setAttributes({ id });
        const theirs = gb.run({
          key: spec.key,
          variations: spec.weights.map((_, i) => i) as [number, number, ...number[]],
          weights: [...spec.weights],
          coverage: spec.coverage,
          hashVersion: spec.hashVersion,
          ...(spec.seed ? { seed: spec.seed } : {}),
          ...(spec.namespace ? { namespace: [spec.namespace.id, spec.namespace.start, spec.namespace.end] as [string, number, number] } : {}),
        });
        const ours = assignVariation(spec, id);
        const oursVariation = ours.inExperiment ? ours.variation : -1;
        const theirsVariation = theirs.inExperiment ? theirs.variationId : -1;
        if (oursVariation !== theirsVariation) mismatches++;
        if (ours.inExperiment) inside++;
      }
      gb.destroy();
      assert.equal(mismatches, 0);
      assert.ok(inside > 1000, 'the experiment must include a real share of the ids for the comparison to mean anything');
    });
  }
});
