/**
 * From the raw feature rows of a sample to a persona model ready to store (pure; the fit service
 * runs it, off the ingest path): standardise (stored means and variances), choose and fit the
 * mixture (select-components.ts), give the components stable ids against the previous model
 * (match-personas.ts), describe each persona (describe-personas.ts). Pinned personas keep their
 * name and description.
 *
 * Ids are carried over only when the previous model used the same feature definition version: a
 * different definition measures different things, so every old persona vanishes and every new
 * one is born (reported, not silently renamed).
 */
import { describePersona } from './describe-personas.js';
import { definitionVersion, type FeatureDefinition } from './feature-definition.js';
import { fitScaling, standardise, type FeatureScaling, type FeatureSpec } from './features.js';
import { matchPersonas } from './match-personas.js';
import type { PersonaModel } from './persona-model.js';
import { DEFAULT_ASSIGNMENT_THRESHOLD } from './assign-persona.js';
import { selectComponents, type Candidate, type SelectionOptions } from './select-components.js';
import type { EpochMs } from '../time.js';

export interface BuildModelInput {
  workspaceId: string;
  fittedAt: EpochMs;
  definition: FeatureDefinition;
  specs: readonly FeatureSpec[];
  /** Raw feature values (features.ts extractFeatures) of the sampled profiles. */
  rows: readonly (readonly number[])[];
  previous: PersonaModel | null;
  /** Every persona id the workspace has used. */
  usedIds: readonly string[];
  selection?: Partial<SelectionOptions>;
  threshold?: number;
}

export type BuiltModel =
  | { ok: true; model: Omit<PersonaModel, 'version'>; candidates: Candidate[] }
  | { ok: false; reason: string; candidates: Candidate[] };

export function buildPersonaModel(input: BuildModelInput): BuiltModel {
  const scaling = fitScaling(input.rows);
  const rows = input.rows.map((r) => standardise(r, scaling));
  const selection = selectComponents(rows, input.selection);
  if (!selection.ok) return { ok: false, reason: selection.reason, candidates: selection.candidates };
  const version = definitionVersion(input.definition);
  const previous = input.previous?.definitionVersion === version ? input.previous : null;
  const match = matchPersonas({
    previous: previous ? previous.personas.map((p) => ({ id: p.id, centroid: toRaw(p.mean, previous.scaling) })) : [],
    next: selection.model.means.map((m) => toRaw(m, scaling)),
    scaling,
    usedIds: input.usedIds,
  });
  const vanished = input.previous && !previous ? input.previous.personas.map((p) => p.id) : match.vanished;
  const n = rows.length;
  const personas = selection.model.means.map((mean, k) => {
    const id = match.ids[k]!;
    const described = describePersona(mean, { specs: input.specs, scaling });
    const pinned = previous?.personas.find((p) => p.id === id && p.pinned);
    return {
      id,
      name: pinned ? pinned.name : generatedName(described.distinguishing.map((e) => `${e.effectSize > 0 ? 'more' : 'less'} ${e.label}`)),
      description: pinned ? pinned.description : described.description,
      pinned: pinned !== undefined,
      weight: selection.model.weights[k]!,
      size: Math.round(selection.model.weights[k]! * n),
      mean,
      variances: selection.model.variances[k]!,
      distinguishing: described.distinguishing,
    };
  });
  return {
    ok: true,
    candidates: selection.candidates,
    model: {
      workspaceId: input.workspaceId,
      fittedAt: input.fittedAt,
      definition: input.definition,
      definitionVersion: version,
      scaling,
      features: input.specs.map((s) => s.key),
      personas,
      threshold: input.threshold ?? DEFAULT_ASSIGNMENT_THRESHOLD,
      sampleSize: n,
      logLikelihood: selection.logLikelihood,
      bic: selection.bic,
      changes: { born: match.born, vanished, splits: match.splits },
    },
  };
}

/** Standardised → raw units: `mean + z · sd` (a constant feature is its mean). */
export function toRaw(z: readonly number[], scaling: FeatureScaling): number[] {
  return z.map((v, j) => scaling.means[j]! + v * Math.sqrt(Math.max(0, scaling.variances[j]!)));
}

/** "More visits, less email open rate": the two strongest effects, capitalised; else "Average profiles". */
function generatedName(parts: readonly string[]): string {
  if (parts.length === 0) return 'Average profiles';
  const text = parts.slice(0, 2).join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
