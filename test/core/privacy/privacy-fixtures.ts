/**
 * Builders for the privacy tests: an admission context from the default settings with the parts a
 * test cares about replaced, consent states written as `{ purpose: granted }`, and a small test
 * workspace with one purpose per legal basis (PURPOSES, SCHEMA, workspaceContext).
 */
import type { AdmitContext } from '../../../src/core/privacy/admit-event.js';
import type { ConsentChannel, ConsentState } from '../../../src/core/privacy/consent.js';
import { DEFAULT_SCHEMA, type DataSchema, type FieldDeclaration } from '../../../src/core/privacy/data-schema.js';
import { DEFAULT_PURPOSES, type LegalBasis, type Purpose } from '../../../src/core/privacy/purposes.js';
import { T0 } from '../fixtures.js';

export function purpose(key: string, legalBasis: LegalBasis): Purpose {
  return { key, name: key, description: '', legalBasis, retentionDays: 30 };
}

export function declared(purposes: string[], personal = true): FieldDeclaration {
  return { purposes, type: 'any', personal };
}

/** A consent state where each listed purpose was decided at T0 on the banner. */
export function consentOf(decisions: Record<string, boolean>, at = T0): ConsentState {
  const state: ConsentState = {};
  for (const [key, granted] of Object.entries(decisions)) {
    state[key] = { granted, at, channel: 'banner', messageId: `consent-${key}` };
  }
  return state;
}

export function decision(granted: boolean, at: number, messageId: string, channel: ConsentChannel = 'banner') {
  return { granted, at, channel, messageId };
}

export function admitContext(overrides: {
  purposes?: readonly Purpose[];
  schema?: Partial<DataSchema>;
  consent?: ConsentState;
  gpcPurposes?: readonly string[];
} = {}): AdmitContext {
  const purposes = overrides.purposes ?? DEFAULT_PURPOSES;
  return {
    purposes: new Map(purposes.map((p) => [p.key, p])),
    schema: { ...DEFAULT_SCHEMA, ...overrides.schema },
    consent: overrides.consent ?? {},
    gpcPurposes: overrides.gpcPurposes ?? ['advertising'],
  };
}

/** A workspace with one purpose per legal basis and two consent purposes. */
export const PURPOSES = [
  purpose('service', 'contract'),
  purpose('stats', 'legitimate_interest'),
  purpose('tax', 'legal_obligation'),
  purpose('ads', 'consent'),
  purpose('newsletter', 'consent'),
];

export const SCHEMA: DataSchema = {
  mode: 'lenient',
  undeclaredPurposes: ['stats'],
  events: {
    identify: declared(['service'], false),
    page: declared(['stats'], false),
    'Order Completed': declared(['service'], false),
    'Ad Clicked': declared(['ads'], false),
    'Newsletter Opened': declared(['newsletter'], false),
    'Campaign Viewed': declared(['ads', 'newsletter'], false),
  },
  traits: {
    email: declared(['newsletter']),
    plan: declared(['service'], false),
    interests: declared(['ads']),
    favouriteColour: declared(['ads', 'newsletter']),
    invoiceAddress: declared(['tax']),
  },
};

/** The test workspace with consent, GPC purposes or schema parts replaced. */
export function workspaceContext(overrides: { consent?: ConsentState; gpcPurposes?: string[]; schema?: Partial<DataSchema> } = {}): AdmitContext {
  return admitContext({ purposes: PURPOSES, ...overrides, schema: { ...SCHEMA, ...overrides.schema } });
}
