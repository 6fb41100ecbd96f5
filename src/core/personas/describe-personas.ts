/**
 * What distinguishes a persona, in plain words, with the evidence (issue 17 §2 "Labels"). The
 * effect size of a feature is the persona's mean minus the population mean, in population standard
 * deviations (Cohen's d against the whole fitted sample). In the model's standardised space the
 * population mean is 0 and the standard deviation 1, so the effect size is the component mean
 * itself; readable values are given back in raw units (`mean + z · sd`; a log1p feature is shown
 * as `expm1` of it, i.e. as the count or amount).
 *
 * A feature distinguishes a persona when |effect| ≥ `minEffect` (default 0.5, a "medium" effect in
 * Cohen's convention); the strongest `top` of them (default 3) make the generated description,
 * e.g. "more share of Smart Factory content; more active in the evening; less visits".
 */
import type { FeatureScaling, FeatureSpec } from './features.js';

export interface FeatureEvidence {
  feature: string;
  label: string;
  /** Persona mean and population mean in readable units. */
  personaMean: number;
  populationMean: number;
  effectSize: number;
}

export interface PersonaDescription {
  distinguishing: FeatureEvidence[];
  description: string;
}

export interface DescribeOptions {
  specs: readonly FeatureSpec[];
  scaling: FeatureScaling;
  top?: number;
  minEffect?: number;
}

/** Describes one component from its standardised mean. */
export function describePersona(mean: readonly number[], options: DescribeOptions): PersonaDescription {
  const top = options.top ?? 3;
  const minEffect = options.minEffect ?? 0.5;
  const evidence: FeatureEvidence[] = options.specs.map((spec, j) => {
    const mu = options.scaling.means[j]!;
    const sd = Math.sqrt(options.scaling.variances[j]!);
    return {
      feature: spec.key,
      label: spec.label,
      personaMean: readable(spec, mu + mean[j]! * sd),
      populationMean: readable(spec, mu),
      effectSize: mean[j]!,
    };
  });
  const distinguishing = evidence
    .filter((e) => Math.abs(e.effectSize) >= minEffect)
    .sort((a, b) => Math.abs(b.effectSize) - Math.abs(a.effectSize) || (a.feature < b.feature ? -1 : 1))
    .slice(0, top);
  const description = distinguishing.length === 0
    ? 'close to the average of all profiles'
    : distinguishing.map((e) => `${e.effectSize > 0 ? 'more' : 'less'} ${e.label}`).join('; ');
  return { distinguishing, description };
}

function readable(spec: FeatureSpec, value: number): number {
  const v = spec.transform === 'log1p' ? Math.expm1(value) : value;
  return Math.round(v * 1000) / 1000;
}
