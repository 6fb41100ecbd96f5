/**
 * Soft assignment of one standardised feature vector to the personas of a fitted model: the
 * posterior probability of every persona (they sum to 1), and the persona — the most probable one
 * when its probability reaches `threshold` (default 0.6), else `unassigned`. A handful of diagonal
 * Gaussian densities: k·d multiply-adds, cheap enough to run on every event that changes features.
 */
import { posterior, type GaussianMixture } from './gaussian-mixture.js';

export const DEFAULT_ASSIGNMENT_THRESHOLD = 0.6;

export interface PersonaAssignment {
  /** The persona id, or null: unassigned (no persona probable enough). */
  personaId: string | null;
  /** The probability of the most probable persona (whether or not it reached the threshold). */
  probability: number;
  /** Persona id → probability, for every persona of the model. */
  probabilities: Record<string, number>;
}

export interface AssignableModel {
  mixture: GaussianMixture;
  /** Persona id of each component, in component order. */
  personaIds: readonly string[];
}

export function assignPersona(model: AssignableModel, x: readonly number[], threshold = DEFAULT_ASSIGNMENT_THRESHOLD): PersonaAssignment {
  const probabilities: Record<string, number> = {};
  let best = -1;
  let bestP = -1;
  posterior(model.mixture, x).forEach((p, k) => {
    Object.defineProperty(probabilities, model.personaIds[k]!, { value: p, enumerable: true, writable: true, configurable: true });
    if (p > bestP) { bestP = p; best = k; }
  });
  return { personaId: bestP >= threshold && best >= 0 ? model.personaIds[best]! : null, probability: Math.max(0, bestP), probabilities };
}
