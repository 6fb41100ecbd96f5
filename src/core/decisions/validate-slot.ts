/**
 * Validation of a slot definition as it arrives over the API (POST/PUT /v1/slots): every problem
 * with the path of its node (`rules[2].condition.and[1].trait.key`) and a reason a person can act
 * on, as segment conditions report them (rule conditions are checked by the segment validator).
 *
 * Beyond shape and sizes (SLOT_LIMITS): ids unique; variant references resolve; URLs http(s)
 * without control characters; templates known; the strategy's own options (its factory
 * validates); and no rule or template names a sensitive trait (GDPR Art. 9, marked in the data
 * schema: pass `sensitiveTraitKeys(schema)`), anywhere in a condition.
 */
import type { FieldIssue } from '../errors.js';
import type { Condition } from '../segments/condition.js';
import { validateCondition, type ConditionRefs } from '../segments/validate-condition.js';
import { EXPERIMENT_KEY } from '../experiments/validate-experiment.js';
import { isDepth } from './depth.js';
import { SLOT_CHANNELS, SLOT_LIMITS, type SlotDefinition } from './slot.js';
import type { StrategyRegistry } from './strategy.js';
import { validateContextCondition } from './validate-context-condition.js';
import { checkCaps, checkSequence, checkText, checkTimingPolicy, checkWindow, isObj, onlyKeys } from './validate-timing.js';
import { checkId, checkVariant, isSensitive } from './validate-variant.js';

export interface SlotRefs extends ConditionRefs {
  /** Trait keys the data schema marks sensitive (Art. 9). */
  sensitiveTraits: ReadonlySet<string>;
  /** Trait keys that identify a person (for template depth). */
  identityTraits: ReadonlySet<string>;
  strategies: StrategyRegistry;
}

export type ValidatedSlot = { ok: true; slot: SlotDefinition } | { ok: false; issues: FieldIssue[] };

const SLOT_KEYS = ['id', 'name', 'description', 'channel', 'variants', 'defaultVariantId', 'rules', 'strategy', 'depthCeiling', 'explain', 'timing', 'tags', 'goal', 'experiment'];
const RULE_KEYS = ['id', 'name', 'variantId', 'sequence', 'condition', 'context', 'depth', 'caps', 'tags', 'explanation'];

/** `input` with defaults applied (strategy rules, ceiling individual, explain false, rules []) when valid. */
export function validateSlot(input: unknown, refs: SlotRefs): ValidatedSlot {
  const issues: FieldIssue[] = [];
  if (!isObj(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a slot object' }] };
  const s = { rules: [], strategy: { kind: 'rules' }, depthCeiling: 'individual', explain: false, ...input } as Record<string, unknown>;
  onlyKeys(s, '', SLOT_KEYS, issues);
  checkId(s.id, 'id', issues);
  checkText(s.name, 'name', SLOT_LIMITS.nameChars, issues);
  if (s.description !== undefined && typeof s.description !== 'string') issues.push({ field: 'description', reason: 'must be a string' });
  else if (typeof s.description === 'string' && s.description.length > 2000) issues.push({ field: 'description', reason: 'must be at most 2000 characters' });
  if (!(SLOT_CHANNELS as readonly unknown[]).includes(s.channel)) issues.push({ field: 'channel', reason: `must be one of ${SLOT_CHANNELS.join(', ')}` });
  if (!isDepth(s.depthCeiling)) issues.push({ field: 'depthCeiling', reason: 'must be one of none, contextual, segment, persona, individual' });
  if (typeof s.explain !== 'boolean') issues.push({ field: 'explain', reason: 'must be true or false' });
  checkTags(s.tags, 'tags', issues);
  checkTimingPolicy(s.timing, 'timing', issues);
  checkGoal(s.goal, 'goal', issues);
  // Whether the experiment exists and its variations are variants is checked by the slot service (it reads the store).
  if (s.experiment !== undefined && (typeof s.experiment !== 'string' || !EXPERIMENT_KEY.test(s.experiment))) issues.push({ field: 'experiment', reason: 'must be the key of an experiment (1 to 64 of a-z, 0-9, _, . and -)' });

  const variantIds = new Set<string>();
  const tooMany = Array.isArray(s.variants) && s.variants.length > SLOT_LIMITS.variants;
  if (!Array.isArray(s.variants) || s.variants.length === 0 || tooMany) issues.push({ field: 'variants', reason: `must be an array of 1 to ${SLOT_LIMITS.variants} variants` });
  // Ids are still collected from too long a list, so references to them are not reported as well.
  if (Array.isArray(s.variants)) s.variants.forEach((v, i) => {
    if (!tooMany) checkVariant(v, `variants[${i}]`, refs, issues);
    const id = isObj(v) ? v.id : undefined;
    if (typeof id === 'string') {
      if (variantIds.has(id)) issues.push({ field: `variants[${i}].id`, reason: `repeats the id "${id}"` });
      variantIds.add(id);
    }
  });
  if (typeof s.defaultVariantId !== 'string' || !variantIds.has(s.defaultVariantId)) issues.push({ field: 'defaultVariantId', reason: 'must be the id of one of the variants' });

  if (!Array.isArray(s.rules) || s.rules.length > SLOT_LIMITS.rules) issues.push({ field: 'rules', reason: `must be an array of at most ${SLOT_LIMITS.rules} rules` });
  else {
    const ruleIds = new Set<string>();
    s.rules.forEach((r, i) => {
      checkRule(r, `rules[${i}]`, { refs, variantIds }, issues);
      const id = isObj(r) ? r.id : undefined;
      if (typeof id === 'string') {
        if (ruleIds.has(id) || id === 'default') issues.push({ field: `rules[${i}].id`, reason: id === 'default' ? '"default" is reserved' : `repeats the id "${id}"` });
        ruleIds.add(id);
      }
    });
  }

  if (!isObj(s.strategy) || typeof s.strategy.kind !== 'string') issues.push({ field: 'strategy.kind', reason: `must be one of ${[...refs.strategies.keys()].join(', ')}` });
  else {
    const factory = refs.strategies.get(s.strategy.kind);
    if (!factory) issues.push({ field: 'strategy.kind', reason: `must be one of ${[...refs.strategies.keys()].join(', ')}` });
    else if (Array.isArray(s.variants) && s.variants.every(isObj) && Array.isArray(s.rules)) issues.push(...factory.validate(s.strategy as SlotDefinition['strategy'], s as unknown as SlotDefinition, 'strategy'));
  }
  return issues.length > 0 ? { ok: false, issues: issues.slice(0, 100) } : { ok: true, slot: s as unknown as SlotDefinition };
}

function checkRule(r: unknown, path: string, env: { refs: SlotRefs; variantIds: ReadonlySet<string> }, issues: FieldIssue[]): void {
  if (!isObj(r)) { issues.push({ field: path, reason: 'must be an object {id, variantId, condition?, context?, depth}' }); return; }
  onlyKeys(r, path, RULE_KEYS, issues);
  checkId(r.id, `${path}.id`, issues);
  if (r.name !== undefined) checkText(r.name, `${path}.name`, SLOT_LIMITS.nameChars, issues);
  if ((r.variantId === undefined) === (r.sequence === undefined)) issues.push({ field: `${path}.variantId`, reason: 'give exactly one of variantId and sequence' });
  else if (r.variantId !== undefined && (typeof r.variantId !== 'string' || !env.variantIds.has(r.variantId))) issues.push({ field: `${path}.variantId`, reason: 'must be the id of a variant of this slot' });
  else if (r.sequence !== undefined) checkSequence(r.sequence, `${path}.sequence`, env.variantIds, issues);
  if (!isDepth(r.depth)) issues.push({ field: `${path}.depth`, reason: 'must be one of none, contextual, segment, persona, individual' });
  if (r.condition !== undefined) {
    const found = validateCondition(r.condition, env.refs, `${path}.condition`);
    issues.push(...found);
    if (found.length === 0) issues.push(...sensitiveLeaves(r.condition as Condition, `${path}.condition`, env.refs.sensitiveTraits));
  }
  if (r.context !== undefined) issues.push(...validateContextCondition(r.context, `${path}.context`));
  checkCaps(r.caps, `${path}.caps`, issues);
  checkTags(r.tags, `${path}.tags`, issues);
  if (r.explanation !== undefined) {
    const e = r.explanation;
    if (!isObj(e)) issues.push({ field: `${path}.explanation`, reason: 'must be an object of texts per language, e.g. {"en": "…", "de": "…"}' });
    else {
      onlyKeys(e, `${path}.explanation`, ['en', 'de'], issues);
      if (e.en === undefined) issues.push({ field: `${path}.explanation.en`, reason: 'is required (the fallback for other languages)' });
      for (const [lang, text] of Object.entries(e)) if (lang === 'en' || lang === 'de') checkText(text, `${path}.explanation.${lang}`, SLOT_LIMITS.explanationChars, issues);
    }
  }
}

/** Trait leaves naming a sensitive trait, with the path of each (walked as the validator walks). */
function sensitiveLeaves(c: Condition, path: string, sensitive: ReadonlySet<string>): FieldIssue[] {
  if (sensitive.size === 0) return [];
  const out: FieldIssue[] = [];
  const walk = (node: Condition, at: string): void => {
    if ('and' in node) node.and.forEach((child, i) => walk(child, `${at}.and[${i}]`));
    else if ('or' in node) node.or.forEach((child, i) => walk(child, `${at}.or[${i}]`));
    else if ('not' in node) walk(node.not, `${at}.not`);
    else if ('trait' in node && isSensitive(node.trait.key, sensitive)) {
      out.push({ field: `${at}.trait.key`, reason: `"${node.trait.key}" is a sensitive trait (GDPR Art. 9 special category): personalization never uses it` });
    }
  };
  walk(c, path);
  return out;
}

function checkTags(v: unknown, path: string, issues: FieldIssue[]): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length > SLOT_LIMITS.tags) { issues.push({ field: path, reason: `must be an array of at most ${SLOT_LIMITS.tags} tags` }); return; }
  v.forEach((t, i) => checkId(t, `${path}[${i}]`, issues));
}

/** `{event, within?}`: a track event name and a window of at most 90 days. */
function checkGoal(v: unknown, path: string, issues: FieldIssue[]): void {
  if (v === undefined) return;
  if (!isObj(v)) { issues.push({ field: path, reason: 'must be an object {event, within?}, e.g. {"event": "Demo Requested", "within": "7d"}' }); return; }
  onlyKeys(v, path, ['event', 'within'], issues);
  checkText(v.event, `${path}.event`, SLOT_LIMITS.nameChars, issues);
  if (v.within !== undefined) checkWindow(v.within, `${path}.within`, issues);
}
