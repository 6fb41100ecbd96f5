/**
 * Fitting a workspace's personas (issue 17 §2), in three phases reported through `onProgress`:
 *
 * 1. sample: every profile is read page by page; those with a legal basis for profiling are
 *    featurised and offered to a reservoir (Algorithm R, fixed seed) of `sampleSize`, so memory
 *    stays bounded however large the population;
 * 2. fit: `buildPersonaModel` on the sample — by default in a worker thread (fit-worker.ts), so the
 *    CPU-heavy EM never blocks the event loop that serves ingest; the model is stored as the next
 *    version;
 * 3. assign: every profile is read again and gets its persona probabilities under the new model on
 *    `Profile.persona`, written through a re-evaluation (ingest/reevaluate.ts) per page so the
 *    write goes through the same persistence as an event; a profile without a legal basis loses
 *    any persona link it had.
 *
 * Features are computed from the profile alone (its behaviour keeps the activity by hour of the
 * week and device class; core/personas/activity.ts), so no event is read again.
 */
import { buildPersonaModel, type BuildModelInput, type BuiltModel } from '../core/personas/build-model.js';
import type { FeatureDefinition } from '../core/personas/feature-definition.js';
import { extractFeatures, featureSpecs } from '../core/personas/features.js';
import { personaLink, preparePersonaModel } from '../core/personas/persona-link.js';
import type { PersonaModel } from '../core/personas/persona-model.js';
import { Reservoir } from '../core/personas/reservoir.js';
import { seededRandom } from '../core/seeded-random.js';
import type { SelectionOptions } from '../core/personas/select-components.js';
import type { Profile } from '../core/profiles/profile.js';
import type { EpochMs } from '../core/time.js';
import type { DerivedSteps } from '../ingest/process-batch.js';
import { reevaluate } from '../ingest/reevaluate.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';

export interface FitPersonasDeps {
  store: Store;
  privacy: PrivacyContexts;
  derive: DerivedSteps;
  now: () => EpochMs;
  /** Runs the model fit; default in-process. The app passes `fitInWorker`. */
  runFit?: (input: BuildModelInput) => Promise<BuiltModel>;
  /** Called when a new model is stored (ingest's cache of models drops the workspace's). */
  onModelSaved?: (workspaceId: string) => void;
}

export type FitPhase = 'sample' | 'fit' | 'assign';
export interface FitProgress { phase: FitPhase; done: number; total: number }

export interface FitPersonasRequest {
  workspaceId: string;
  definition: FeatureDefinition;
  /** Largest sample fitted (default 20,000). */
  sampleSize?: number;
  seed?: number;
  selection?: Partial<SelectionOptions>;
  threshold?: number;
  /** Profiles read per page (default 500). */
  pageSize?: number;
  onProgress?: (progress: FitProgress) => void;
}

export type FitOutcome =
  | { ok: true; version: number; model: PersonaModel; eligible: number; assigned: number; unassigned: number; withoutBasis: number }
  | { ok: false; reason: string; eligible: number };

export const DEFAULT_SAMPLE_SIZE = 20_000;

export async function fitPersonas(deps: FitPersonasDeps, request: FitPersonasRequest): Promise<FitOutcome> {
  const { store } = deps;
  const { workspaceId, definition } = request;
  const context = await deps.privacy.get(workspaceId);
  const privacy = { purposes: context.settings.purposes, schema: context.settings.schema };
  const at = deps.now();
  const total = await store.profiles.count(workspaceId);
  const progress = (phase: FitPhase, done: number, of = total) => request.onProgress?.({ phase, done, total: of });

  const seed = request.seed ?? 1;
  const reservoir = new Reservoir<number[]>(request.sampleSize ?? DEFAULT_SAMPLE_SIZE, seededRandom(seed));
  let read = 0;
  for await (const page of pages(store, workspaceId, request.pageSize ?? 500)) {
    for (const profile of page) {
      const features = extractFeatures(profile, { definition, privacy, at });
      if (features.ok) reservoir.offer(features.values);
    }
    read += page.length;
    progress('sample', read);
  }
  const eligible = reservoir.offered;

  progress('fit', 0, 1);
  const specs = featureSpecs(definition, privacy.schema);
  const input: BuildModelInput = {
    workspaceId, fittedAt: at, definition, specs, rows: reservoir.items,
    previous: await store.personas.currentModel(workspaceId),
    usedIds: await store.personas.usedIds(workspaceId),
    selection: { seed, ...request.selection },
    ...(request.threshold !== undefined ? { threshold: request.threshold } : {}),
  };
  const built = deps.runFit ? await deps.runFit(input) : buildPersonaModel(input);
  if (!built.ok) return { ok: false, reason: built.reason, eligible };
  const version = await store.personas.saveModel(built.model);
  const model: PersonaModel = { ...built.model, version };
  progress('fit', 1, 1);

  deps.onModelSaved?.(workspaceId);
  const prepared = preparePersonaModel(model);
  const counts = { assigned: 0, unassigned: 0, withoutBasis: 0 };
  let done = 0;
  for await (const page of pages(store, workspaceId, request.pageSize ?? 500)) {
    await reevaluate(deps, {
      workspaceId, profileIds: page.map((p) => p.id), now: at, cause: `personas:${version}`,
      prepare: (batch) => {
        for (const profile of batch.profiles.values()) {
          const link = personaLink(profile, prepared, { privacy, at });
          if (link === null) { counts.withoutBasis++; delete profile.persona; continue; }
          profile.persona = link;
          if (link.personaId === null) counts.unassigned++; else counts.assigned++;
        }
      },
    });
    done += page.length;
    progress('assign', done);
  }
  return { ok: true, version, model, eligible, ...counts };
}

async function* pages(store: Store, workspaceId: string, limit: number): AsyncGenerator<Profile[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await store.profiles.search(workspaceId, { limit, ...(cursor ? { cursor } : {}) });
    if (page.profiles.length > 0) yield page.profiles;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
