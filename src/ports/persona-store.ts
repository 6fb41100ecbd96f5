/**
 * Persona models (issue 17 §3): aggregates only, kept strictly apart from persons. A model version
 * holds the feature definition, the standardisation, and per persona its weight, size, mean and
 * variances and its description. It holds NO profile id and no identifier: nothing in these tables
 * is personal data (a contract test scans them). Store.personas.
 *
 * The link person → persona lives on the profile (`Profile.persona`), so it is shown, exported and
 * erased with the person, never here.
 */
import type { FeatureEvidence } from '../core/personas/describe-personas.js';
import type { FeatureDefinition } from '../core/personas/feature-definition.js';
import type { FeatureScaling } from '../core/personas/features.js';
import type { EpochMs } from '../core/time.js';

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

export interface PersonaStore {
  /**
   * Stores a new model as the workspace's next version (current max + 1, or 1) and returns that
   * version. Concurrent saves get distinct versions.
   */
  saveModel(model: Omit<PersonaModel, 'version'>): Promise<number>;
  /** The highest version, or null when the workspace has none. */
  currentModel(workspaceId: string): Promise<PersonaModel | null>;
  /** One version, or null when it does not exist. */
  model(workspaceId: string, version: number): Promise<PersonaModel | null>;
  /** Every persona id any model of the workspace has used (fresh ids never reuse one), sorted. */
  usedIds(workspaceId: string): Promise<string[]>;
  /**
   * Renames / describes / pins a persona of the current model (and so of later refits, when
   * pinned). Returns false when the current model has no such persona.
   */
  label(workspaceId: string, personaId: string, label: { name?: string; description?: string; pinned?: boolean }): Promise<boolean>;
}
