/**
 * Before/after and difference-in-differences (core/experiments/statistics/difference-in-differences.ts and
 * core/experiments/before-after.ts).
 *
 * Reference values: NumPy 2.4 / SciPy 1.17 on the cells below: mean(after) − mean(before) ± z·√(Σ var(x, ddof=1)/n)
 * with z = norm.ppf(0.975), p = 2·norm.sf(|Δ|/se), relative = Δ / mean(treated before).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { parseBeforeAfterQuery, periodValue } from '../../../src/core/experiments/before-after.js';
import { beforeAfter, differenceInDifferences, type CellSums } from '../../../src/core/experiments/statistics/difference-in-differences.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

const cell = (values: number[]): CellSums => ({ n: values.length, sum: values.reduce((s, v) => s + v, 0), sumSq: values.reduce((s, v) => s + v * v, 0) });
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

describe('difference-in-differences against NumPy/SciPy', () => {
  const tb = cell([0, 1, 0, 0, 3, 2, 0, 1, 0, 5.5, 0, 0]);
  const ta = cell([1, 2, 0, 4, 0, 3, 1, 0, 2, 6, 0, 1, 2]);
  const hb = cell([0, 0, 1, 2, 0, 0, 1]);
  const ha = cell([1, 0, 0, 2, 3, 0, 1, 0]);
  test('the naive before/after', () => {
    const d = beforeAfter(tb, ta, 0.05)!;
    [d.estimate, ...d.interval, d.pValue, d.relative!].forEach((x, i) => close(x, [0.6506410256410255, -0.725082063332243, 2.026364114614294, 0.35395005708091143, 0.6246153846153845][i]!, 'naive'));
  });
  test('the difference-in-differences', () => {
    const d = differenceInDifferences({ treatedBefore: tb, treatedAfter: ta, holdoutBefore: hb, holdoutAfter: ha }, 0.05)!;
    [d.estimate, ...d.interval, d.pValue, d.relative!].forEach((x, i) => close(x, [0.34706959706959695, -1.3384978122094937, 2.0326370063486876, 0.6865291809053973, 0.33318681318681304][i]!, 'DiD'));
  });
  test('too few people in a cell: no answer', () => {
    assert.equal(differenceInDifferences({ treatedBefore: tb, treatedAfter: ta, holdoutBefore: cell([1]), holdoutAfter: ha }, 0.05), null);
    assert.equal(beforeAfter(cell([]), ta, 0.05), null);
  });
});

describe('a planted effect under a seasonal change (seed 20261207)', () => {
  test('DiD recovers the effect within its interval; the naive before/after takes the season for the effect', () => {
    // Conversion 10% before; the season adds 5 points to everyone after T; the measure adds 2 points to the treated.
    const random = seededRandom(20261207);
    const draw = (n: number, p: number) => cell(Array.from({ length: n }, () => (random() < p ? 1 : 0)));
    const cells = { treatedBefore: draw(20_000, 0.1), treatedAfter: draw(20_000, 0.17), holdoutBefore: draw(4_000, 0.1), holdoutAfter: draw(4_000, 0.15) };
    const did = differenceInDifferences(cells, 0.05)!;
    const naive = beforeAfter(cells.treatedBefore, cells.treatedAfter, 0.05)!;
    assert.ok(did.interval[0] <= 0.02 && 0.02 <= did.interval[1], `DiD ${did.estimate} [${did.interval}] covers the planted 0.02`);
    assert.ok(did.interval[0] > 0, 'and finds an effect');
    assert.ok(naive.interval[0] > 0.02, `naive ${naive.estimate} [${naive.interval}] excludes it (season + effect)`);
  });

  test('over 500 seeded repetitions the DiD interval covers the planted effect about 95% of the time', () => {
    const random = seededRandom(7);
    const draw = (n: number, p: number) => { let k = 0; for (let i = 0; i < n; i++) if (random() < p) k++; return { n, sum: k, sumSq: k }; };
    let covered = 0;
    for (let r = 0; r < 500; r++) {
      const d = differenceInDifferences({ treatedBefore: draw(2_000, 0.1), treatedAfter: draw(2_000, 0.17), holdoutBefore: draw(500, 0.1), holdoutAfter: draw(500, 0.15) }, 0.05)!;
      if (d.interval[0] <= 0.02 && 0.02 <= d.interval[1]) covered++;
    }
    assert.ok(covered >= 460 && covered <= 492, `covered ${covered} of 500`);
  });
});

describe('the query and a person\'s period value', () => {
  test('names every failing parameter', () => {
    const { issues } = parseBeforeAfterQuery({ at: 'yesterday', days: '0', alpha: '1.5', event: '', kind: 'ratio', valueProperty: '9x' });
    assert.deepEqual(issues.map((i) => i.field).sort(), ['alpha', 'at', 'days', 'event', 'kind', 'valueProperty']);
    assert.deepEqual(parseBeforeAfterQuery({ at: '2026-12-01', experiment: 'x', event: 'Buy' }).issues.map((i) => i.field), ['experiment']);
    assert.deepEqual(parseBeforeAfterQuery({ at: '2026-12-01', experiment: 'x' }).issues.map((i) => i.field), ['metric']);
    assert.deepEqual(parseBeforeAfterQuery({ at: '2026-12-01', days: ' 5', event: 'Buy', kind: 'sum' }).issues.map((i) => i.field).sort(), ['days', 'valueProperty']);
    const ok = parseBeforeAfterQuery({ at: '2026-12-01T00:00:00Z', event: 'Order Completed' });
    assert.deepEqual([ok.issues, ok.query?.days, ok.query?.alpha, ok.query?.metric?.kind], [[], 14, 0.05, 'conversion']);
  });

  test('a person counts in a period with any event in it; the KPI counts only the period\'s events', () => {
    const ev = (name: string, at: number, properties: Record<string, unknown> = {}) => ({ type: 'track', name, timestamp: at, properties }) as unknown as TrackedEvent;
    const { query } = parseBeforeAfterQuery({ at: '1970-01-01T00:00:10Z', days: '1', event: 'Buy', kind: 'sum', valueProperty: 'revenue' });
    const events = [ev('Page', 5), ev('Buy', 20_000, { revenue: 4 }), ev('Buy', 30_000, { revenue: 6 }), ev('Buy', 9, { revenue: 100 })];
    assert.equal(periodValue(query!.metric!, events, 0, 10_000), 100);
    assert.equal(periodValue(query!.metric!, events, 10_000, 86_410_000), 10);
    assert.equal(periodValue(query!.metric!, events, 86_410_000, 200_000_000), null);
  });
});

describe('a conversion KPI with a small holdout (seed 11)', () => {
  const draw = (random: () => number, n: number, p: number) => { let k = 0; for (let i = 0; i < n; i++) if (random() < p) k++; return { n, sum: k, sumSq: k }; };

  test('two held-out people at 0% both times: Wald\'s interval ignores their uncertainty, the adjusted one does not', () => {
    const cells = { treatedBefore: { n: 1_000, sum: 100, sumSq: 100 }, treatedAfter: { n: 1_000, sum: 150, sumSq: 150 }, holdoutBefore: { n: 2, sum: 0, sumSq: 0 }, holdoutAfter: { n: 2, sum: 0, sumSq: 0 } };
    const wald = differenceInDifferences(cells, 0.05)!;
    const adjusted = differenceInDifferences(cells, 0.05, { proportions: true })!;
    assert.equal(adjusted.estimate, wald.estimate, 'the estimate stays the observed difference');
    const width = (d: { interval: [number, number] }) => d.interval[1] - d.interval[0];
    assert.ok(width(wald) < 0.06, `Wald ${wald.interval}`);
    assert.ok(width(adjusted) > 0.5, `adjusted ${adjusted.interval}: two people say little`);
    assert.ok(adjusted.pValue > 0.05, `p ${adjusted.pValue}`);
  });

  test('over 2,000 repetitions with 8 held-out people the adjusted DiD interval covers the planted effect at least 95% of the time; Wald\'s far less', () => {
    const random = seededRandom(11);
    let wald = 0;
    let adjusted = 0;
    for (let r = 0; r < 2_000; r++) {
      const cells = { treatedBefore: draw(random, 2_000, 0.05), treatedAfter: draw(random, 2_000, 0.12), holdoutBefore: draw(random, 8, 0.05), holdoutAfter: draw(random, 8, 0.1) };
      const covers = (d: { interval: [number, number] }) => d.interval[0] <= 0.02 && 0.02 <= d.interval[1];
      if (covers(differenceInDifferences(cells, 0.05)!)) wald++;
      if (covers(differenceInDifferences(cells, 0.05, { proportions: true })!)) adjusted++;
    }
    assert.ok(adjusted >= 1_900, `adjusted covered ${adjusted} of 2,000`);
    assert.ok(wald < 1_700, `Wald covered ${wald} of 2,000`);
  });

  test('with large cells both intervals agree closely', () => {
    const random = seededRandom(3);
    const cells = { treatedBefore: draw(random, 20_000, 0.1), treatedAfter: draw(random, 20_000, 0.17), holdoutBefore: draw(random, 4_000, 0.1), holdoutAfter: draw(random, 4_000, 0.15) };
    const w = differenceInDifferences(cells, 0.05)!;
    const a = differenceInDifferences(cells, 0.05, { proportions: true })!;
    assert.ok(Math.abs(w.interval[0] - a.interval[0]) < 0.002 && Math.abs(w.interval[1] - a.interval[1]) < 0.002, `${w.interval} vs ${a.interval}`);
  });
});
