/** Builders for the decision tests: slots compiled as the service compiles them, profiles fed events. */
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { compileSlot, type CompiledSlot } from '../../../src/core/decisions/compile-slot.js';
import type { DecisionContext } from '../../../src/core/decisions/decision-context.js';
import { DEFAULT_DECISION_SETTINGS, type DecisionSettings } from '../../../src/core/decisions/decision-settings.js';
import { decide, type DecideInput } from '../../../src/core/decisions/decide.js';
import type { Decision } from '../../../src/core/decisions/decision.js';
import type { SlotDefinition, SlotRule, Variant } from '../../../src/core/decisions/slot.js';
import { DEFAULT_STRATEGIES } from '../../../src/core/decisions/strategies/registry.js';
import { DEFAULT_SCHEMA, identityTraitKeys } from '../../../src/core/privacy/data-schema.js';
import type { Profile } from '../../../src/core/profiles/profile.js';
import type { Condition } from '../../../src/core/segments/condition.js';
import { compileDefinitions } from '../../../src/core/segments/segment.js';
import { evaluateProfile } from '../../../src/core/segments/membership.js';
import { newProfile } from '../../../src/core/profiles/profile.js';
import { applyEvent } from '../../../src/core/profiles/behaviour.js';
import { recordEvent } from '../../../src/core/segments/record-event.js';
import type { Segment } from '../../../src/core/segments/segment.js';
import { T0 } from '../fixtures.js';

export const IDENTITY = identityTraitKeys(DEFAULT_SCHEMA);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const variant = (id: string, body = id, extra: Partial<Variant> = {}): Variant => ({ id, body, format: 'text', ...extra });

export function slotDef(rules: SlotRule[], extra: Partial<SlotDefinition> = {}): SlotDefinition {
  const ids = new Set(['default', ...rules.flatMap((r) => (r.sequence ? r.sequence.steps : [r.variantId!]))]);
  return {
    id: 'hero', name: 'Hero', channel: 'any', variants: [...ids].map((id) => variant(id)), defaultVariantId: 'default',
    rules, strategy: { kind: 'rules' }, depthCeiling: 'individual', explain: true, ...extra,
  };
}

export const compile = (s: SlotDefinition): CompiledSlot => compileSlot(s, { strategies: DEFAULT_STRATEGIES, identityTraits: IDENTITY });

export const context = (extra: Partial<DecisionContext> = {}): DecisionContext => ({ recognised: 'cookie', locale: 'en', ...extra });

export const granted = { personalization: { granted: true, at: T0, channel: 'banner' as const, messageId: 'c1' } };

/** A profile fed events, with trackers for the slot's conditions (as the service keeps them). */
export function profileFor(slots: CompiledSlot[], events: TrackedEvent[], options: { traits?: Record<string, unknown>; consent?: boolean; segments?: Segment[]; now?: number } = {}): Profile {
  const pseudo: Segment[] = slots.flatMap((s) => s.conditions.map((condition: Condition, i: number) => ({
    id: `__slot_${s.slot.id}_${i}`, workspaceId: 'ws-test', name: '', description: '', condition, createdAt: T0, updatedAt: T0,
  })));
  const defs = compileDefinitions([...(options.segments ?? []), ...pseudo], []);
  const p = newProfile('prf-1', 'ws-test', T0);
  p.traits = { ...(options.traits ?? {}) };
  for (const e of events) { applyEvent(p.behaviour, e); recordEvent(p, e, defs, e.receivedAt); }
  if (options.segments) evaluateProfile(p, compileDefinitions(options.segments, []), options.now ?? T0);
  if (options.consent !== false) p.consent = { ...granted };
  return p;
}

export function run(slot: CompiledSlot, over: Partial<DecideInput> = {}): Decision {
  return decide({
    slot, profile: null, context: context(), channel: 'web', now: T0 + DAY, counters: null,
    segmentSize: () => 1000, settings: DEFAULT_DECISION_SETTINGS, ...over,
  });
}

export const settings = (over: Partial<DecisionSettings>): DecisionSettings => ({ ...DEFAULT_DECISION_SETTINGS, ...over });
