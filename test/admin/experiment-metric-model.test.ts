/** The set-up's metric editor model: every kind to the API's JSON, checked by the server's own validator, and back. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metricBody, metricFieldNames, metricFields, newMetricFields, type MetricFields } from '../../admin/src/experiment-metric-model.js';
import { metricInput, validateMetrics } from '../../src/core/experiments/validate-metrics.js';
import type { FieldIssue } from '../../src/core/errors.js';

const validate = (bodies: unknown[]) => {
  const issues: FieldIssue[] = [];
  const metrics = validateMetrics(bodies, issues, ['goal']);
  return { metrics, issues };
};
const fields = (patch: Partial<MetricFields>): MetricFields => ({ ...newMetricFields(), ...patch });

describe('experiment metric model', () => {
  test('each kind the form offers is a metric the API accepts, and comes back as the same fields', () => {
    const forms: MetricFields[] = [
      fields({ id: 'signup', name: 'Sign-ups', kind: 'conversion', event: 'Signed Up' }),
      fields({ id: 'revenue', kind: 'sum', event: 'Order Completed', valueProperty: 'revenue', windowHours: '168' }),
      fields({ id: 'pages', kind: 'count', event: 'Page Viewed', higherIsBetter: true }),
      fields({ id: 'bounce', kind: 'ratio', higherIsBetter: false, guardrail: true, numerator: { source: 'bounces', event: '', valueProperty: '' }, denominator: { source: 'sessions', event: '', valueProperty: '' } }),
      fields({ id: 'aov', kind: 'ratio', numerator: { source: 'event', event: 'Order Completed', valueProperty: 'revenue' }, denominator: { source: 'event', event: 'Order Completed', valueProperty: '' } }),
      fields({ id: 'dwell', kind: 'duration' }),
      fields({ id: 'p90-dwell', kind: 'quantile', quantile: '0.9', of: 'duration' }),
      fields({ id: 'median-order', kind: 'quantile', quantile: '0.5', of: 'sum', event: 'Order Completed', valueProperty: 'revenue' }),
      fields({ id: 'median-clicks', kind: 'quantile', quantile: '0.5', of: 'count', event: 'Clicked', valueProperty: 'ignored' }),
    ];
    const { metrics, issues } = validate(forms.map(metricBody));
    assert.deepEqual(issues, []);
    assert.deepEqual(metrics.map((m) => m.kind), ['conversion', 'sum', 'count', 'ratio', 'ratio', 'duration', 'quantile', 'quantile', 'quantile']);
    assert.equal(metrics[1]!.windowHours, 168);
    assert.deepEqual([metrics[3]!.guardrail, metrics[3]!.higherIsBetter], [true, false]);
    assert.equal(metrics[6]!.quantile, 0.9);
    // Back: the GET answer's shape (metricInput) read into the form, sent again, validates to the same metric.
    const again = validate(metrics.map((m) => metricBody(metricFields(metricInput(m)))));
    assert.deepEqual(again.issues, []);
    assert.deepEqual(again.metrics, metrics);
  });

  test('property filters the form cannot show are kept as stored', () => {
    const stored = { id: 'plan', kind: 'conversion', event: 'Upgraded', properties: { plan: 'pro' }, windowHours: 72, guardrail: false, higherIsBetter: true, name: 'plan' };
    const { metrics, issues } = validate([metricBody(metricFields(stored))]);
    assert.deepEqual(issues, []);
    assert.deepEqual((metrics[0]!.numerator as { properties: unknown }).properties, { plan: 'pro' });
  });

  test('bad text goes as it is, so the API names each failing input', () => {
    const { issues } = validate([metricBody(fields({ id: 'q', kind: 'quantile', quantile: '1.5', of: 'sum', event: 'Order Completed', windowHours: 'a week' }))]);
    const fieldsNamed = issues.map((i) => i.field).sort();
    assert.deepEqual(fieldsNamed, ['metrics[0].quantile', 'metrics[0].valueProperty', 'metrics[0].windowHours']);
    const names = metricFieldNames(0);
    for (const f of fieldsNamed) assert.ok(names.includes(f), `${f} has an input`);
    const ratio = validate([metricBody(fields({ id: 'r', kind: 'ratio', numerator: { source: 'event', event: '', valueProperty: '' }, denominator: { source: 'sessions', event: '', valueProperty: '' } }))]);
    assert.deepEqual(ratio.issues.map((i) => i.field), ['metrics[0].numerator.event']);
  });
});
