/**
 * A slot compiled once per version (as segments compile): conditions into functions, templates
 * parsed, durations parsed, depths and data kinds derived, the strategy created. decide.ts then
 * does no parsing and little allocation per rule. The caller caches compiled slots by
 * (slot id, updatedAt), e.g. in an lru-cache.
 *
 * compileSlot expects a valid definition (validate-slot.ts) and throws on one that is not: stored
 * slots were validated on the way in.
 *
 * Trackers: profile conditions that count events read the profile's event trackers, which ingest
 * keeps only for the specs it knows. The service must add `conditions` of every slot to the
 * tracker needs it compiles (compileDefinitions), or event and page rules never match.
 */
import { compiledCondition } from '../segments/evaluate-condition.js';
import { compileContextCondition } from './context-condition.js';
import { conditionDepth, contextDepth, targetedSegments } from './creepiness-guard.js';
import { dataKindsOf } from './explain-data.js';
import { maxDepth } from './depth.js';
import type { Slot, SlotDefinition, SlotRule, Variant } from './slot.js';
import type { StrategyRegistry } from './strategy.js';
import { parseTemplate, type CompiledTemplate } from './template.js';
import { compileCaps, compileSlotTiming } from './timing.js';
import type { CompiledRule, CompiledSlot, CompiledVariant } from './compiled-slot.js';

export type { CompiledRule, CompiledSlot, CompiledVariant } from './compiled-slot.js';
import { parseDuration } from '../segments/duration.js';

export interface CompileOptions {
  strategies: StrategyRegistry;
  /** Trait keys that identify a person (the data schema's `personal` traits, see identityTraitKeys). */
  identityTraits: ReadonlySet<string>;
}

export function compileSlot(slot: SlotDefinition | Slot, options: CompileOptions): CompiledSlot {
  const variants = new Map<string, CompiledVariant>();
  for (const v of slot.variants) variants.set(v.id, compileVariant(v, options.identityTraits));
  const defaultVariant = variants.get(slot.defaultVariantId);
  if (!defaultVariant) throw new Error(`slot ${slot.id}: the default variant "${slot.defaultVariantId}" does not exist`);
  const tags = (slot.tags ?? []).map((t) => t.toLowerCase());
  const rules = slot.rules.map((r) => compileRule(r, { variants, tags, identityTraits: options.identityTraits }));
  const factory = options.strategies.get(slot.strategy.kind);
  if (!factory) throw new Error(`slot ${slot.id}: no strategy of kind "${slot.strategy.kind}"`);
  const timing = compileSlotTiming(slot.timing);
  const watchedEvents = new Set<string>(timing.notWithin.map((n) => n.event));
  for (const r of rules) if (r.sequence) watchedEvents.add(r.sequence.conversion);
  return {
    slot, variants, defaultVariant, rules, strategy: factory.create(slot.strategy, slot), timing, tags, watchedEvents,
    conditions: slot.rules.flatMap((r) => (r.condition ? [r.condition] : [])), identityTraits: options.identityTraits,
  };
}

function compileVariant(v: Variant, identityTraits: ReadonlySet<string>): CompiledVariant {
  const body = template(v.body, identityTraits, `variant ${v.id} body`);
  const title = v.title === undefined ? null : template(v.title, identityTraits, `variant ${v.id} title`);
  return { variant: v, body, title, depth: maxDepth(body.depth, title?.depth ?? 'none') };
}

function template(text: string, identityTraits: ReadonlySet<string>, what: string): CompiledTemplate {
  const parsed = parseTemplate(text, identityTraits);
  if (!parsed.ok) throw new Error(`${what}: ${parsed.issues[0]!.reason}`);
  return parsed.template;
}

function compileRule(r: SlotRule, env: { variants: ReadonlyMap<string, CompiledVariant>; tags: readonly string[]; identityTraits: ReadonlySet<string> }): CompiledRule {
  const shown = r.sequence ? r.sequence.steps : [r.variantId!];
  let depth = maxDepth(maxDepth(r.depth, conditionDepth(r.condition, env.identityTraits)), contextDepth(r.context));
  for (const id of shown) {
    const v = env.variants.get(id);
    if (!v) throw new Error(`rule ${r.id}: the variant "${id}" does not exist`);
    depth = maxDepth(depth, v.depth);
  }
  const sequence = r.sequence
    ? { steps: r.sequence.steps, conversion: r.sequence.conversion.toLowerCase(), withinMs: parseDuration(r.sequence.within) ?? 0 }
    : null;
  return {
    rule: r, id: r.id,
    profileCondition: r.condition ? compiledCondition(r.condition) : null,
    contextCondition: r.context ? compileContextCondition(r.context) : null,
    depth, segments: targetedSegments(r.condition), dataKinds: dataKindsOf(r, env.identityTraits),
    tags: [...new Set([...env.tags, ...(r.tags ?? []).map((t) => t.toLowerCase())])],
    caps: compileCaps(r.caps), sequence,
  };
}
