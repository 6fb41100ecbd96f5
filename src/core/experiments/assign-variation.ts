/**
 * Deterministic assignment of one unit to a variation of an experiment, as GrowthBook's SDK `run()` decides it
 * for the same inputs (hash attribute value, key/seed, hash version, weights, coverage, namespace):
 * 1. an empty unit value is never in the experiment (GrowthBook: "hashUsed: false");
 * 2. a namespace the unit is outside of excludes it;
 * 3. position = hash(seed ?? key, value, hashVersion); ranges from weights and coverage; the first range holding
 *    the position is the variation, none → not in the experiment.
 * Targeting, status and stickiness are decided by the caller before and after this pure step.
 */
import { hashUnit, type HashVersion } from './hashing.js';
import { bucketRanges, chooseVariation } from './bucket-ranges.js';
import { inNamespace, type NamespaceRange } from './namespace.js';

export interface AssignmentSpec {
  key: string;
  /** Defaults to the key, as in GrowthBook. */
  seed?: string;
  hashVersion: HashVersion;
  weights: readonly number[];
  coverage: number;
  namespace?: NamespaceRange;
}

export type Assignment =
  | { inExperiment: true; variation: number; position: number }
  | { inExperiment: false; reason: 'no_unit' | 'outside_namespace' | 'outside_coverage'; position: number | null };

export function assignVariation(spec: AssignmentSpec, unitValue: string): Assignment {
  if (unitValue === '') return { inExperiment: false, reason: 'no_unit', position: null };
  if (spec.namespace && !inNamespace(unitValue, spec.namespace)) return { inExperiment: false, reason: 'outside_namespace', position: null };
  const position = hashUnit(spec.seed ?? spec.key, unitValue, spec.hashVersion);
  if (position === null) return { inExperiment: false, reason: 'no_unit', position: null };
  const variation = chooseVariation(position, bucketRanges(spec.weights.length, spec.coverage, spec.weights));
  if (variation < 0) return { inExperiment: false, reason: 'outside_coverage', position };
  return { inExperiment: true, variation, position };
}
