/**
 * Decide for a visitor (POST/GET /v1/decide, GET /v1/decide/email; issue 14 §2): who the visitor
 * is, how strongly that is proven on this device, and per slot the core's decision, answered in
 * the public shape with an unguessable, expiring decisionId.
 *
 * Who, and the recognition level the creepiness guard reads (core/decisions/creepiness-guard.ts):
 * - a write key (browsers) may only name its own visitor: its `anonymousId`, optionally with a
 *   `recognition` token (POST /v1/recognize: a `prefill` token bound to that anonymous id, minted
 *   after a signed email link or the site's server vouched on this device) →
 *   - a verified token → `signed` (the token's person);
 *   - else the profile owning the anonymous id → `cookie` (whoever holds the device sees what it
 *     gets: at most segment depth, never name-level content); an invalid or expired token is
 *     ignored, not an error (the tracker may keep an old one);
 *   - else no profile → `none` (contextual decisions and the default);
 * - a server key with the `decide` scope may name anyone by `userId` or `email` → `login`. Reason:
 *   the caller is the site's or the email platform's server holding a secret key; it vouches for
 *   the person exactly as a login does (the answer goes into that person's session or into an
 *   email addressed to that person's inbox, not to whoever holds a device). An unknown person →
 *   `none`.
 * Consent: the profile's own (the `personalization` purpose; decide() reads `profile.consent`).
 *
 * Slot experiments and the global holdout (slot-experiments.ts): a person in the holdout gets every
 * slot's default at depth `none`; a slot with a running experiment shows the visitor's arm (read
 * from a stored assignment, else hashed), which the decisionId and the answer carry
 * (`experiment`, `variation`); the assignment is recorded when `Slot Viewed` arrives, not here.
 *
 * Recommendation slots (core/recommendations/slot-strategy.ts) ask for the visitor's recommended
 * items (`needs.recommendations`): they are loaded here, with the visitor's own profile (never
 * another person's: the write key only reaches its own anonymous id) and the page's
 * `context.itemId`, for all such slots at once, bounded by RECOMMENDATION_BUDGET_MS: what is not
 * loaded by then decides without recommendations (the slot's default), so the tracker's wait
 * (300 ms by default) is never spent here. A visitor in the holdout loads nothing.
 *
 * Never writes to the store on the request path: profile, counters, segment sizes, slots and
 * settings are read (slots and settings through the slot service's short cache, segment sizes
 * through an lru-cache of SEGMENT_SIZE_TTL_MS); the decisionId is sealed, not stored
 * (core/decisions/decision-id.ts). The one exception: a workspace without any link-signing key
 * gets one on its first decide (the slot admin API makes it when the first slot is saved).
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { decide, type DecideChannel } from '../core/decisions/decide.js';
import { DECISION_ID_TTL_MS, sealDecisionId } from '../core/decisions/decision-id.js';
import type { Decision } from '../core/decisions/decision.js';
import { localTimeOf } from '../core/decisions/timing.js';
import type { DecisionContext, Recognition } from '../core/decisions/decision-context.js';
import type { Profile } from '../core/profiles/profile.js';
import { profileOfAnonymousId, verifyRecognition } from '../forms/visitor.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { Store } from '../ports/store.js';
import type { SlotService } from './slot-service.js';
import { createSlotExperiments, unitOfVisit, type SlotExperiments } from './slot-experiments.js';
import type { RecommendationLoader } from './preview-decision.js';
import type { PrefetchedRecommendation } from '../core/recommendations/slot-strategy.js';

/** How long a segment's member count is reused (the minimum-size rule needs an order of magnitude, not the last member). */
export const SEGMENT_SIZE_TTL_MS = 60_000;

/** How long decide waits for a recommendation slot's items before deciding without them. */
export const RECOMMENDATION_BUDGET_MS = 100;

export type DecideVisitor =
  | { kind: 'device'; anonymousId?: string; recognition?: string }
  | { kind: 'person'; userId?: string; email?: string };

export interface DecideRequest {
  workspaceId: string;
  slotIds: readonly string[];
  visitor: DecideVisitor;
  channel: DecideChannel;
  /** The visit (without `recognised`: the service sets it). */
  context: Omit<DecisionContext, 'recognised'>;
}

/** One decision as the public API answers it: no trace, no allowed depth, no profile id. */
export interface PublicDecision {
  decisionId: string;
  slot: string;
  variant: Decision['variant'];
  rule: string;
  depth: Decision['depth'];
  tags: string[];
  explanation: { locale: string; text: string; dataKindLabels: string[] };
  showWhy: boolean;
  whyUrl: string;
  /** Only when the visitor's arm of the slot's experiment chose the variant: the experiment key and the variation id. */
  experiment?: string;
  variation?: string;
}

export interface DecideAnswer {
  decisions: Record<string, PublicDecision>;
  missing: string[];
}

export interface DecideDeps {
  store: Store;
  slots: SlotService;
  signer: LinkSigner;
  now: () => number;
  /** The configured public URL (public-base.ts), for `whyUrl`. */
  publicUrl: string;
  /** Slot experiments and the global holdout (read only); default: made from `store`. */
  experiments?: SlotExperiments;
  /** Recommended items for recommendation slots (recommendations/recommendation-service.ts); without it they show their default. */
  recommend?: RecommendationLoader;
}

export type DecideForVisitor = (request: DecideRequest) => Promise<DecideAnswer>;

export function createDecideForVisitor(deps: DecideDeps): DecideForVisitor {
  const experiments = deps.experiments ?? createSlotExperiments({ store: deps.store });
  const sizes = new LRUCache<string, { count: Promise<number> }>({ max: 50_000, ttl: SEGMENT_SIZE_TTL_MS });
  const sizeOf = (workspaceId: string, segmentId: string): Promise<number> => {
    const key = `${workspaceId}\u0000${segmentId}`;
    const hit = sizes.get(key);
    if (hit) return hit.count;
    const count = deps.store.segments.memberCount(workspaceId, segmentId);
    sizes.set(key, { count });
    count.catch(() => sizes.delete(key));
    return count;
  };

  const findVisitor = async (workspaceId: string, visitor: DecideVisitor): Promise<{ profile: Profile | null; recognised: Recognition }> => {
    if (visitor.kind === 'person') {
      const kind = visitor.userId !== undefined ? 'user_id' : 'email';
      const value = visitor.userId ?? visitor.email!;
      const profileId = await deps.store.profiles.resolve(workspaceId, value);
      const profile = profileId ? await deps.store.profiles.get(workspaceId, profileId) : null;
      // `resolve` matches any identifier: an email sent as userId must name the person by that kind only.
      const owns = profile?.identities.some((i) => i.kind === kind && i.value === value);
      return owns ? { profile, recognised: 'login' } : { profile: null, recognised: 'none' };
    }
    if (visitor.anonymousId === undefined) return { profile: null, recognised: 'none' };
    const signed = visitor.recognition !== undefined ? await verifyRecognition(deps, workspaceId, visitor.recognition, visitor.anonymousId) : null;
    if (signed) return { profile: signed, recognised: 'signed' };
    const profile = await profileOfAnonymousId(deps.store, workspaceId, visitor.anonymousId);
    return { profile, recognised: profile ? 'cookie' : 'none' };
  };

  return async (request) => {
    const { workspaceId } = request;
    const [snapshot, who] = await Promise.all([deps.slots.forDecide(workspaceId), findVisitor(workspaceId, request.visitor)]);
    const wanted = request.slotIds.filter((id) => snapshot.slots.has(id));
    const missing = request.slotIds.filter((id) => !snapshot.slots.has(id));
    if (wanted.length === 0) return { decisions: {}, missing };
    const targeted = [...new Set(wanted.flatMap((id) => snapshot.slots.get(id)!.compiled.rules.flatMap((r) => r.segments)))];
    const [counters, counts, sealing] = await Promise.all([
      who.profile ? deps.store.decisions.getCounters(workspaceId, who.profile.id) : null,
      Promise.all(targeted.map(async (id) => [id, await sizeOf(workspaceId, id)] as const)),
      deps.signer.activeKey(workspaceId),
    ]);
    const sizeMap = new Map(counts);
    const now = deps.now();
    const context: DecisionContext = { ...localTime(request.context, now), recognised: who.recognised };
    const unit = unitOfVisit(request.visitor.kind === 'device' ? { ...(request.visitor.anonymousId !== undefined ? { anonymousId: request.visitor.anonymousId } : {}) } : { ...(request.visitor.userId !== undefined ? { userId: request.visitor.userId } : {}) }, who.profile);
    const holdout = await experiments.holdout(workspaceId, unit);
    const prefetched = holdout ? new Map<string, PrefetchedRecommendation[]>() : await loadRecommendations(deps.recommend, {
      workspaceId, profileId: who.profile?.id ?? null, itemId: context.itemId, now,
      slots: wanted.map((id) => [id, snapshot.slots.get(id)!.compiled.strategy.needs?.recommendations] as const),
    });
    // Keyed by ids from outside: no prototype (a slot id "__proto__" is a key like any other).
    const decisions: Record<string, PublicDecision> = Object.create(null) as Record<string, PublicDecision>;
    for (const id of wanted) {
      const { compiled, version } = snapshot.slots.get(id)!;
      const key = compiled.slot.experiment;
      const arm = !holdout && key !== undefined ? await experiments.armOf({ workspaceId, experimentKey: key, profile: who.profile, unit, now }) : null;
      const d = decide({
        slot: compiled, profile: who.profile, context, channel: request.channel, now, counters, segmentSize: (s) => sizeMap.get(s), settings: snapshot.settings,
        holdout, ...(prefetched.has(id) ? { prefetched: prefetched.get(id) } : {}), ...(arm ? { experimentArm: { experiment: arm.experiment, variation: arm.variation, unit: arm.unit } } : {}),
      });
      const decisionId = sealDecisionId({
        workspaceId, slotId: id, slotVersion: version, variantId: d.variant.id, ruleId: d.ruleId, depth: d.depth, locale: d.explanation.locale,
        channel: request.channel, recognition: context.recognised, reason: d.reason, profileId: who.profile?.id ?? null,
        issuedAt: now, expiresAt: now + DECISION_ID_TTL_MS,
      }, sealing, randomBytes(12));
      decisions[id] = {
        decisionId, slot: id, variant: d.variant, rule: d.ruleId, depth: d.depth, tags: d.tags,
        explanation: { locale: d.explanation.locale, text: d.explanation.text, dataKindLabels: d.explanation.dataKindLabels },
        showWhy: d.showWhy, whyUrl: `${deps.publicUrl}/why/${decisionId}`,
        ...(d.experiment ? { experiment: d.experiment.key, variation: d.experiment.variation } : {}),
      };
    }
    return { decisions, missing };
  };
}

/** Each recommendation slot's items, loaded together; whatever is not there within the budget is left out. */
async function loadRecommendations(
  recommend: RecommendationLoader | undefined,
  request: { workspaceId: string; profileId: string | null; itemId: string | undefined; now: number; slots: ReadonlyArray<readonly [string, { kind: string; limit: number } | undefined]> },
): Promise<Map<string, PrefetchedRecommendation[]>> {
  const out = new Map<string, PrefetchedRecommendation[]>();
  const wanted = request.slots.filter((s): s is readonly [string, { kind: string; limit: number }] => s[1] !== undefined);
  if (!recommend || wanted.length === 0) return out;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => { timer = setTimeout(resolve, RECOMMENDATION_BUDGET_MS); timer.unref(); });
  const loads = wanted.map(async ([id, need]) => {
    const items = await recommend({
      workspaceId: request.workspaceId, kind: need.kind, profileId: request.profileId, limit: need.limit, now: request.now,
      ...(request.itemId !== undefined ? { itemId: request.itemId } : {}),
    });
    out.set(id, items);
  });
  // A failed load is a slot without recommendations, not a failed decide.
  await Promise.race([Promise.allSettled(loads), expired]);
  clearTimeout(timer);
  return new Map(out);
}

/** The visitor's local hour and weekday from `timezone` when the caller sent only the zone. */
function localTime<C extends { timezone?: string; localHour?: number; weekday?: number }>(context: C, now: number): C {
  if (!context.timezone || (context.localHour !== undefined && context.weekday !== undefined)) return context;
  const local = localTimeOf(now, context.timezone);
  return { ...context, localHour: context.localHour ?? local.hour, weekday: context.weekday ?? local.weekday };
}

