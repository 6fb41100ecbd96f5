/**
 * A workspace's persona feature definition: which behaviour becomes a feature and how. It is
 * versioned by a hash of its canonical form (`definitionVersion`), stored with every fitted model,
 * so an assignment is only ever made with the definition its model was fitted on.
 *
 * Rules (issue 17 §1):
 * - Only profiles with a legal basis for profiling are featurised: one of `profilingPurposes`
 *   granted by consent (GDPR Art. 6(1)(a)) or declared on legitimate interest (Art. 6(1)(f); the
 *   person keeps the right to object, Art. 21). Contract and legal obligation are no basis for
 *   profiling and are refused here.
 * - Special categories of personal data (Art. 9) are never features: a trait the data schema marks
 *   `sensitive` is refused, and so is a trait or a content category listed in `sensitiveCategories`.
 * - Categorical traits are one-hot over a FIXED list of values (learned once with `topTraitValues`,
 *   then part of the definition) plus an "(other)" column; the width is capped.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { traitDeclaration, type DataSchema } from '../privacy/data-schema.js';
import type { Purpose } from '../privacy/purposes.js';
import type { Profile } from '../profiles/profile.js';

export const MAX_ONE_HOT_WIDTH = 30;
export const MAX_CATEGORIES = 50;

export type TraitFeature =
  | { key: string; kind: 'numeric'; /** log1p of the value (a count or an amount; negatives count as 0). */ log: boolean }
  | { key: string; kind: 'categorical'; values: string[] };

export interface FeatureDefinition {
  /** Purposes any of which gives a legal basis for profiling (default `profiling`). */
  profilingPurposes: string[];
  /** Content categories whose decayed share of page views is a feature. */
  categories: string[];
  /** Half-life of a page view's weight in the category shares. */
  categoryHalfLifeDays: number;
  /** Ordered lifecycle stage keys; the stage becomes its position in (0, 1], none = 0. */
  lifecycleStages: string[];
  /** A numeric trait holding the monetary value (e.g. `lifetime_value`), log1p; absent: no monetary feature. */
  monetaryTrait: string | null;
  traits: TraitFeature[];
  /** Categories and traits never used even when listed (Art. 9, in addition to the schema's `sensitive`). */
  sensitiveCategories: string[];
  /** Offset of the workspace's local time from UTC, for the time-of-day and weekday profile. */
  utcOffsetMinutes: number;
  /** Width cap of a categorical trait's one-hot encoding (values beyond it are refused). */
  maxOneHotWidth: number;
}

export const DEFAULT_FEATURE_DEFINITION: FeatureDefinition = {
  profilingPurposes: ['profiling'],
  categories: [],
  categoryHalfLifeDays: 30,
  lifecycleStages: [],
  monetaryTrait: null,
  traits: [],
  sensitiveCategories: [],
  utcOffsetMinutes: 0,
  maxOneHotWidth: 12,
};

const name = z.string().min(1).max(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
const definitionSchema = z.object({
  profilingPurposes: z.array(name).min(1).max(20),
  categories: z.array(name).max(MAX_CATEGORIES),
  categoryHalfLifeDays: z.number().positive().max(3650),
  lifecycleStages: z.array(name).max(30),
  monetaryTrait: name.nullable(),
  traits: z.array(z.discriminatedUnion('kind', [
    z.object({ key: name, kind: z.literal('numeric'), log: z.boolean().default(false) }).strict(),
    z.object({ key: name, kind: z.literal('categorical'), values: z.array(name).min(1).max(MAX_ONE_HOT_WIDTH) }).strict(),
  ])).max(50),
  sensitiveCategories: z.array(name).max(200),
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
  maxOneHotWidth: z.number().int().min(1).max(MAX_ONE_HOT_WIDTH),
}).strict();

export type ParsedFeatureDefinition = { ok: true; definition: FeatureDefinition } | { ok: false; issues: FieldIssue[] };

/**
 * Validates a definition (partial input is completed from the defaults) against the workspace's
 * purposes and data schema. Every failing field is reported.
 */
export function parseFeatureDefinition(input: unknown, privacy: { purposes: readonly Purpose[]; schema: DataSchema }): ParsedFeatureDefinition {
  const merged = typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...DEFAULT_FEATURE_DEFINITION, ...(input as object) } : input;
  const parsed = definitionSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })) };
  const definition = parsed.data as FeatureDefinition;
  const issues: FieldIssue[] = [];
  const purposes = new Map(privacy.purposes.map((p) => [p.key, p]));
  definition.profilingPurposes.forEach((key, i) => {
    const purpose = purposes.get(key);
    if (!purpose) issues.push({ field: `profilingPurposes.${i}`, reason: `names the undeclared purpose "${key}"` });
    else if (purpose.legalBasis !== 'consent' && purpose.legalBasis !== 'legitimate_interest') {
      issues.push({ field: `profilingPurposes.${i}`, reason: `purpose "${key}" rests on ${purpose.legalBasis}, which is no legal basis for profiling (consent or legitimate interest)` });
    }
  });
  const sensitive = new Set(definition.sensitiveCategories);
  definition.categories.forEach((c, i) => {
    if (sensitive.has(c)) issues.push({ field: `categories.${i}`, reason: `"${c}" is a sensitive category (GDPR Art. 9) and never a feature` });
  });
  const traitKeys = new Set<string>();
  definition.traits.forEach((t, i) => {
    if (traitKeys.has(t.key)) issues.push({ field: `traits.${i}.key`, reason: `"${t.key}" is listed twice` });
    traitKeys.add(t.key);
    if (isSensitiveTrait(t.key, definition, privacy.schema)) issues.push({ field: `traits.${i}.key`, reason: `"${t.key}" is a sensitive category (GDPR Art. 9) and never a feature` });
    if (t.kind === 'categorical') {
      if (t.values.length > definition.maxOneHotWidth) issues.push({ field: `traits.${i}.values`, reason: `${t.values.length} values exceed the one-hot width cap of ${definition.maxOneHotWidth}` });
      if (new Set(t.values).size !== t.values.length) issues.push({ field: `traits.${i}.values`, reason: 'values must be unique' });
    }
  });
  if (definition.monetaryTrait !== null && isSensitiveTrait(definition.monetaryTrait, definition, privacy.schema)) {
    issues.push({ field: 'monetaryTrait', reason: `"${definition.monetaryTrait}" is a sensitive category (GDPR Art. 9) and never a feature` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, definition };
}

export function isSensitiveTrait(key: string, definition: Pick<FeatureDefinition, 'sensitiveCategories'>, schema: DataSchema): boolean {
  return traitDeclaration(schema, key)?.sensitive !== undefined || definition.sensitiveCategories.includes(key);
}

/**
 * The version of a definition: SHA-256 of its canonical JSON (keys sorted), first 16 hex digits.
 * Equal definitions give equal versions whatever the key order they were written in.
 */
export function definitionVersion(definition: FeatureDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The most frequent string values of a trait across profiles (ties by value), at most `width`:
 * the fixed vocabulary of a categorical trait feature, learned once and then kept in the definition.
 */
export function topTraitValues(profiles: Iterable<Pick<Profile, 'traits'>>, key: string, width: number): string[] {
  const counts = new Map<string, number>();
  for (const p of profiles) {
    const v = Object.hasOwn(p.traits, key) ? p.traits[key] : undefined;
    if (typeof v === 'string' && v.trim() !== '') counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, width).map(([v]) => v);
}
