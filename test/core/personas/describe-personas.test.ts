import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePersona } from '../../../src/core/personas/describe-personas.js';
import type { FeatureSpec } from '../../../src/core/personas/features.js';

test('a persona is described by its strongest effects, with the evidence in readable units', () => {
  const specs: FeatureSpec[] = [
    { key: 'category:Factory', label: 'share of Factory content', transform: 'share' },
    { key: 'sessions', label: 'visits', transform: 'log1p' },
    { key: 'time:evening', label: 'active in the evening', transform: 'share' },
  ];
  const scaling = { means: [0.2, Math.log1p(3), 0.3], variances: [0.01, 0.25, 0.04] };
  const d = describePersona([2, -1, 0.1], { specs, scaling });
  assert.equal(d.description, 'more share of Factory content; less visits');
  assert.deepEqual(d.distinguishing[0], { feature: 'category:Factory', label: 'share of Factory content', personaMean: 0.4, populationMean: 0.2, effectSize: 2 });
  // log1p features are shown as counts: population 3 visits, persona expm1(ln 4 − 0.5).
  assert.equal(d.distinguishing[1]!.populationMean, 3);
  assert.equal(d.distinguishing[1]!.personaMean, Math.round(Math.expm1(Math.log1p(3) - 0.5) * 1000) / 1000);
  assert.equal(describePersona([0.1, 0.1, 0.1], { specs, scaling }).description, 'close to the average of all profiles');
});
