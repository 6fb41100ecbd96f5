/**
 * The offline evaluation on a workspace's stored events (`tessera recommendations evaluate`): every
 * person's item interactions are read as ingest reads them (core/recommendations/interactions.ts,
 * with the workspace's URL patterns), then split leave-last-out and scored by the core
 * (core/recommendations/evaluate.ts). Read only; progress per page of people.
 */
import { evaluateLeaveLastOut, type EvaluationResult } from '../core/recommendations/evaluate.js';
import { interactionsOf } from '../core/recommendations/interactions.js';
import type { Interaction } from '../core/recommendations/co-occurrence.js';
import type { Store } from '../ports/store.js';
import type { RecommendationSettingsSource } from './recommendation-settings.js';

const PAGE = 200;

export async function evaluateRecommendations(deps: { store: Store; settings: RecommendationSettingsSource }, request: { workspaceId: string; k: number; onProgress?: (people: number) => void }): Promise<EvaluationResult> {
  const s = await deps.settings.get(request.workspaceId);
  const people: Interaction[][] = [];
  let after: string | undefined;
  let read = 0;
  for (;;) {
    const ids = await deps.store.segments.profileIds(request.workspaceId, { limit: PAGE, ...(after !== undefined ? { after } : {}) });
    if (ids.length === 0) break;
    const events = await deps.store.segments.eventsByProfile(request.workspaceId, ids);
    for (const id of ids) {
      const interactions: Interaction[] = [];
      for (const e of events.get(id) ?? []) for (const i of interactionsOf(e, s.patterns)) interactions.push({ itemId: i.itemId, kind: i.kind, at: i.at });
      if (interactions.length > 0) people.push(interactions);
    }
    read += ids.length;
    request.onProgress?.(read);
    after = ids[ids.length - 1];
  }
  return evaluateLeaveLastOut({
    people,
    params: { historyWindowMs: s.historyWindowMs, historyCap: s.settings.historyCap, pairCap: s.settings.pairCap, halfLifeMs: s.halfLifeMs, trendingHalfLifeMs: s.trendingHalfLifeMs },
    minSupport: s.settings.minSupport, k: request.k,
  });
}
