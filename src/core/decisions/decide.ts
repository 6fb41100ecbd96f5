/**
 * The chooser: one slot, one visit → the variant to show, rendered, with the rule that fired, the
 * depth it used, the person's explanation and the admin trace. Pure and deterministic: the same
 * input gives the same decision; time is `now`; no I/O (the service loads the profile, counters,
 * segment sizes and settings, and caches compiled slots).
 *
 * Steps: the allowed depth (creepiness-guard.ts) → the slot's strategy proposes candidates, each
 * passing `admit`: depth (declared, derived and template) ≤ allowed, the minimum segment size,
 * then timing (timing.ts) → the first admitted is rendered; none → the default variant (templates
 * deeper than allowed render their fallbacks). A slot for another channel than the request's gets
 * its default.
 *
 * Cost: one evaluation context per call, compiled conditions, no parsing; the trace holds one
 * small entry per candidate looked at.
 */
import { isGranted, type ConsentState } from '../privacy/consent.js';
import type { Profile } from '../profiles/profile.js';
import { describeReasons, evaluateCondition, type EvaluationContext } from '../segments/evaluate-condition.js';
import type { EpochMs } from '../time.js';
import type { CompiledRule, CompiledSlot, CompiledVariant } from './compile-slot.js';
import { allowedDepth, PERSONALIZATION_PURPOSE, segmentSizeRefusal } from './creepiness-guard.js';
import type { DecisionContext } from './decision-context.js';
import type { DecisionSettings } from './decision-settings.js';
import type { Decision, RenderedVariant, TraceEntry } from './decision.js';
import type { DecisionReason } from './decision-id.js';
import { deeperThan, maxDepth, type Depth } from './depth.js';
import { explain } from './explain.js';
import type { ExposureCounters } from './exposure-counters.js';
import { languageOf, type Locale } from './locale.js';
import { salutationOf } from './salutation.js';
import type { Candidate, Reason, StrategyInput } from './strategy.js';
import { renderTemplate, type TemplateValues } from './template.js';
import { checkTiming } from './timing.js';

export type DecideChannel = 'web' | 'email';

export interface DecideInput {
  slot: CompiledSlot;
  /** The visitor's profile; null for an unknown visitor. */
  profile: Profile | null;
  context: DecisionContext;
  channel: DecideChannel;
  now: EpochMs;
  /** Consent to use; default: the profile's (a banner choice not yet stored may be passed here). */
  consent?: ConsentState;
  counters: ExposureCounters | null;
  /** A segment's member count; undefined when unknown (treated as too small). */
  segmentSize(segmentId: string): number | undefined;
  settings: DecisionSettings;
  /** `full` (the admin preview) adds the deciding clauses of each profile condition to the trace. */
  trace?: 'basic' | 'full';
  /** What the slot's strategy asked for in its `needs`, loaded by the service (StrategyInput.prefetched). */
  prefetched?: unknown;
  /**
   * The person is in the global holdout (core/experiments/holdout.ts): no personalization at all — the default
   * variant with nothing of the person rendered (depth `none`), no experiment, no rules.
   */
  holdout?: boolean;
  /**
   * The visitor's arm of the slot's experiment, assigned by the service (decisions/slot-experiments.ts); its
   * variant is shown whatever the rules say (timing caps do not apply to an arm: they would bias the comparison).
   * Absent: the visitor is not in the experiment and the strategy chooses.
   */
  experimentArm?: { experiment: string; variation: string; unit: string };
}

const NO_TRAITS: Readonly<Record<string, unknown>> = Object.freeze({});

export function decide(input: DecideInput): Decision {
  const { slot, profile, context, now } = input;
  const consent = input.consent ?? profile?.consent ?? {};
  const recognition = profile ? context.recognised : 'none';
  const allowed = allowedDepth({
    workspaceCeiling: input.settings.depthCeiling, slotCeiling: slot.slot.depthCeiling,
    personalizationGranted: isGranted(consent, PERSONALIZATION_PURPOSE), recognition,
  });
  const trace: TraceEntry[] = [];
  const locale = languageOf(context.locale, input.settings.defaultLocale);
  if (input.holdout) return heldOut(input, locale, trace);
  const evaluation = profile ? evaluationContext(profile, now) : null;
  const acc = { changesAt: null as EpochMs | null };

  const strategyInput: StrategyInput = {
    slot, profile, context, now, allowedDepth: allowed.depth,
    ...(input.prefetched !== undefined ? { prefetched: input.prefetched } : {}),
    matches(rule: CompiledRule): boolean {
      if (deeperThan(rule.depth, allowed.depth)) {
        trace.push({ source: rule.id, outcome: 'too-deep', detail: `${rule.depth} > allowed ${allowed.depth} (${allowed.limitedBy.join(', ') || 'ceiling'})` });
        return false;
      }
      if (rule.contextCondition && !rule.contextCondition(context, now)) { trace.push({ source: rule.id, outcome: 'no-match', detail: 'context' }); return false; }
      if (rule.profileCondition) {
        if (!evaluation) { trace.push({ source: rule.id, outcome: 'no-profile' }); return false; }
        if (!rule.profileCondition(evaluation, acc)) {
          trace.push(input.trace === 'full' ? { source: rule.id, outcome: 'no-match', detail: 'profile', reasons: reasonsOf(rule, evaluation) } : { source: rule.id, outcome: 'no-match', detail: 'profile' });
          return false;
        }
      }
      return true;
    },
    admit(c: Candidate): string | null {
      if (!slot.variants.has(c.variantId)) { trace.push({ source: c.source, outcome: 'variant-missing', variantId: c.variantId }); return null; }
      const declared = maxDepth(c.depth, slot.variants.get(c.variantId)!.depth);
      if (deeperThan(declared, allowed.depth)) { trace.push({ source: c.source, outcome: 'too-deep', variantId: c.variantId, detail: `${declared} > allowed ${allowed.depth}` }); return null; }
      const small = segmentSizeRefusal({ segments: c.segments, depth: declared, allowed: allowed.depth, minSize: input.settings.minSegmentSize, sizeOf: input.segmentSize });
      if (small) { trace.push({ source: c.source, outcome: 'segment-too-small', variantId: c.variantId, detail: small }); return null; }
      const verdict = checkTiming({
        slotId: slot.slot.id, timing: slot.timing, variantId: c.variantId, tags: [...slot.tags, ...c.tags], ruleCaps: c.rule?.caps ?? [], sequence: c.rule?.sequence ?? null,
        counters: input.counters, now, channel: input.channel, timezone: context.timezone, settings: input.settings,
      });
      if (!verdict.ok) { trace.push({ source: c.source, outcome: verdict.outcome, variantId: c.variantId, detail: verdict.detail }); return null; }
      const shown = slot.variants.get(verdict.variantId);
      if (!shown || deeperThan(shown.depth, allowed.depth)) { trace.push({ source: c.source, outcome: shown ? 'too-deep' : 'variant-missing', variantId: verdict.variantId }); return null; }
      trace.push(verdict.detail ? { source: c.source, outcome: 'chosen', variantId: verdict.variantId, detail: verdict.detail } : { source: c.source, outcome: 'chosen', variantId: verdict.variantId });
      return verdict.variantId;
    },
  };

  const channelFits = slot.slot.channel === 'any' || slot.slot.channel === input.channel;
  const arm = channelFits && input.experimentArm ? slot.variants.get(input.experimentArm.variation) : undefined;
  if (arm && input.experimentArm) {
    const { experiment, variation } = input.experimentArm;
    trace.push({ source: `experiment:${experiment}`, outcome: 'chosen', variantId: variation, detail: `variation "${variation}" of experiment "${experiment}"` });
    return {
      slotId: slot.slot.id,
      variant: render(arm, { profile, allowed: allowed.depth, locale, input }),
      ruleId: 'experiment',
      depth: minUsed(arm.depth, allowed.depth), allowedDepth: allowed.depth, limitedBy: allowed.limitedBy, tags: [...slot.tags],
      explanation: explain({ reason: { kind: 'experiment', experiment, variation }, locale, recognition }),
      reason: { kind: 'experiment', ...input.experimentArm },
      showWhy: slot.slot.explain,
      experiment: { key: experiment, variation },
      trace,
    };
  }
  if (input.experimentArm) trace.push({ source: `experiment:${input.experimentArm.experiment}`, outcome: 'variant-missing', variantId: input.experimentArm.variation });
  const choice = channelFits ? slot.strategy.choose(strategyInput) : null;
  if (!channelFits) trace.push({ source: slot.strategy.kind, outcome: 'no-match', detail: `the slot is for ${slot.slot.channel}, the request for ${input.channel}` });

  const variant = choice ? slot.variants.get(choice.variantId)! : slot.defaultVariant;
  const reason: Reason = choice ? choice.candidate.reason : { kind: 'default' };
  if (!choice) trace.push({ source: 'default', outcome: 'chosen', variantId: variant.variant.id });
  const depth: Depth = choice ? maxDepth(choice.candidate.depth, variant.depth) : minUsed(variant.depth, allowed.depth);
  const tags = choice ? [...new Set([...slot.tags, ...choice.candidate.tags])] : [];
  return {
    slotId: slot.slot.id,
    variant: render(variant, { profile, allowed: allowed.depth, locale, input }),
    ruleId: choice ? choice.candidate.source : 'default',
    depth, allowedDepth: allowed.depth, limitedBy: allowed.limitedBy, tags,
    explanation: explain({ reason, locale, recognition }),
    reason: compactReason(reason),
    showWhy: slot.slot.explain,
    trace,
  };
}

/** The global holdout: the default variant rendered at depth `none`, explained as shown to everyone. */
function heldOut(input: DecideInput, locale: Locale, trace: TraceEntry[]): Decision {
  const { slot } = input;
  const variant = slot.defaultVariant;
  trace.push({ source: 'holdout', outcome: 'holdout', detail: 'the person is in the global holdout: no personalization' });
  trace.push({ source: 'default', outcome: 'chosen', variantId: variant.variant.id });
  return {
    slotId: slot.slot.id,
    variant: render(variant, { profile: input.profile, allowed: 'none', locale, input }),
    ruleId: 'default', depth: 'none', allowedDepth: 'none', limitedBy: [], tags: [],
    explanation: explain({ reason: { kind: 'default' }, locale, recognition: 'none' }),
    reason: { kind: 'default' },
    showWhy: slot.slot.explain,
    holdout: true,
    trace,
  };
}

function compactReason(r: Reason): DecisionReason {
  switch (r.kind) {
    // Chosen above with the arm's unit; a strategy proposing it is not a thing.
    case 'experiment': return { kind: 'default' };
    case 'rule': return { kind: 'rule', ruleId: r.rule.id };
    case 'interest': return { kind: 'interest', category: r.category };
    case 'custom': return { kind: 'custom', text: r.text, dataKinds: [...r.dataKinds] };
    case 'default': return { kind: 'default' };
  }
}

/** The default's depth as rendered: its placeholders above the allowed depth fell back. */
const minUsed = (variantDepth: Depth, allowed: Depth): Depth => (deeperThan(variantDepth, allowed) ? allowed : variantDepth);

function render(v: CompiledVariant, env: { profile: Profile | null; allowed: Depth; locale: Locale; input: DecideInput }): RenderedVariant {
  const traits = env.profile?.traits ?? NO_TRAITS;
  const values: TemplateValues = {
    traits,
    computed: (key) => (env.profile?.computed && Object.hasOwn(env.profile.computed, key) ? env.profile.computed[key]!.value : undefined),
    salutation: (neutral) => salutationOf({ traits, locale: env.locale, style: env.input.settings.salutation, neutral }),
  };
  const options = { allowed: env.allowed, identityTraits: env.input.slot.identityTraits };
  const out: RenderedVariant = { id: v.variant.id, body: renderTemplate(v.body, values, { ...options, format: v.variant.format }), format: v.variant.format };
  if (v.title) out.title = renderTemplate(v.title, values, { ...options, format: 'text' });
  if (v.variant.imageUrl !== undefined) out.imageUrl = v.variant.imageUrl;
  if (v.variant.linkUrl !== undefined) out.linkUrl = v.variant.linkUrl;
  if (v.variant.payload !== undefined) out.payload = v.variant.payload;
  return out;
}

function evaluationContext(profile: Profile, now: EpochMs): EvaluationContext {
  const member = profile.segments?.member ?? {};
  const computed = profile.computed ?? {};
  return {
    profile, now, trackers: profile.segments?.events ?? {},
    computed: (key) => (Object.hasOwn(computed, key) ? computed[key]!.value : undefined),
    member: (id) => Object.hasOwn(member, id),
    segmentName: () => undefined,
  };
}

function reasonsOf(rule: CompiledRule, ctx: EvaluationContext): string[] {
  return describeReasons(evaluateCondition(rule.rule.condition!, ctx), (id) => id);
}
