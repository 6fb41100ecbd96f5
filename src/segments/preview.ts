/**
 * Preview of a condition before it is saved: how many profiles match now, with up to 10 examples
 * and the reason each matches. Reads only (nothing is written, nobody enters anything). Conditions
 * on events no saved definition tracks yet are answered from the profiles' stored events, replayed
 * in memory. Large workspaces are scanned up to `maxProfiles`; the answer then says it is an
 * estimate (`exact: false`) and extrapolates the count.
 */
import { aggregateValue } from '../core/computed-traits/aggregate.js';
import { TesseraError } from '../core/errors.js';
import type { Condition } from '../core/segments/condition.js';
import { describeReasons, evaluateCondition } from '../core/segments/evaluate-condition.js';
import { newKeys, rebuildDerived } from '../core/segments/record-event.js';
import { compileDefinitions } from '../core/segments/segment.js';
import { validateCondition } from '../core/segments/validate-condition.js';
import type { Profile } from '../core/profiles/profile.js';
import type { Store } from '../ports/store.js';
import type { SegmentDefinitionsSource } from './segment-definitions.js';
import type { SegmentService } from './segment-service.js';

export const PREVIEW_EXAMPLES = 10;
const PAGE = 1000;

export interface PreviewResult {
  count: number;
  scanned: number;
  total: number;
  exact: boolean;
  examples: Array<{ profile: Profile; reason: string }>;
}

export async function previewCondition(
  deps: { store: Store; definitions: SegmentDefinitionsSource; service: SegmentService },
  request: { workspaceId: string; condition: unknown; now: number; maxProfiles?: number; selfId?: string },
): Promise<PreviewResult> {
  const issues = validateCondition(request.condition, await deps.service.refs(request.workspaceId, request.selfId));
  if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
  const condition = request.condition as Condition;
  const current = await deps.definitions.get(request.workspaceId);
  const candidate = compileDefinitions([...current.segments, { id: '\u0000preview', workspaceId: request.workspaceId, name: 'preview', description: '', condition, createdAt: Number.MAX_SAFE_INTEGER, updatedAt: 0 }], current.computed);
  const fresh = newKeys(current, candidate);
  const needsHistory = fresh.trackers.size > 0;
  const names = new Map(current.segments.map((s) => [s.id, s.name]));
  const total = await deps.store.profiles.count(request.workspaceId);
  const max = request.maxProfiles ?? 200_000;
  const result: PreviewResult = { count: 0, scanned: 0, total, exact: true, examples: [] };
  let after: string | undefined;
  while (result.scanned < max) {
    const profiles = await deps.store.segments.scanProfiles(request.workspaceId, { limit: Math.min(PAGE, max - result.scanned), ...(after ? { after } : {}) });
    if (profiles.length === 0) break;
    const history = needsHistory ? await deps.store.segments.eventsByProfile(request.workspaceId, profiles.map((p) => p.id)) : null;
    for (const profile of profiles) {
      if (history) rebuildDerived(profile, history.get(profile.id) ?? [], candidate, request.now, fresh);
      const computed = profile.computed ?? {};
      const outcome = evaluateCondition(condition, {
        profile, now: request.now, trackers: profile.segments?.events ?? {},
        computed: (key) => {
          const def = current.computed.find((d) => d.key === key);
          const entry = computed[key];
          return def && entry ? aggregateValue(def, entry.state, request.now) : undefined;
        },
        member: (id) => Object.hasOwn(profile.segments?.member ?? {}, id),
        segmentName: (id) => names.get(id),
      });
      if (!outcome.match) continue;
      result.count++;
      if (result.examples.length < PREVIEW_EXAMPLES) result.examples.push({ profile, reason: describeReasons(outcome, (id) => names.get(id)).join(' AND ') });
    }
    result.scanned += profiles.length;
    after = profiles[profiles.length - 1]!.id;
  }
  if (result.scanned < total) {
    result.exact = false;
    result.count = result.scanned === 0 ? 0 : Math.round((result.count / result.scanned) * total);
  }
  return result;
}
