/**
 * The `persona` leaf of the condition language, evaluated against the person → persona link on the
 * profile (core/personas/profile-persona.ts). Pure: the probabilities were computed by the persona
 * step of ingest (or by a fit); no model is read here.
 *
 * - With `minProbability`: the person's probability of that persona is at least it (soft
 *   membership: a person can be 0.7 one persona and 0.3 another).
 * - Without: the persona is the person's assigned one (the most probable, above the model's
 *   threshold; `personaId` null means unassigned).
 * No link (no model yet, no legal basis for profiling, consent withdrawn): never holds.
 */
import type { Profile } from '../profiles/profile.js';
import type { PersonaCondition } from './condition.js';

export function personaHolds(c: PersonaCondition, profile: Pick<Profile, 'persona'>): boolean {
  const link = profile.persona;
  if (!link) return false;
  if (c.minProbability === undefined) return link.personaId === c.id;
  const p = Object.hasOwn(link.probabilities, c.id) ? link.probabilities[c.id]! : 0;
  return p >= c.minProbability;
}

/**
 * What persona conditions read of a profile, as one comparable text: the model version and the
 * probabilities. Ingest compares it before and after the persona step (`Touched.persona`).
 */
export function personaSignature(profile: Pick<Profile, 'persona'>): string {
  const link = profile.persona;
  if (!link) return '';
  let text = `${link.modelVersion}|${link.personaId ?? ''}`;
  for (const id in link.probabilities) text += `|${id}:${link.probabilities[id]}`;
  return text;
}
