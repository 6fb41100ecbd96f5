/**
 * The data schema of a workspace: which traits and events it collects, of what type, for which
 * purposes, whether they are personal data, and how long they are kept. Ingest enforces it (data
 * minimisation at the door, GDPR Art. 5(1)(c)): data without a purpose that has a legal basis for
 * the person is not stored; undeclared data is refused (`strict`) or stored and flagged for review
 * (`lenient`).
 *
 * Events are declared by track event name, or by type for the other calls (`page`, `screen`,
 * `identify`, `group`, `alias`). Traits are declared by name; they arrive in identify traits and
 * in any event's context.traits.
 */
import { EVENT_TYPES } from '../events/event.js';

/**
 * Special categories of personal data (GDPR Art. 9(1)): a trait or event declared with one of
 * these is sensitive. Personalization never uses it: a slot rule or template naming such a trait
 * is refused when saved (core/decisions/validate-slot.ts).
 */
export const SENSITIVE_CATEGORIES = [
  'health', 'religion', 'political_opinion', 'sexual_orientation', 'sex_life', 'ethnicity',
  'trade_union', 'genetic', 'biometric', 'philosophical_belief',
] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'object', 'array', 'any'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDeclaration {
  /** Purposes this data serves; it is kept while at least one of them has a legal basis. */
  purposes: string[];
  type: FieldType;
  /** Whether it identifies or describes a person (shown in exports and the privacy report). */
  personal: boolean;
  /** Overrides the purposes' retention (days). */
  retentionDays?: number;
  description?: string;
  /**
   * A special category of personal data (GDPR Art. 9), named: never used for personalization or
   * profiling. Slot rules naming it are refused (core/decisions/validate-slot.ts) and persona
   * features refuse it (core/personas/feature-definition.ts).
   */
  sensitive?: SensitiveCategory;
}

export type SchemaMode = 'strict' | 'lenient';

export interface DataSchema {
  mode: SchemaMode;
  events: Record<string, FieldDeclaration>;
  traits: Record<string, FieldDeclaration>;
  /** Purposes of undeclared data in lenient mode. */
  undeclaredPurposes: string[];
}

const personal = (purposes: string[], type: FieldType = 'string'): FieldDeclaration => ({ purposes, type, personal: true });
const usage = (purposes: string[]): FieldDeclaration => ({ purposes, type: 'object', personal: false });

export const DEFAULT_SCHEMA: DataSchema = {
  mode: 'lenient',
  undeclaredPurposes: ['analytics'],
  events: {
    page: usage(['analytics']),
    screen: usage(['analytics']),
    identify: usage(['necessary']),
    group: usage(['necessary']),
    alias: usage(['necessary']),
    'Page Left': usage(['analytics']),
    'Page Ping': usage(['analytics']),
    'Email Sent': usage(['email_marketing', 'analytics']),
    'Email Delivered': usage(['email_marketing', 'analytics']),
    'Email Opened': usage(['email_marketing', 'analytics']),
    'Email Link Clicked': usage(['email_marketing', 'analytics']),
    'Email Bounced': usage(['email_marketing', 'analytics']),
    'Email Marked as Spam': usage(['email_marketing', 'analytics']),
    Unsubscribed: usage(['necessary']),
    // Forms (issue 6): answering is necessary to give the person what they asked for; the rest is measurement.
    'Form Submitted': usage(['necessary']),
    'Form Viewed': usage(['analytics']),
    'Form Started': usage(['analytics']),
    'Form Abandoned': usage(['analytics']),
  },
  traits: {
    email: personal(['necessary']),
    name: personal(['necessary']),
    firstName: personal(['necessary']),
    lastName: personal(['necessary']),
    phone: personal(['necessary']),
    company: personal(['necessary']),
    title: personal(['necessary']),
  },
};

// Track names and call types share `events`. A track event named like a call type ("identify") is
// not that call and must not inherit its purposes (identify is `necessary` by default: it would be
// kept without consent); it is undeclared.
const CALL_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES.filter((t) => t !== 'track'));

/** The declaration that governs an event: by track name, else by type. */
export function eventDeclaration(schema: DataSchema, type: string, name: string | null): FieldDeclaration | undefined {
  if (type === 'track') return name !== null && !CALL_TYPES.has(name) && Object.hasOwn(schema.events, name) ? schema.events[name] : undefined;
  return Object.hasOwn(schema.events, type) ? schema.events[type] : undefined;
}

export function traitDeclaration(schema: DataSchema, name: string): FieldDeclaration | undefined {
  return Object.hasOwn(schema.traits, name) ? schema.traits[name] : undefined;
}

/** Trait keys declared sensitive (Art. 9), for slot validation. */
export function sensitiveTraitKeys(schema: DataSchema): Set<string> {
  return new Set(Object.entries(schema.traits).filter(([, d]) => d.sensitive !== undefined).map(([k]) => k));
}

/**
 * Trait keys that identify a person (declared `personal`: name, email, company …): content or
 * conditions using them are `individual` depth (core/decisions/creepiness-guard.ts).
 */
export function identityTraitKeys(schema: DataSchema): Set<string> {
  return new Set(Object.entries(schema.traits).filter(([, d]) => d.personal).map(([k]) => k));
}
