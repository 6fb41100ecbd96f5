/**
 * A profile's persona link under a stored model: its features (with the model's own definition),
 * standardised with the model's stored means and variances, assigned softly (assign-persona.ts).
 * Null when the profile may not be profiled. Used by the fit (everyone) and by ingest (each
 * profile whose events changed its features).
 */
import { assignPersona } from './assign-persona.js';
import { extractFeatures, standardise, type FeatureContext } from './features.js';
import type { GaussianMixture } from './gaussian-mixture.js';
import type { PersonaModel } from './persona-model.js';
import type { ProfilePersona } from './profile-persona.js';
import type { Profile } from '../profiles/profile.js';

/** A model with its mixture laid out for assignment, prepared once per model. */
export interface PreparedPersonaModel {
  model: PersonaModel;
  mixture: GaussianMixture;
  personaIds: string[];
}

export function preparePersonaModel(model: PersonaModel): PreparedPersonaModel {
  return {
    model,
    mixture: { weights: model.personas.map((p) => p.weight), means: model.personas.map((p) => p.mean), variances: model.personas.map((p) => p.variances) },
    personaIds: model.personas.map((p) => p.id),
  };
}

export function personaLink(profile: Profile, prepared: PreparedPersonaModel, context: Omit<FeatureContext, 'definition'>): ProfilePersona | null {
  const { model } = prepared;
  const features = extractFeatures(profile, { ...context, definition: model.definition });
  if (!features.ok) return null;
  const a = assignPersona(prepared, standardise(features.values, model.scaling), model.threshold);
  return { modelVersion: model.version, personaId: a.personaId, probability: a.probability, probabilities: a.probabilities, at: context.at, basis: [...model.definition.profilingPurposes] };
}
