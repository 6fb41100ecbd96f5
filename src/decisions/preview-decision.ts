/**
 * The admin preview of a decision (POST /v1/slots/{id}/preview): what the slot would show a given
 * person (found by any identifier, as the profile API resolves them) or a made-up visit without a
 * profile, with the full trace (every rule looked at, with the deciding clauses of profile
 * conditions). It reads the same inputs decide will — the profile, the person's exposure counters,
 * the workspace's settings, the sizes of the segments the rules target — and writes nothing.
 */
import { performance } from 'node:perf_hooks';
import { decide, type DecideChannel } from '../core/decisions/decide.js';
import type { Decision } from '../core/decisions/decision.js';
import type { DecisionContext } from '../core/decisions/decision-context.js';
import type { ExposureCounters } from '../core/decisions/exposure-counters.js';
import { TesseraError } from '../core/errors.js';
import type { EpochMs } from '../core/time.js';
import type { Store } from '../ports/store.js';
import type { SlotService } from './slot-service.js';

export interface PreviewRequest {
  workspaceId: string;
  slotId: string;
  /** Any identifier of the person (profile id, userId, email, anonymousId); absent: a visit without a profile. */
  profile?: string;
  context: DecisionContext;
  channel: DecideChannel;
  /** The moment to decide at; default now. */
  at?: EpochMs;
}

export interface Preview {
  decision: Decision;
  profileId: string | null;
  at: EpochMs;
  counters: ExposureCounters | null;
  /** Server time the decision took (informative; never asserted by tests). */
  durationMs: number;
}

export async function previewDecision(deps: { store: Store; slots: SlotService; now: () => number }, request: PreviewRequest): Promise<Preview> {
  const { store } = deps;
  const slot = await deps.slots.compiledSlot(request.workspaceId, request.slotId);
  let profileId: string | null = null;
  if (request.profile !== undefined) {
    profileId = await store.profiles.resolve(request.workspaceId, request.profile);
    if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${request.profile}".`, issues: [{ field: 'profile', reason: 'no profile is known by this identifier' }] });
  }
  const [profile, counters, settings] = await Promise.all([
    profileId ? store.profiles.get(request.workspaceId, profileId) : null,
    profileId ? store.decisions.getCounters(request.workspaceId, profileId) : null,
    deps.slots.settings(request.workspaceId),
  ]);
  const targeted = [...new Set(slot.rules.flatMap((r) => r.segments))];
  const sizes = new Map(await Promise.all(targeted.map(async (id) => [id, await store.segments.memberCount(request.workspaceId, id)] as const)));
  const at = request.at ?? deps.now();
  const started = performance.now();
  const decision = decide({
    slot, profile, context: request.context, channel: request.channel, now: at, counters,
    segmentSize: (id) => sizes.get(id), settings, trace: 'full',
  });
  return { decision, profileId, at, counters, durationMs: performance.now() - started };
}
