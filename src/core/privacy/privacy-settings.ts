/**
 * A workspace's privacy settings: its purposes, data schema, pseudonymisation of request metadata,
 * Global Privacy Control, and what happens when an erased person's identifier shows up again.
 * Validated with the same rules whether they come from the API or from a file.
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { DEFAULT_SCHEMA, FIELD_TYPES, type DataSchema } from './data-schema.js';
import { DEFAULT_PURPOSES, LEGAL_BASES, type Purpose } from './purposes.js';
import type { IpPolicy, UserAgentPolicy } from './pseudonymise.js';

export interface PrivacySettings {
  purposes: Purpose[];
  schema: DataSchema;
  ip: IpPolicy;
  userAgent: UserAgentPolicy;
  /** Honour `Sec-GPC: 1` as an opt-out of these purposes (empty: not honoured). */
  gpcPurposes: string[];
  /** After an erasure, events carrying one of the person's identifiers are refused, or start a fresh profile. */
  erasedIdentifiers: 'refuse' | 'fresh';
}

export const DEFAULT_PRIVACY_SETTINGS: PrivacySettings = {
  purposes: [...DEFAULT_PURPOSES],
  schema: DEFAULT_SCHEMA,
  ip: 'truncate',
  userAgent: 'reduce',
  gpcPurposes: ['advertising'],
  erasedIdentifiers: 'fresh',
};

const key = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case, up to 64 characters');
const declaration = z.object({
  purposes: z.array(z.string()).min(1, 'needs at least one purpose'),
  type: z.enum(FIELD_TYPES),
  personal: z.boolean(),
  sensitive: z.boolean().optional(),
  // The same cap as a purpose's retention: unbounded, a day count overflows the purge date (ms).
  retentionDays: z.number().int().positive().max(36500).optional(),
  description: z.string().max(500).optional(),
}).strict();

const settingsSchema = z.object({
  purposes: z.array(z.object({
    key,
    name: z.string().min(1).max(100),
    description: z.string().max(1000).default(''),
    legalBasis: z.enum(LEGAL_BASES),
    retentionDays: z.number().int().positive().max(36500),
  }).strict()).min(1),
  schema: z.object({
    mode: z.enum(['strict', 'lenient']),
    events: z.record(z.string().min(1).max(512), declaration),
    traits: z.record(z.string().min(1).max(512), declaration),
    undeclaredPurposes: z.array(z.string()).min(1),
  }).strict(),
  ip: z.enum(['truncate', 'hash', 'drop']),
  userAgent: z.enum(['reduce', 'drop']),
  gpcPurposes: z.array(z.string()),
  erasedIdentifiers: z.enum(['refuse', 'fresh']),
}).strict();

export type ParsedSettings = { ok: true; settings: PrivacySettings } | { ok: false; issues: FieldIssue[] };

/** Validates settings (partial input is completed from `base`); every purpose named must be declared. */
export function parsePrivacySettings(input: unknown, base: PrivacySettings = DEFAULT_PRIVACY_SETTINGS): ParsedSettings {
  const merged = typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...base, ...(input as object) } : input;
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })) };
  }
  const settings = parsed.data as PrivacySettings;
  const known = new Set(settings.purposes.map((p) => p.key));
  const issues: FieldIssue[] = [];
  if (known.size !== settings.purposes.length) issues.push({ field: 'purposes', reason: 'purpose keys must be unique' });
  const check = (purposes: string[], field: string) => {
    for (const p of purposes) if (!known.has(p)) issues.push({ field, reason: `names the undeclared purpose "${p}"` });
  };
  for (const [name, d] of Object.entries(settings.schema.events)) check(d.purposes, `schema.events.${name}.purposes`);
  for (const [name, d] of Object.entries(settings.schema.traits)) check(d.purposes, `schema.traits.${name}.purposes`);
  check(settings.schema.undeclaredPurposes, 'schema.undeclaredPurposes');
  check(settings.gpcPurposes, 'gpcPurposes');
  return issues.length > 0 ? { ok: false, issues } : { ok: true, settings };
}

export function purposeMap(settings: PrivacySettings): Map<string, Purpose> {
  return new Map(settings.purposes.map((p) => [p.key, p]));
}
