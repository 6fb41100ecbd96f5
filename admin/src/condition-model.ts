/**
 * The visual builder's model of a segment condition (docs/segments.md), and its translation to and
 * from the condition JSON the API takes. A group holds rules joined by "all" (and) or "any" (or);
 * each rule is a leaf or a group and may be negated. Every leaf kind of the language has a form.
 * `toCondition` also returns each rule's path in the JSON (`condition.and[1].event`), so that the
 * API's issues land at the rule they are about. Pure: unit-tested on its own.
 */
import type { Condition } from '../../src/core/segments/condition.js';
import type { ComparisonOp } from '../../src/core/segments/comparison.js';

export type LeafKind = 'trait' | 'event' | 'sequence' | 'page' | 'email' | 'computed' | 'segment' | 'lifecycle' | 'score' | 'consent' | 'persona';
export const LEAF_KINDS: readonly LeafKind[] = ['event', 'page', 'email', 'sequence', 'trait', 'computed', 'lifecycle', 'score', 'consent', 'segment', 'persona'];
export const OPS: readonly ComparisonOp[] = ['equals', 'not_equals', 'in', 'not_in', 'contains', 'exists', 'not_exists', 'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'within_last', 'not_within_last'];

/** Every input of every leaf form, as text (what the person typed is kept as typed). */
export interface Leaf {
  kind: LeafKind;
  id: number;
  negate: boolean;
  /** trait / computed key, event name, page path, consent purpose, segment id, persona id … */
  fields: Record<string, string>;
}
export interface Group { kind: 'group'; id: number; negate: boolean; join: 'and' | 'or'; rules: Rule[] }
export type Rule = Leaf | Group;

let ids = 0;
export const newLeaf = (kind: LeafKind, fields: Record<string, string> = {}): Leaf => ({ kind, id: ++ids, negate: false, fields: { ...DEFAULTS[kind], ...fields } });
/**
 * The same rule as another kind (its type changed in place): it keeps its place, its id and its "not",
 * and what was typed in the inputs the two kinds share (a trait's key, comparison and value become a
 * computed trait's; an event's counts a page's); the other inputs start at the new kind's defaults.
 * A persona rule shares no input with another kind (its `id` is a persona's, not a segment's).
 */
export const withKind = (leaf: Leaf, kind: LeafKind): Leaf => {
  if (leaf.kind === kind) return leaf;
  const shares = kind !== 'persona' && leaf.kind !== 'persona';
  return { kind, id: leaf.id, negate: leaf.negate, fields: Object.fromEntries(Object.entries(DEFAULTS[kind]).map(([name, d]) => [name, (shares && leaf.fields[name]) || d])) };
};
export const newGroup = (join: 'and' | 'or' = 'and', rules: Rule[] = []): Group => ({ kind: 'group', id: ++ids, negate: false, join, rules });

const DEFAULTS: Record<LeafKind, Record<string, string>> = {
  trait: { key: '', op: 'equals', value: '' },
  computed: { key: '', op: 'gte', value: '' },
  event: { name: '', atLeast: '1', within: '30d', property: '', propertyOp: 'equals', propertyValue: '' },
  sequence: { steps: '', within: '' },
  page: { path: '', url: '', atLeast: '1', within: '30d' },
  email: { action: 'opened', atLeast: '1', within: '30d' },
  segment: { id: '' },
  lifecycle: { in: '' },
  score: { kind: 'engagement', op: 'gte', value: '' },
  consent: { purpose: '', granted: 'true' },
  persona: { id: '', minProbability: '' },
};

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
/** A number when the text is one, else the text (the API then names the field). */
const num = (text: string | undefined): number | string => (text !== undefined && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : (text ?? ''));
const scalar = (text: string | undefined): unknown => {
  const t = (text ?? '').trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return t !== '' && Number.isFinite(Number(t)) && !/^0\d/.test(t) ? Number(t) : text ?? '';
};
const counted = (f: Record<string, string>) => ({
  ...(f.atLeast?.trim() ? { atLeast: num(f.atLeast) } : {}),
  ...(f.atMost?.trim() ? { atMost: num(f.atMost) } : {}),
  ...(f.within?.trim() ? { within: f.within.trim() } : {}),
});

function comparison(f: Record<string, string>, op = f.op ?? 'equals', value = f.value) {
  if (op === 'exists' || op === 'not_exists') return { op };
  if (op === 'in' || op === 'not_in') return { op, values: list(value).map((v) => scalar(v)) };
  if (op === 'between') { const [min, max] = list(value); return { op, min: num(min), max: num(max) }; }
  return { op, value: scalar(value) };
}

function leafBody(l: Leaf): Condition {
  const f = l.fields;
  switch (l.kind) {
    case 'trait': return { trait: { key: f.key ?? '', ...comparison(f) } } as Condition;
    case 'computed': return { computed: { key: f.key ?? '', ...comparison(f) } } as Condition;
    case 'event': return { event: { name: f.name ?? '', ...(f.property?.trim() ? { where: [{ property: f.property.trim(), ...comparison(f, f.propertyOp, f.propertyValue) }] } : {}), ...counted(f) } } as Condition;
    case 'sequence': return { sequence: { steps: list(f.steps).map((name) => ({ name })), ...(f.within?.trim() ? { within: f.within.trim() } : {}) } };
    case 'page': return { page: { ...(f.path?.trim() ? { path: f.path.trim() } : {}), ...(f.url?.trim() ? { url: f.url.trim() } : {}), ...counted(f) } } as Condition;
    case 'email': return { email: { action: f.action === 'clicked' ? 'clicked' : 'opened', ...counted(f) } } as Condition;
    case 'segment': return { segment: { id: f.id ?? '' } };
    case 'lifecycle': return { lifecycle: { in: list(f.in) } };
    case 'score': return { score: { kind: f.kind === 'fit' ? 'fit' : 'engagement', ...comparison(f) } } as Condition;
    case 'consent': return { consent: { purpose: f.purpose ?? '', granted: f.granted !== 'false' } };
    case 'persona': return { persona: { id: (f.id ?? '').trim(), ...(f.minProbability?.trim() ? { minProbability: num(f.minProbability) } : {}) } } as Condition;
  }
}

/** The condition JSON, and the JSON path of each rule by its id. */
export function toCondition(root: Group): { condition: Condition; paths: Map<number, string> } {
  const paths = new Map<number, string>();
  const walk = (rule: Rule, path: string): Condition => {
    const at = rule.negate ? `${path}.not` : path;
    paths.set(rule.id, rule.kind === 'group' ? at : `${at}.${rule.kind}`);
    let body: Condition;
    if (rule.kind === 'group') {
      body = { [rule.join]: rule.rules.map((r, i) => walk(r, `${at}.${rule.join}[${i}]`)) } as Condition;
    } else body = leafBody(rule);
    return rule.negate ? { not: body } : body;
  };
  // The outer group of one rule is that rule (the API takes and/or of one, but it reads worse in words).
  if (!root.negate && root.rules.length === 1) {
    paths.set(root.id, 'condition');
    return { condition: walk(root.rules[0]!, 'condition'), paths };
  }
  return { condition: walk(root, 'condition'), paths };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));
type Loose = Record<string, unknown>;
function comparisonFields(c: Loose, prefix = ''): Record<string, string> {
  const op = typeof c.op === 'string' ? c.op : 'equals';
  const value = op === 'in' || op === 'not_in' ? text((c.values as unknown) ?? c.value) : op === 'between' ? `${text(c.min)}, ${text(c.max)}` : text(c.value);
  return prefix ? { [`${prefix}Op`]: op, [`${prefix}Value`]: value } : { op, value };
}
const countedFields = (c: Loose): Record<string, string> => ({ atLeast: text(c.atLeast), ...(c.atMost !== undefined ? { atMost: text(c.atMost) } : {}), within: text(c.within) });

/** The builder's model of a stored condition; null when it uses what the builder has no form for. */
export function fromCondition(c: Condition): Group | null {
  const rule = toRule(c);
  if (!rule) return null;
  if (rule.kind === 'group') return rule;
  return newGroup('and', [rule]);
}

function toRule(c: Condition): Rule | null {
  const [kind, body] = Object.entries(c)[0] ?? [];
  const b = body as Record<string, unknown> & { where?: Array<Record<string, unknown>>; before?: string };
  switch (kind) {
    case 'and': case 'or': {
      const rules = (body as Condition[]).map(toRule);
      return rules.every(Boolean) ? newGroup(kind, rules as Rule[]) : null;
    }
    case 'not': { const inner = toRule(body as Condition); if (inner) inner.negate = !inner.negate; return inner; }
    case 'trait': case 'computed': return newLeaf(kind, { key: text(b.key), ...comparisonFields(b) });
    case 'event': {
      if ((b.where?.length ?? 0) > 1 || b.before !== undefined || (b.type !== undefined && b.type !== 'track')) return null;
      const w = b.where?.[0];
      return newLeaf('event', { name: text(b.name), ...countedFields(b), ...(w ? { property: text(w.property), ...comparisonFields(w, 'property') } : {}) });
    }
    case 'sequence': return newLeaf('sequence', { steps: (b.steps as Array<{ name?: string }>).map((s) => s.name ?? '').join(', '), within: text(b.within) });
    case 'page': return b.category !== undefined || b.before !== undefined ? null : newLeaf('page', { path: text(b.path), url: text(b.url), ...countedFields(b) });
    case 'email': return b.where || b.before !== undefined ? null : newLeaf('email', { action: text(b.action), ...countedFields(b) });
    case 'segment': return newLeaf('segment', { id: text(b.id) });
    case 'lifecycle': return newLeaf('lifecycle', { in: text(b.in) });
    case 'score': return newLeaf('score', { kind: text(b.kind), ...comparisonFields(b) });
    case 'consent': return newLeaf('consent', { purpose: text(b.purpose), granted: String(b.granted !== false) });
    case 'persona': return newLeaf('persona', { id: text(b.id), minProbability: text(b.minProbability) });
    default: return null;
  }
}

/** Replaces the rule with this id anywhere in the tree (returns a new tree). */
export function updateRule(root: Group, id: number, change: (r: Rule) => Rule | null): Group {
  const walk = (g: Group): Group => ({ ...g, rules: g.rules.flatMap((r) => {
    if (r.id === id) { const next = change(r); return next ? [next] : []; }
    return r.kind === 'group' ? [walk(r)] : [r];
  }) });
  if (root.id === id) { const next = change(root); return next && next.kind === 'group' ? next : root; }
  return walk(root);
}
