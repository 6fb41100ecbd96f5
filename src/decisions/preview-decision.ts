/**
 * The admin preview of a decision (POST /v1/slots/{id}/preview): what the slot would show a given
 * person (found by any identifier, as the profile API resolves them), a made-up typical member of a
 * persona of the workspace's current model (core/personas/typical-member.ts: assigned to it with
 * probability 1, nothing else known) or a made-up visit without a profile, with the full trace
 * (every rule looked at, with the deciding clauses of profile conditions). It reads the same inputs decide will — the profile, the person's exposure counters,
 * the workspace's settings, the sizes of the segments the rules target, the global holdout and the
 * slot experiment's arm (trace entries `holdout` and `experiment:<key>`) — and writes nothing.
 *
 * A person in the global holdout sees the default variant; the preview then also decides as if they
 * were not held out (`outsideHoldout`), so that the marketer checking the rules for this person sees
 * what the rules choose, and why the person does not get it (`holdoutShare`).
 */
import { performance } from 'node:perf_hooks';
import { decide, type DecideChannel } from '../core/decisions/decide.js';
import type { Decision } from '../core/decisions/decision.js';
import type { DecisionContext } from '../core/decisions/decision-context.js';
import type { ExposureCounters } from '../core/decisions/exposure-counters.js';
import { TesseraError } from '../core/errors.js';
import type { EpochMs } from '../core/time.js';
import { typicalMember } from '../core/personas/typical-member.js';
import type { Profile } from '../core/profiles/profile.js';
import type { Store } from '../ports/store.js';
import type { SlotService } from './slot-service.js';
import type { PrefetchedRecommendation } from '../core/recommendations/slot-strategy.js';
import { createSlotExperiments, unitOfVisit, type SlotExperiments } from './slot-experiments.js';

export interface PreviewRequest {
  workspaceId: string;
  slotId: string;
  /** Any identifier of the person (profile id, userId, email, anonymousId); absent: a visit without a profile. */
  profile?: string;
  /** A persona id of the current model: decide for a made-up typical member of it (not with `profile`). */
  persona?: string;
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
  /** Present when the person is in the global holdout: the decision the rules would make for them outside it. */
  outsideHoldout?: Decision;
  /** The workspace's global holdout share (0 to 0.5). */
  holdoutShare: number;
  /** Server time the decision took (informative; never asserted by tests). */
  durationMs: number;
}

/** Loads recommended items for a strategy that needs them (recommendations/recommendation-service.ts). */
export type RecommendationLoader = (request: { workspaceId: string; kind: string; profileId: string | null; itemId?: string; limit: number; now: EpochMs }) => Promise<PrefetchedRecommendation[]>;

export async function previewDecision(deps: { store: Store; slots: SlotService; now: () => number; recommend?: RecommendationLoader; experiments?: SlotExperiments }, request: PreviewRequest): Promise<Preview> {
  const { store } = deps;
  const slot = await deps.slots.compiledSlot(request.workspaceId, request.slotId);
  let profileId: string | null = null;
  if (request.profile !== undefined) {
    profileId = await store.profiles.resolve(request.workspaceId, request.profile);
    if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${request.profile}".`, issues: [{ field: 'profile', reason: 'no profile is known by this identifier' }] });
  }
  const at = request.at ?? deps.now();
  let member: Profile | null = null;
  if (request.persona !== undefined) {
    const model = await store.personas.currentModel(request.workspaceId);
    const known = model?.personas.map((p) => p.id) ?? [];
    if (!model || !known.includes(request.persona)) {
      const reason = model ? `no persona "${request.persona}" in this workspace's current persona model (it has ${known.join(', ') || 'none'})` : 'this workspace has no fitted persona model yet';
      throw new TesseraError('invalid_body', { message: 'The preview request is invalid.', issues: [{ field: 'persona', reason }] });
    }
    member = typicalMember(model, request.persona, at);
  }
  const [profile, counters, settings] = await Promise.all([
    member ?? (profileId ? store.profiles.get(request.workspaceId, profileId) : null),
    profileId ? store.decisions.getCounters(request.workspaceId, profileId) : null,
    deps.slots.settings(request.workspaceId),
  ]);
  const targeted = [...new Set(slot.rules.flatMap((r) => r.segments))];
  const sizes = new Map(await Promise.all(targeted.map(async (id) => [id, await store.segments.memberCount(request.workspaceId, id)] as const)));
  const wanted = slot.strategy.needs?.recommendations;
  const prefetched = wanted && deps.recommend
    ? await deps.recommend({ workspaceId: request.workspaceId, kind: wanted.kind, profileId, limit: wanted.limit, now: at, ...(request.context.itemId !== undefined ? { itemId: request.context.itemId } : {}) })
    : undefined;
  // The holdout and the experiment arm as decide would see them for this person (the unit: their user id, else
  // the anonymous id the preview named, else their first one).
  const experiments = deps.experiments ?? createSlotExperiments({ store });
  const anonymousId = profile?.identities.find((i) => i.kind === 'anonymous_id' && i.value === request.profile)?.value ?? profile?.identities.find((i) => i.kind === 'anonymous_id')?.value;
  const unit = unitOfVisit(anonymousId !== undefined ? { anonymousId } : {}, profile);
  const holdout = await experiments.holdout(request.workspaceId, unit);
  const key = slot.slot.experiment;
  const arm = key !== undefined ? await experiments.armOf({ workspaceId: request.workspaceId, experimentKey: key, profile, unit, now: at }) : null;
  const decideAs = (heldOut: boolean) => decide({
    slot, profile, context: request.context, channel: request.channel, now: at, counters,
    segmentSize: (id) => sizes.get(id), settings, trace: 'full', ...(prefetched ? { prefetched } : {}),
    holdout: heldOut, ...(arm && !heldOut ? { experimentArm: { experiment: arm.experiment, variation: arm.variation, unit: arm.unit } } : {}),
  });
  const started = performance.now();
  const decision = decideAs(holdout);
  const durationMs = performance.now() - started;
  return {
    decision, profileId, at, counters, durationMs, holdoutShare: await experiments.holdoutShare(request.workspaceId),
    ...(holdout ? { outsideHoldout: decideAs(false) } : {}),
  };
}
