/**
 * The Scoring & lifecycle screen's model (pure, no DOM): the rule forms' text fields to the rules
 * the API takes (PUT /v1/scoring, PUT /v1/lifecycle) and back, the API's issue paths of the
 * edited rule to the form's own field names, and the lifecycle conditions the form can show.
 *
 * Values are typed from the operator: a list (comma separated) for in / not_in, a number for
 * gt … lte when the text is one (otherwise the text goes as it is, and the API says what is wrong
 * at its field: nothing is silently changed), nothing for exists / not_exists.
 */
import type { EngagementRule, FitRule, ScoringConfig } from '../../src/core/scoring/scoring-config.js';
import type { LifecycleCondition, LifecycleConfig, LifecycleRule } from '../../src/core/lifecycle/lifecycle-config.js';
import type { FieldIssue } from './api.js';

export type { EngagementRule, FitRule, LifecycleCondition, LifecycleConfig, LifecycleRule, ScoringConfig };

export const FILTER_OPS = ['equals', 'not_equals', 'in', 'not_in', 'contains', 'exists', 'not_exists', 'gt', 'gte', 'lt', 'lte'] as const;
export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group'] as const;

type Scalar = string | number | boolean;
export interface FilterFields { property: string; op: string; value: string }

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** A filter's value from its text, typed by the operator (see above). */
export function filterValue(op: string, text: string): { value?: Scalar | Scalar[] } {
  if (op === 'exists' || op === 'not_exists') return {};
  if (op === 'in' || op === 'not_in') {
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    return items.length ? { value: items.map((s) => (isNumber(s) ? Number(s) : s)) } : {};
  }
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) return text.trim() === '' ? {} : { value: isNumber(text) ? Number(text) : text };
  return text === '' ? {} : { value: text };
}

export const valueText = (f: { value?: unknown; values?: unknown }): string => {
  const v = f.values ?? f.value;
  return v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
};

/** A number field: empty → absent; a number → the number; other text → the text (the API names it). */
const numberOrText = (text: string): number | string | undefined => (text.trim() === '' ? undefined : isNumber(text) ? Number(text) : text);

export interface EngagementFields {
  id: string; label: string; type: string; event: string; points: string; cap: string;
  /** '' = the workspace's half-life; 'none' = no decay; else days. */
  halfLife: string;
  where: FilterFields[];
}

export const newEngagementFields = (): EngagementFields => ({ id: '', label: '', type: 'track', event: '', points: '', cap: '', halfLife: '', where: [] });

export function engagementFields(r: EngagementRule): EngagementFields {
  return {
    id: r.id, label: r.label, type: r.type, event: r.event ?? '', points: String(r.points), cap: r.cap === undefined ? '' : String(r.cap),
    halfLife: r.halfLifeDays === undefined ? '' : r.halfLifeDays === null ? 'none' : String(r.halfLifeDays),
    where: r.where.map((w) => ({ property: w.property, op: w.op, value: valueText(w) })),
  };
}

/** The rule as the API takes it (unknown text stays text, so that the API can name it). */
export function engagementRule(f: EngagementFields): Record<string, unknown> {
  const points = numberOrText(f.points);
  const cap = numberOrText(f.cap);
  const half = f.halfLife === 'none' ? null : numberOrText(f.halfLife);
  return {
    id: f.id.trim(), ...(f.label.trim() ? { label: f.label.trim() } : {}), type: f.type,
    ...(f.event.trim() ? { event: f.event.trim() } : {}),
    where: f.where.map((w) => ({ property: w.property.trim(), op: w.op, ...filterValue(w.op, w.value) })),
    ...(points !== undefined ? { points } : {}), ...(cap !== undefined ? { cap } : {}), ...(half !== undefined ? { halfLifeDays: half } : {}),
  };
}

export interface FitFields { id: string; label: string; trait: string; op: string; value: string; points: string }

export const newFitFields = (): FitFields => ({ id: '', label: '', trait: '', op: 'equals', value: '', points: '' });
export const fitFields = (r: FitRule): FitFields => ({ id: r.id, label: r.label, trait: r.trait, op: r.op, value: valueText(r), points: String(r.points) });

export function fitRule(f: FitFields): Record<string, unknown> {
  const points = numberOrText(f.points);
  return { id: f.id.trim(), ...(f.label.trim() ? { label: f.label.trim() } : {}), trait: f.trait.trim(), op: f.op, ...filterValue(f.op, f.value), ...(points !== undefined ? { points } : {}) };
}

/** One leaf of a lifecycle condition the form shows. */
export interface LeafFields { kind: 'engagement' | 'fit' | 'bant' | 'trait'; op: string; value: string; trait: string }
export interface LifecycleFields { id: string; to: string; from: string[]; join: 'all' | 'any'; leaves: LeafFields[]; kept: LifecycleCondition | null }

export const newLeaf = (): LeafFields => ({ kind: 'engagement', op: 'gte', value: '', trait: '' });
export const newLifecycleFields = (to: string): LifecycleFields => ({ id: '', to, from: [], join: 'all', leaves: [newLeaf()], kept: null });

function leafOf(c: LifecycleCondition): LeafFields | null {
  if ('engagement' in c || 'fit' in c) {
    const kind = 'engagement' in c ? 'engagement' : 'fit';
    const range = 'engagement' in c ? c.engagement : c.fit;
    if (range.gte !== undefined && range.lt !== undefined) return null;
    return { kind, op: range.gte !== undefined ? 'gte' : 'lt', value: String(range.gte ?? range.lt), trait: '' };
  }
  if ('bant' in c) return { kind: 'bant', op: c.bant === 'complete' ? 'complete' : 'atLeast', value: c.bant === 'complete' ? '' : String(c.bant.atLeast), trait: '' };
  if ('trait' in c) return { kind: 'trait', op: c.op, value: valueText(c), trait: c.trait };
  return null;
}

/** The form of a stored rule; a condition the form cannot show (not, nesting) is kept as it is. */
export function lifecycleFields(r: LifecycleRule): LifecycleFields {
  const base = { id: r.id, to: r.to, from: r.from ?? [] };
  const w = r.when;
  const list = 'all' in w ? { join: 'all' as const, items: w.all } : 'any' in w ? { join: 'any' as const, items: w.any } : { join: 'all' as const, items: [w] };
  const leaves = list.items.map(leafOf);
  if (leaves.every((l): l is LeafFields => l !== null)) return { ...base, join: list.join, leaves, kept: null };
  return { ...base, join: 'all', leaves: [], kept: w };
}

function leafCondition(l: LeafFields): Record<string, unknown> {
  if (l.kind === 'engagement' || l.kind === 'fit') return { [l.kind]: { [l.op === 'lt' ? 'lt' : 'gte']: numberOrText(l.value) ?? l.value } };
  if (l.kind === 'bant') return { bant: l.op === 'complete' ? 'complete' : { atLeast: numberOrText(l.value) ?? l.value } };
  return { trait: l.trait.trim(), op: l.op, ...filterValue(l.op, l.value) };
}

export function lifecycleRule(f: LifecycleFields): Record<string, unknown> {
  const when = f.kept ?? (f.leaves.length === 1 ? leafCondition(f.leaves[0]!) : { [f.join]: f.leaves.map(leafCondition) });
  return { id: f.id.trim(), to: f.to, ...(f.from.length ? { from: f.from } : {}), when };
}

/**
 * The issues of the edited rule, with its prefix (`engagement.rules[3].`, `rules[0].`) taken off
 * and lifecycle conditions named by leaf (`when.all[1].engagement.gte` → `leaf[1]`); issues of
 * other nodes keep their full path (they land in the form's summary).
 */
export function issuesOfRule(issues: readonly FieldIssue[], prefix: string, leaves = 0): FieldIssue[] {
  return issues.map((i) => {
    if (!i.field.startsWith(prefix)) return i;
    let field = i.field.slice(prefix.length).replace(/^\./, '');
    const leaf = /^when\.(?:all|any)\[(\d+)\]/.exec(field);
    if (leaf) field = `leaf[${leaf[1]}]`;
    else if (field.startsWith('when') && leaves === 1) field = 'leaf[0]';
    return { ...i, field };
  });
}

export type Describe = (key: string, vars?: Record<string, string | number>) => string;

/** `topic equals "smart factory"` in the person's language (operators from the shared `op.*` texts). */
export function describeFilter(name: string, f: { op: string; value?: unknown; values?: unknown }, t: Describe): string {
  if (f.op === 'exists' || f.op === 'not_exists') return `${name} ${t(`op.${f.op}`)}`;
  const v = f.values ?? f.value;
  const show = (x: unknown) => (typeof x === 'string' ? `“${x}”` : String(x));
  return `${name} ${t(`op.${f.op}`)} ${Array.isArray(v) ? v.map(show).join(', ') : show(v)}`;
}

export function describeLifecycle(c: LifecycleCondition, t: Describe): string {
  if ('all' in c) return c.all.map((x) => describeLifecycle(x, t)).join(` ${t('sc.and')} `);
  if ('any' in c) return c.any.map((x) => describeLifecycle(x, t)).join(` ${t('sc.or')} `);
  if ('not' in c) return `${t('sc.not')} (${describeLifecycle(c.not, t)})`;
  if ('engagement' in c || 'fit' in c) {
    const [name, r] = 'engagement' in c ? [t('sc.engagement'), c.engagement] : [t('sc.fit'), c.fit];
    return [r.gte !== undefined ? `${name} ≥ ${r.gte}` : '', r.lt !== undefined ? `${name} < ${r.lt}` : ''].filter(Boolean).join(` ${t('sc.and')} `);
  }
  if ('bant' in c) return c.bant === 'complete' ? t('sc.bantComplete') : t('sc.bantAtLeast', { n: c.bant.atLeast });
  return describeFilter(c.trait, c, t);
}

/** Score bands for the distribution (engagement points): [gte, lt), the last open. */
export const SCORE_BANDS: ReadonlyArray<{ gte: number | null; lt: number | null }> = [
  { gte: null, lt: 10 }, { gte: 10, lt: 25 }, { gte: 25, lt: 50 }, { gte: 50, lt: 100 }, { gte: 100, lt: null },
];

/** The segment condition (POST /v1/segments/preview) of a band. */
export function bandCondition(kind: 'engagement' | 'fit', band: { gte: number | null; lt: number | null }): Record<string, unknown> {
  const parts = [
    ...(band.gte !== null ? [{ score: { kind, op: 'gte', value: band.gte } }] : []),
    ...(band.lt !== null ? [{ score: { kind, op: 'lt', value: band.lt } }] : []),
  ];
  return parts.length === 1 ? parts[0]! : { and: parts };
}

export const DEFAULT_SCORING: ScoringConfig = { engagement: { halfLifeDays: 30, rules: [] }, fit: { rules: [] } };
