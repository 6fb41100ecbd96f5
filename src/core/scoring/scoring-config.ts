/**
 * A workspace's scoring configuration: engagement rules (points for behaviour, with a cap per rule
 * and decay by half-life) and fit rules (points for traits). Validated with the same rules from the
 * API or a file; issues name the bad node, e.g. `engagement.rules[1].where[0].value`.
 *
 *   {
 *     "engagement": { "halfLifeDays": 30, "rules": [
 *       { "id": "whitepaper", "label": "Whitepaper Downloaded", "event": "Whitepaper Downloaded", "points": 10, "cap": 50 },
 *       { "id": "pricing-views", "type": "page", "where": [{ "property": "category", "op": "equals", "value": "pricing" }], "points": 2, "cap": 20 } ] },
 *     "fit": { "rules": [
 *       { "id": "decision-maker", "trait": "role", "op": "in", "value": ["CTO", "CEO"], "points": 20 } ] }
 *   }
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { checkFilterOperand, FILTER_OPS, issuePath, type ValueFilter } from './filters.js';

export const SCORED_EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group'] as const;

export interface PropertyFilter extends ValueFilter {
  /** A key of `properties`; `category` also reads a page event's own category. */
  property: string;
}

export interface EngagementRule {
  id: string;
  label: string;
  /** Event type matched (default track). */
  type: (typeof SCORED_EVENT_TYPES)[number];
  /** Track: the event name; page/screen: the page name. Absent: any name. */
  event?: string;
  where: PropertyFilter[];
  /** Points per matching event (negative points subtract). */
  points: number;
  /** The most this rule contributes at any moment (absolute value); absent: no cap. */
  cap?: number;
  /** Overrides the workspace half-life for this rule; null = this rule does not decay. */
  halfLifeDays?: number | null;
}

export interface FitRule extends ValueFilter {
  id: string;
  label: string;
  trait: string;
  points: number;
}

export interface ScoringConfig {
  engagement: {
    /** Points lose half their value every this many days; null = no decay. */
    halfLifeDays: number | null;
    rules: EngagementRule[];
  };
  fit: { rules: FitRule[] };
}

export const DEFAULT_SCORING_CONFIG: ScoringConfig = { engagement: { halfLifeDays: 30, rules: [] }, fit: { rules: [] } };

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, - or _, up to 64 characters');
const points = z.number().finite().min(-1000).max(1000).refine((n) => n !== 0, 'must not be 0');
const halfLife = z.number().positive().max(3650).nullable();


const engagementRule = z.object({
  id,
  label: z.string().min(1).max(200).optional(),
  type: z.enum(SCORED_EVENT_TYPES).default('track'),
  event: z.string().min(1).max(512).optional(),
  where: z.array(z.object({ property: z.string().min(1).max(512), op: z.enum(FILTER_OPS), value: z.unknown().optional(), values: z.unknown().optional() }).strict()
    .superRefine(checkFilterOperand)).max(20).default([]),
  points,
  cap: z.number().positive().max(100_000).optional(),
  halfLifeDays: halfLife.optional(),
}).strict();

const fitRule = z.object({
  id,
  label: z.string().min(1).max(200).optional(),
  trait: z.string().min(1).max(512),
  op: z.enum(FILTER_OPS),
  value: z.unknown().optional(),
  values: z.unknown().optional(),
  points,
}).strict().superRefine(checkFilterOperand);

const configSchema = z.object({
  engagement: z.object({ halfLifeDays: halfLife.default(30), rules: z.array(engagementRule).max(200).default([]) }).strict().default({ halfLifeDays: 30, rules: [] }),
  fit: z.object({ rules: z.array(fitRule).max(200).default([]) }).strict().default({ rules: [] }),
}).strict();

export type ParsedScoringConfig = { ok: true; config: ScoringConfig } | { ok: false; issues: FieldIssue[] };

export function parseScoringConfig(input: unknown): ParsedScoringConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ field: issuePath(i.path), reason: i.message })) };
  const issues: FieldIssue[] = [];
  const unique = (rules: Array<{ id: string }>, field: string) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) issues.push({ field: `${field}[${i}].id`, reason: `"${r.id}" is used by an earlier rule; rule ids must be unique` });
      seen.add(r.id);
    });
  };
  unique(parsed.data.engagement.rules, 'engagement.rules');
  unique(parsed.data.fit.rules, 'fit.rules');
  if (issues.length > 0) return { ok: false, issues };
  const config: ScoringConfig = {
    engagement: {
      halfLifeDays: parsed.data.engagement.halfLifeDays,
      rules: parsed.data.engagement.rules.map((r): EngagementRule => ({
        id: r.id, label: r.label ?? r.event ?? (r.type === 'track' ? r.id : `${r.type} view`), type: r.type,
        ...(r.event !== undefined ? { event: r.event } : {}),
        where: r.where as PropertyFilter[], points: r.points,
        ...(r.cap !== undefined ? { cap: r.cap } : {}),
        ...(r.halfLifeDays !== undefined ? { halfLifeDays: r.halfLifeDays } : {}),
      })),
    },
    fit: {
      rules: parsed.data.fit.rules.map((r): FitRule => ({
        id: r.id, label: r.label ?? r.trait, trait: r.trait, op: r.op, points: r.points,
        ...(r.value !== undefined ? { value: r.value as ValueFilter['value'] } : {}),
        ...(r.values !== undefined ? { values: r.values as ValueFilter['values'] } : {}),
      })),
    },
  };
  return { ok: true, config };
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const scoringConfigInputSchema = configSchema;
