/**
 * A workspace's lifecycle configuration: the ordered stages, the trait keys that make up BANT
 * (budget, authority, need, timeline), the rules that move profiles automatically, and how long a
 * manual move holds against them. Issues name the bad node, e.g. `rules[2].when.all[1].engagement.gte`.
 *
 *   { "stages": [{ "key": "subscriber", "label": "Subscriber" }, …],
 *     "rules": [{ "id": "mql", "to": "marketing_qualified", "when": { "all": [{ "engagement": { "gte": 50 } }, { "fit": { "gte": 20 } }] } },
 *               { "id": "sql", "to": "sales_qualified", "when": { "bant": "complete" } }] }
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { checkFilterOperand, FILTER_OPS, issuePath, type ValueFilter } from '../scoring/filters.js';

export interface LifecycleStage { key: string; label: string }

export type LifecycleCondition =
  | { all: LifecycleCondition[] }
  | { any: LifecycleCondition[] }
  | { not: LifecycleCondition }
  | { engagement: ScoreRange }
  | { fit: ScoreRange }
  | { bant: 'complete' | { atLeast: number } }
  | ({ trait: string } & ValueFilter);

export interface ScoreRange { gte?: number; lt?: number }

export interface LifecycleRule {
  id: string;
  /** The stage the rule moves to. */
  to: string;
  /**
   * The stages it moves from. Absent: any earlier stage (or none yet): rules move forward only
   * unless they name the later stages they take a profile back from (e.g. recycling).
   */
  from?: string[];
  when: LifecycleCondition;
}

export interface LifecycleConfig {
  stages: LifecycleStage[];
  bant: { budget: string; authority: string; need: string; timeline: string };
  /** After a manual move, automatic rules leave the profile alone for this many days (0: never hold). */
  manualHoldDays: number;
  rules: LifecycleRule[];
}

export const DEFAULT_STAGES: LifecycleStage[] = [
  { key: 'subscriber', label: 'Subscriber' },
  { key: 'lead', label: 'Lead' },
  { key: 'marketing_qualified', label: 'Marketing qualified lead' },
  { key: 'sales_accepted', label: 'Sales accepted lead' },
  { key: 'sales_qualified', label: 'Sales qualified lead' },
  { key: 'opportunity', label: 'Opportunity' },
  { key: 'customer', label: 'Customer' },
];

/** Stages only; nobody moves automatically until the workspace configures rules. */
export const DEFAULT_LIFECYCLE_CONFIG: LifecycleConfig = {
  stages: DEFAULT_STAGES,
  bant: { budget: 'budget', authority: 'authority', need: 'need', timeline: 'timeline' },
  manualHoldDays: 30,
  rules: [],
};

const key = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case, up to 64 characters');
const traitKey = z.string().min(1).max(512);
const range = z.object({ gte: z.number().finite().optional(), lt: z.number().finite().optional() }).strict()
  .refine((r) => r.gte !== undefined || r.lt !== undefined, 'needs "gte" or "lt"');

const condition: z.ZodType<LifecycleCondition> = z.lazy(() => z.union([
  z.object({ all: z.array(condition).min(1).max(20) }).strict(),
  z.object({ any: z.array(condition).min(1).max(20) }).strict(),
  z.object({ not: condition }).strict(),
  z.object({ engagement: range }).strict(),
  z.object({ fit: range }).strict(),
  z.object({ bant: z.union([z.literal('complete'), z.object({ atLeast: z.number().int().min(1).max(4) }).strict()]) }).strict(),
  z.object({ trait: traitKey, op: z.enum(FILTER_OPS), value: z.unknown().optional(), values: z.unknown().optional() }).strict().superRefine(checkFilterOperand),
])) as z.ZodType<LifecycleCondition>;

const configSchema = z.object({
  stages: z.array(z.object({ key, label: z.string().min(1).max(100).optional() }).strict()).min(1).max(30).default(DEFAULT_STAGES),
  bant: z.object({ budget: traitKey, authority: traitKey, need: traitKey, timeline: traitKey }).strict().default(DEFAULT_LIFECYCLE_CONFIG.bant),
  manualHoldDays: z.number().min(0).max(3650).default(30),
  rules: z.array(z.object({ id: key, to: key, from: z.array(key).min(1).max(30).optional(), when: condition }).strict()).max(100).default([]),
}).strict();

export type ParsedLifecycleConfig = { ok: true; config: LifecycleConfig } | { ok: false; issues: FieldIssue[] };

export function parseLifecycleConfig(input: unknown): ParsedLifecycleConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: explainIssues(parsed.error.issues, input) };
  const data = parsed.data;
  const stages = data.stages.map((s) => ({ key: s.key, label: s.label ?? s.key }));
  const known = new Set<string>();
  const issues: FieldIssue[] = [];
  stages.forEach((s, i) => {
    if (known.has(s.key)) issues.push({ field: `stages[${i}].key`, reason: `"${s.key}" is listed twice` });
    known.add(s.key);
  });
  const ids = new Set<string>();
  data.rules.forEach((r, i) => {
    if (ids.has(r.id)) issues.push({ field: `rules[${i}].id`, reason: `"${r.id}" is used by an earlier rule; rule ids must be unique` });
    ids.add(r.id);
    if (!known.has(r.to)) issues.push({ field: `rules[${i}].to`, reason: `"${r.to}" is not one of the stages` });
    r.from?.forEach((f, j) => { if (!known.has(f)) issues.push({ field: `rules[${i}].from[${j}]`, reason: `"${f}" is not one of the stages` }); });
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: { stages, bant: data.bant, manualHoldDays: data.manualHoldDays, rules: data.rules.map((r) => ({ id: r.id, to: r.to, ...(r.from ? { from: r.from } : {}), when: r.when })) } };
}

/**
 * Zod reports a union that matched no branch at the union's node; a marketer needs the branch
 * they meant. When the node names one kind (its keys pick the branch), that branch's own issue is
 * reported instead.
 */
function explainIssues(issues: z.core.$ZodIssue[], input: unknown): FieldIssue[] {
  return issues.map((i) => {
    if (i.code === 'invalid_union' && 'errors' in i && Array.isArray(i.errors)) {
      const node = at(input, i.path);
      const kinds = ['all', 'any', 'not', 'engagement', 'fit', 'bant', 'trait'];
      const kind = node && typeof node === 'object' ? kinds.findIndex((k) => Object.hasOwn(node, k)) : -1;
      const branch = kind >= 0 ? (i.errors as z.core.$ZodIssue[][])[kind] : undefined;
      if (branch && branch.length > 0) return explainIssues(branch.map((b) => ({ ...b, path: [...i.path, ...b.path] })), input)[0]!;
      return { field: issuePath(i.path), reason: 'must be one condition: all, any, not, engagement, fit, bant or trait' };
    }
    return { field: issuePath(i.path), reason: i.message };
  });
}

function at(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const lifecycleConfigInputSchema = configSchema;
