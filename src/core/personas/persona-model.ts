/**
 * A fitted persona model as it is stored (ports/persona-store.ts): aggregates only — the feature
 * definition, the standardisation, and per persona its weight, size, mean, variances and
 * description. No profile id and no identifier.
 */
import type { FeatureEvidence } from './describe-personas.js';
import type { FeatureDefinition } from './feature-definition.js';
import type { FeatureScaling } from './features.js';
import type { EpochMs } from '../time.js';

export interface PersonaAggregate {
  /** Stable across refits (core/personas/match-personas.ts): `p1`, `p2`, … */
  id: string;
  /** Generated name, or the marketer's when pinned. */
  name: string;
  description: string;
  /** A pinned persona keeps its name and description over refits. */
  pinned: boolean;
  /** Mixture weight π_k and the expected number of fitted profiles (N·π_k). */
  weight: number;
  size: number;
  /** Mean and diagonal variances in the model's standardised units. */
  mean: number[];
  variances: number[];
  distinguishing: FeatureEvidence[];
}

export interface PersonaModelChanges {
  born: string[];
  vanished: string[];
  splits: { from: string; into: string[] }[];
}

export interface PersonaModel {
  workspaceId: string;
  /** 1, 2, … per workspace; the highest is the current model. */
  version: number;
  fittedAt: EpochMs;
  definition: FeatureDefinition;
  definitionVersion: string;
  scaling: FeatureScaling;
  /** Feature keys in vector order (core/personas/features.ts featureSpecs). */
  features: string[];
  personas: PersonaAggregate[];
  /** Assignment threshold in force for this model. */
  threshold: number;
  sampleSize: number;
  logLikelihood: number;
  bic: number;
  changes: PersonaModelChanges;
}

