import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HLL_STANDARD_ERROR, HyperLogLog } from '../../../src/core/analytics/hll.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

const keys = (n: number, seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => `visitor-${Math.floor(random() * 1e9)}-${i}`);
};

test('estimates stay within the stated error (3 standard errors) from 10 to 200,000 distinct keys', () => {
  for (const n of [10, 1_000, 20_000, 200_000]) {
    const sketch = new HyperLogLog();
    for (const k of keys(n, n)) sketch.add(k);
    const error = Math.abs(sketch.estimate() - n) / n;
    assert.ok(error <= 3 * HLL_STANDARD_ERROR, `n=${n}: relative error ${error}`);
  }
});

test('the mean relative error over 40 sketches of 50,000 keys is about the standard error (1.04/√m ≈ 0.81%)', () => {
  let squared = 0;
  for (let s = 0; s < 40; s++) {
    const sketch = new HyperLogLog();
    for (const k of keys(50_000, 1000 + s)) sketch.add(k);
    squared += ((sketch.estimate() - 50_000) / 50_000) ** 2;
  }
  const rms = Math.sqrt(squared / 40);
  assert.ok(rms > HLL_STANDARD_ERROR * 0.5 && rms < HLL_STANDARD_ERROR * 1.5, `root mean square error ${rms}`);
});

test('repeats do not count; an empty sketch estimates 0', () => {
  const sketch = new HyperLogLog();
  assert.equal(sketch.estimate(), 0);
  for (let i = 0; i < 5; i++) for (const k of ['a', 'b', 'c']) sketch.add(k);
  assert.equal(Math.round(sketch.estimate()), 3);
});

test('merging equals adding to one sketch, sparse or dense; serialisation keeps the registers', () => {
  const all = keys(30_000, 7);
  const one = new HyperLogLog();
  for (const k of all) one.add(k);
  const parts = [new HyperLogLog(), new HyperLogLog(), new HyperLogLog()];
  all.forEach((k, i) => parts[i % 3]!.add(k));
  const small = new HyperLogLog();
  small.add('only-one');
  const merged = HyperLogLog.deserialize(small.serialize());
  for (const p of parts) merged.merge(HyperLogLog.deserialize(p.serialize()));
  one.add('only-one');
  assert.equal(merged.estimate(), one.estimate());
  assert.deepEqual(HyperLogLog.deserialize(one.serialize()).serialize(), one.serialize());
  assert.ok(small.serialize().length === 4, 'a sparse sketch of one key is 4 bytes');
});

test('bytes that are not a sketch are refused', () => {
  assert.throws(() => HyperLogLog.deserialize(new Uint8Array([9, 1, 2])), /not a HyperLogLog/);
  assert.throws(() => HyperLogLog.deserialize(new Uint8Array([1, 1])), /not a HyperLogLog/);
});
