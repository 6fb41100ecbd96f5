/**
 * Privacy settings are validated with the same rules from the API and from a file: each refusal
 * names the field, and every purpose a declaration, the undeclared data or GPC names must exist.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PRIVACY_SETTINGS, parsePrivacySettings, purposeMap, type PrivacySettings } from '../../../src/core/privacy/privacy-settings.js';
import { purpose } from './privacy-fixtures.js';

function issuesOf(input: unknown, base?: PrivacySettings) {
  const parsed = parsePrivacySettings(input, base);
  assert.equal(parsed.ok, false, `expected a refusal of ${JSON.stringify(input)}`);
  return parsed.ok ? [] : parsed.issues;
}

function fieldsOf(input: unknown, base?: PrivacySettings): string[] {
  return issuesOf(input, base).map((i) => i.field);
}

function settingsOf(input: unknown, base?: PrivacySettings): PrivacySettings {
  const parsed = parsePrivacySettings(input, base);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.settings;
}

const schema = DEFAULT_PRIVACY_SETTINGS.schema;

describe('parsePrivacySettings: accepted input', () => {
  it('accepts the defaults as they are, and an empty object as the defaults', () => {
    assert.deepEqual(settingsOf(DEFAULT_PRIVACY_SETTINGS), DEFAULT_PRIVACY_SETTINGS);
    assert.deepEqual(settingsOf({}), DEFAULT_PRIVACY_SETTINGS);
  });

  it('completes partial input from the base, top-level field by field', () => {
    const changed = settingsOf({ ip: 'hash', gpcPurposes: [] });
    assert.deepEqual(changed, { ...DEFAULT_PRIVACY_SETTINGS, ip: 'hash', gpcPurposes: [] });
    const base = { ...DEFAULT_PRIVACY_SETTINGS, userAgent: 'drop' as const, erasedIdentifiers: 'refuse' as const };
    assert.deepEqual(settingsOf({ ip: 'drop' }, base), { ...base, ip: 'drop' });
  });

  it('accepts every policy value', () => {
    for (const ip of ['truncate', 'hash', 'drop']) assert.equal(settingsOf({ ip }).ip, ip);
    for (const userAgent of ['reduce', 'drop']) assert.equal(settingsOf({ userAgent }).userAgent, userAgent);
    for (const erasedIdentifiers of ['refuse', 'fresh']) assert.equal(settingsOf({ erasedIdentifiers }).erasedIdentifiers, erasedIdentifiers);
    for (const mode of ['strict', 'lenient']) assert.equal(settingsOf({ schema: { ...schema, mode } }).schema.mode, mode);
  });

  it('accepts a workspace with its own purposes and a schema that names only them', () => {
    const input = {
      purposes: [{ key: 'service', name: 'Service', legalBasis: 'contract', retentionDays: 365 }, { key: 'ads', name: 'Ads', description: 'Ads.', legalBasis: 'consent', retentionDays: 90 }],
      schema: { mode: 'strict', undeclaredPurposes: ['service'], events: { 'Order Completed': { purposes: ['service'], type: 'object', personal: false } }, traits: { email: { purposes: ['service', 'ads'], type: 'string', personal: true, retentionDays: 30 } } },
      gpcPurposes: ['ads'],
    };
    const settings = settingsOf(input);
    assert.equal(settings.purposes[0]!.description, '', 'a missing description defaults to empty');
    assert.deepEqual([...purposeMap(settings).keys()], ['service', 'ads']);
    assert.equal(purposeMap(settings).get('ads')?.legalBasis, 'consent');
  });

  it('accepts every legal basis', () => {
    for (const legalBasis of ['consent', 'contract', 'legitimate_interest', 'legal_obligation']) {
      const purposes = [...DEFAULT_PRIVACY_SETTINGS.purposes, { key: 'extra', name: 'Extra', legalBasis, retentionDays: 1 }];
      assert.equal(settingsOf({ purposes }).purposes.at(-1)?.legalBasis, legalBasis);
    }
  });
});

describe('parsePrivacySettings: refusals name the field', () => {
  const withPurpose = (p: Record<string, unknown>) => ({ purposes: [...DEFAULT_PRIVACY_SETTINGS.purposes, p] });
  const last = DEFAULT_PRIVACY_SETTINGS.purposes.length;

  it('refuses an unknown legal basis', () => {
    assert.deepEqual(fieldsOf(withPurpose({ key: 'x', name: 'X', legalBasis: 'vital_interest', retentionDays: 1 })), [`purposes.${last}.legalBasis`]);
  });

  it('refuses a retention that is not a positive whole number of days up to a hundred years', () => {
    for (const retentionDays of [0, -1, 1.5, '30', 36501, Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(fieldsOf(withPurpose({ key: 'x', name: 'X', legalBasis: 'consent', retentionDays })), [`purposes.${last}.retentionDays`], String(retentionDays));
    }
  });

  it('refuses a field retention that is not a positive whole number of days up to a hundred years', () => {
    for (const retentionDays of [0, -1, 1.5, 36501, 1e9]) {
      const traits = { ...schema.traits, email: { purposes: ['necessary'], type: 'string', personal: true, retentionDays } };
      assert.deepEqual(fieldsOf({ schema: { ...schema, traits } }), ['schema.traits.email.retentionDays'], String(retentionDays));
    }
  });

  it('refuses a purpose key that is not lower_snake_case', () => {
    for (const key of ['Ads', 'ads-tracking', '1ads', '', 'a'.repeat(65), 'ads tracking', '__proto__']) {
      const issues = issuesOf(withPurpose({ key, name: 'X', legalBasis: 'consent', retentionDays: 1 }));
      assert.deepEqual(issues.map((i) => i.field), [`purposes.${last}.key`], key);
      assert.match(issues[0]!.reason, /lower_snake_case/);
    }
  });

  it('refuses a purpose without a name, and unknown purpose fields', () => {
    assert.deepEqual(fieldsOf(withPurpose({ key: 'x', name: '', legalBasis: 'consent', retentionDays: 1 })), [`purposes.${last}.name`]);
    assert.deepEqual(fieldsOf(withPurpose({ key: 'x', name: 'X', legalBasis: 'consent', retentionDays: 1, basis: 'consent' })), [`purposes.${last}`]);
  });

  it('refuses an empty list of purposes', () => {
    assert.deepEqual(fieldsOf({ purposes: [] }), ['purposes']);
  });

  it('refuses an unknown schema mode and an unknown field type', () => {
    assert.deepEqual(fieldsOf({ schema: { ...schema, mode: 'paranoid' } }), ['schema.mode']);
    const events = { ...schema.events, page: { purposes: ['analytics'], type: 'url', personal: false } };
    assert.deepEqual(fieldsOf({ schema: { ...schema, events } }), ['schema.events.page.type']);
  });

  it('refuses a declaration without purposes', () => {
    const traits = { ...schema.traits, email: { purposes: [], type: 'string', personal: true } };
    assert.deepEqual(fieldsOf({ schema: { ...schema, traits } }), ['schema.traits.email.purposes']);
  });

  it('refuses unknown policy values', () => {
    assert.deepEqual(fieldsOf({ ip: 'keep' }), ['ip']);
    assert.deepEqual(fieldsOf({ userAgent: 'keep' }), ['userAgent']);
    assert.deepEqual(fieldsOf({ erasedIdentifiers: 'merge' }), ['erasedIdentifiers']);
  });

  it('refuses unknown top-level fields, and input that is not an object', () => {
    assert.deepEqual(fieldsOf({ ipPolicy: 'drop' }), ['body']);
    for (const input of [null, [], 'settings', 3, undefined]) assert.deepEqual(fieldsOf(input), ['body'], JSON.stringify(input));
  });

  it('does not complete a partial schema: the schema is replaced whole, and its missing parts are named', () => {
    assert.deepEqual(fieldsOf({ schema: { mode: 'strict' } }).sort(), ['schema.events', 'schema.traits', 'schema.undeclaredPurposes']);
  });

  it('reports every problem at once', () => {
    assert.deepEqual(fieldsOf({ ip: 'keep', userAgent: 'keep' }).sort(), ['ip', 'userAgent']);
  });
});

describe('parsePrivacySettings: every purpose named must be declared', () => {
  const reasonFor = (input: unknown, field: string) => issuesOf(input).find((i) => i.field === field)?.reason;

  it('names the path of an event or trait declaration naming an undeclared purpose', () => {
    const events = { ...schema.events, 'Order Completed': { purposes: ['necessary', 'billing'], type: 'object', personal: false } };
    assert.deepEqual(fieldsOf({ schema: { ...schema, events } }), ['schema.events.Order Completed.purposes']);
    assert.match(reasonFor({ schema: { ...schema, events } }, 'schema.events.Order Completed.purposes')!, /"billing"/);
    const traits = { ...schema.traits, shoeSize: { purposes: ['fashion'], type: 'number', personal: false } };
    assert.deepEqual(fieldsOf({ schema: { ...schema, traits } }), ['schema.traits.shoeSize.purposes']);
  });

  it('checks the undeclared purposes and the GPC purposes', () => {
    assert.deepEqual(fieldsOf({ schema: { ...schema, undeclaredPurposes: ['research'] } }), ['schema.undeclaredPurposes']);
    assert.deepEqual(fieldsOf({ gpcPurposes: ['advertising', 'sale'] }), ['gpcPurposes']);
    assert.match(reasonFor({ gpcPurposes: ['sale'] }, 'gpcPurposes')!, /"sale"/);
  });

  it('refuses GPC purposes that are not strings', () => {
    assert.deepEqual(fieldsOf({ gpcPurposes: [1] }), ['gpcPurposes.0']);
    assert.deepEqual(fieldsOf({ gpcPurposes: 'advertising' }), ['gpcPurposes']);
  });

  it('checks the schema against the purposes of the input, not of the base', () => {
    // Removing the advertising purpose while GPC still names it is refused.
    const purposes = DEFAULT_PRIVACY_SETTINGS.purposes.filter((p) => p.key !== 'advertising');
    assert.deepEqual(fieldsOf({ purposes }), ['gpcPurposes']);
    assert.ok(settingsOf({ purposes, gpcPurposes: [] }));
    // Removing analytics leaves page, screen, the page pings, the email and form measurement events and the undeclared data naming an undeclared purpose.
    const noAnalytics = DEFAULT_PRIVACY_SETTINGS.purposes.filter((p) => p.key !== 'analytics');
    const emailEvents = ['Email Bounced', 'Email Delivered', 'Email Link Clicked', 'Email Marked as Spam', 'Email Opened', 'Email Sent'].map((n) => `schema.events.${n}.purposes`);
    const formEvents = ['Form Abandoned', 'Form Started', 'Form Viewed'].map((n) => `schema.events.${n}.purposes`);
    assert.deepEqual(fieldsOf({ purposes: noAnalytics }).sort(), [
      ...emailEvents, ...formEvents, 'schema.events.Page Left.purposes', 'schema.events.Page Ping.purposes', 'schema.events.page.purposes', 'schema.events.screen.purposes', 'schema.undeclaredPurposes',
    ].sort());
  });

  it('refuses duplicate purpose keys', () => {
    const purposes = [...DEFAULT_PRIVACY_SETTINGS.purposes, purpose('analytics', 'consent')];
    const issues = issuesOf({ purposes });
    assert.deepEqual(issues.map((i) => i.field), ['purposes']);
    assert.match(issues[0]!.reason, /unique/);
  });
});
