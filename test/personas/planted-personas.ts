/**
 * Planted personas for the fit tests: three groups of people with distinct content, time-of-day
 * and channel habits, sent through the real ingest into a new workspace of a real store.
 */
import { randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { parseFeatureDefinition, type FeatureDefinition } from '../../src/core/personas/feature-definition.js';
import { DEFAULT_PRIVACY_SETTINGS } from '../../src/core/privacy/privacy-settings.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../../src/ingest/process-batch.js';
import { createLeadScoringSettings } from '../../src/lead-scoring/lead-scoring-settings.js';
import type { FitPersonasDeps } from '../../src/personas/fit-personas.js';
import type { Store } from '../../src/ports/store.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { events, newWorkspace } from '../../src/storage/contract/contract-fixtures.js';
import { createWebhookList } from '../../src/webhooks/webhook-list.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 5); // a Monday

export const GROUPS = [
  { name: 'factory', hour: 20, pages: ['factory/robots', 'factory/plc', 'factory/mes'], utm: '' },
  { name: 'energy', hour: 8, pages: ['energy/solar', 'energy/grid'], utm: '' },
  { name: 'pricing', hour: 14, pages: ['pricing/plans', 'pricing/compare', 'pricing/faq', 'pricing/contact', 'pricing/calc'], utm: '?utm_source=newsletter&utm_medium=email' },
];
export const PER_GROUP = 30;

/** The definition the planted groups are fitted with (analytics rests on legitimate interest by default). */
export const PLANTED_DEFINITION = { profilingPurposes: ['analytics'], categories: ['factory', 'energy', 'pricing'] };

export function definition(input: object): FeatureDefinition {
  const parsed = parseFeatureDefinition(input, DEFAULT_PRIVACY_SETTINGS);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.definition;
}

function batchDepsOf(store: Store, now: () => number): ProcessBatchDeps {
  const newMessageId = () => `tessera-${randomUUID()}`;
  return {
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId,
    leadScoring: { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now },
  };
}

/** What a fit needs of the application: the store, privacy contexts and ingest's derived steps. */
export function fitDeps(store: Store, now: () => number): FitPersonasDeps {
  return { store, privacy: createPrivacyContexts(store, now), derive: createDerivedSteps(batchDepsOf(store, now)), now };
}

/** A new workspace with the planted people; `truth` maps each anonymous id to its group. */
export async function plantPersonas(store: Store, now: () => number): Promise<{ ws: string; deps: FitPersonasDeps; truth: Map<string, string> }> {
  const ws = await newWorkspace(store);
  const batchDeps = batchDepsOf(store, now);
  const deps = fitDeps(store, now);
  const privacy = deps.privacy;
  const truth = new Map<string, string>();
  const inputs: Array<Record<string, unknown> & { at: number }> = [];
  GROUPS.forEach((g, gi) => {
    for (let i = 0; i < PER_GROUP; i++) {
      const anonymousId = `${g.name}-${i}`;
      truth.set(anonymousId, g.name);
      g.pages.forEach((path, pi) => {
        for (const day of [0, 1]) {
          const at = T0 + day * DAY + g.hour * 3_600_000 + pi * 60_000 + i * 1000 + gi;
          inputs.push({ type: 'page', anonymousId, properties: { url: `https://x.test/${path}${pi === 0 ? g.utm : ''}` }, at });
        }
      });
    }
  });
  const context = await privacy.get(ws);
  await store.write((tx) => createProcessBatch(batchDeps)(tx, ws, events(ws, inputs), context));
  return { ws, deps, truth };
}
