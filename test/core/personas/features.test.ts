import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definitionVersion, parseFeatureDefinition, topTraitValues, type FeatureDefinition } from '../../../src/core/personas/feature-definition.js';
import { extractFeatures, featureSpecs, fitScaling, standardise } from '../../../src/core/personas/features.js';
import { DEFAULT_SCHEMA, type DataSchema } from '../../../src/core/privacy/data-schema.js';
import { DEFAULT_PURPOSES } from '../../../src/core/privacy/purposes.js';
import { replayBehaviour } from '../../../src/core/profiles/behaviour.js';
import { newProfile, type Profile } from '../../../src/core/profiles/profile.js';
import { pageView, T0, track, trackedEvent } from '../fixtures.js';

const DAY = 86_400_000;
const SCHEMA: DataSchema = { ...DEFAULT_SCHEMA, traits: { ...DEFAULT_SCHEMA.traits, religion: { purposes: ['necessary'], type: 'string', personal: true, sensitive: 'religion' } } };
const PRIVACY = { purposes: DEFAULT_PURPOSES, schema: SCHEMA };

function definition(input: object = {}): FeatureDefinition {
  const parsed = parseFeatureDefinition(input, PRIVACY);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.definition;
}

function consenting(profile: Profile): Profile {
  profile.consent = { profiling: { granted: true, at: T0, channel: 'banner', messageId: 'c1' } };
  return profile;
}

function featureMap(profile: Profile, def: FeatureDefinition, at: number): Map<string, number> {
  const result = extractFeatures(profile, { definition: def, privacy: PRIVACY, at });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  const specs = featureSpecs(def, SCHEMA);
  assert.equal(result.values.length, specs.length);
  return new Map(specs.map((s, i) => [s.key, result.values[i]!]));
}

describe('persona features', () => {
  test('without a legal basis for profiling there is no vector, with the reason', () => {
    const profile = newProfile('p1', 'ws', T0);
    const result = extractFeatures(profile, { definition: definition(), privacy: PRIVACY, at: T0 });
    assert.deepEqual(result, { ok: false, reason: 'no legal basis for profiling: consent to "profiling" not granted' });
    profile.consent = { profiling: { granted: false, at: T0, channel: 'banner', messageId: 'c1' } };
    assert.equal(extractFeatures(profile, { definition: definition(), privacy: PRIVACY, at: T0 }).ok, false);
    // Legitimate interest needs no consent.
    const li = { purposes: DEFAULT_PURPOSES.map((p) => (p.key === 'profiling' ? { ...p, legalBasis: 'legitimate_interest' as const } : p)), schema: SCHEMA };
    assert.equal(extractFeatures(profile, { definition: definition(), privacy: li, at: T0 }).ok, true);
  });

  test('a purpose on contract is refused as a basis for profiling; an undeclared one too', () => {
    const parsed = parseFeatureDefinition({ profilingPurposes: ['necessary', 'nope'] }, PRIVACY);
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.issues.map((i) => i.field), ['profilingPurposes.0', 'profilingPurposes.1']);
  });

  test('sensitive traits (Art. 9, marked in the data schema) and sensitive categories are refused, every field named', () => {
    const parsed = parseFeatureDefinition({
      traits: [{ key: 'religion', kind: 'categorical', values: ['a'] }, { key: 'role', kind: 'categorical', values: ['a', 'b', 'c'] }],
      categories: ['Health'], sensitiveCategories: ['Health'], maxOneHotWidth: 2, monetaryTrait: 'religion',
    }, PRIVACY);
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.issues.map((i) => i.field).sort(), ['categories.0', 'monetaryTrait', 'traits.0.key', 'traits.1.values']);
  });

  test('hostile definitions give issues, not exceptions', () => {
    for (const input of [null, 'x', [], { categoryHalfLifeDays: 1e400 }, { categoryHalfLifeDays: 'x' }, { categories: ['a\u0000'] }, { utcOffsetMinutes: Infinity }, { traits: [{ key: 'x', kind: 'weird' }] }]) {
      const parsed = parseFeatureDefinition(input, PRIVACY);
      assert.equal(parsed.ok, false, JSON.stringify(input));
    }
  });

  test('the definition version is a hash of its content, independent of key order', () => {
    const a = definition({ categories: ['A', 'B'] });
    const b = Object.fromEntries(Object.entries(a).reverse()) as FeatureDefinition;
    assert.equal(definitionVersion(a), definitionVersion(b));
    assert.match(definitionVersion(a), /^[0-9a-f]{16}$/);
    assert.notEqual(definitionVersion(a), definitionVersion(definition({ categories: ['B', 'A'] })));
  });

  test('behaviour becomes stated transforms: decayed shares, log1p counts, rates, stage position, one-hot traits', () => {
    const def = definition({ categories: ['Factory', 'Energy'], categoryHalfLifeDays: 10, lifecycleStages: ['subscriber', 'lead', 'customer'], monetaryTrait: 'ltv',
      traits: [{ key: 'role', kind: 'categorical', values: ['CTO', 'CEO'] }, { key: 'employees', kind: 'numeric', log: true }] });
    // religion is refused by the parser; a definition stored before it was marked sensitive still never uses it:
    def.traits.push({ key: 'religion', kind: 'numeric', log: false });
    const events = [
      pageView(T0, 'https://x.test/f1', { category: 'Factory', referrer: 'https://www.google.com/' }),
      pageView(T0 + 60_000, 'https://x.test/f2', { category: 'Factory' }),
      pageView(T0 + 10 * DAY, 'https://x.test/e1?utm_source=news&utm_medium=email', { category: 'Energy' }),
      track(T0 + 10 * DAY + 1000, 'Form Viewed'), track(T0 + 10 * DAY + 2000, 'Form Submitted'),
      trackedEvent({ type: 'track', name: 'Email Delivered', timestamp: T0 + DAY }), trackedEvent({ type: 'track', name: 'Email Delivered', timestamp: T0 + 2 * DAY }),
      trackedEvent({ type: 'track', name: 'Email Opened', timestamp: T0 + 2 * DAY }),
    ];
    const profile = consenting(newProfile('p1', 'ws', T0));
    profile.behaviour = replayBehaviour(events);
    profile.traits = { role: 'CTO', employees: 99, ltv: 1000, religion: 3 };
    profile.lifecycle = { stage: 'lead', since: T0, history: [] };
    const at = T0 + 10 * DAY + 3000;
    const f = featureMap(profile, def, at);
    assert.ok(!featureSpecs(def, SCHEMA).some((s) => s.key.includes('religion')));
    // Factory: 2 views 10 days old (half-life 10) weigh 1; Energy: 1 view now weighs 1.
    assert.ok(Math.abs(f.get('category:Factory')! - 0.5) < 1e-4);
    assert.ok(Math.abs(f.get('category:Energy')! - 0.5) < 1e-4);
    assert.equal(f.get('recency'), Math.log1p(1000 / DAY));
    assert.equal(f.get('sessions'), Math.log1p(2));
    assert.equal(f.get('page_views'), Math.log1p(3));
    assert.equal(f.get('monetary'), Math.log1p(1000));
    assert.equal(f.get('session_depth'), Math.log1p(1.5));
    assert.equal(f.get('channel:search'), 0.5);
    assert.equal(f.get('channel:email'), 0.5);
    assert.equal(f.get('device:unknown'), 1);
    assert.equal(f.get('email:open_rate'), 0.5);
    assert.equal(f.get('email:opens'), Math.log1p(1));
    assert.equal(f.get('lifecycle'), 2 / 3);
    assert.equal(f.get('forms:submitted'), Math.log1p(1));
    assert.equal(f.get('forms:completion'), 1);
    assert.equal(f.get('trait:role=CTO'), 1);
    assert.equal(f.get('trait:role=CEO'), 0);
    assert.equal(f.get('trait:role=(other)'), 0);
    assert.equal(f.get('trait:employees'), Math.log1p(99));
    for (const v of f.values()) assert.ok(Number.isFinite(v));
  });

  test('the activity the behaviour keeps gives device and time-of-day shares in the workspace\'s local time', () => {
    const at = (h: number) => Date.UTC(2024, 4, 4, h); // a Saturday
    const ev = (h: number, cls: string) => ({ ...pageView(at(h), 'https://x.test/'), context: { device: { class: cls } } });
    const profile = consenting(newProfile('p', 'ws', T0));
    profile.behaviour = replayBehaviour([
      ev(19, 'mobile'), ev(20, 'mobile'), ev(8, 'desktop'), ev(9, 'bot'),
      // Not the person's own actions: an email sent to them, a time report of a page view.
      trackedEvent({ type: 'track', name: 'Email Delivered', timestamp: at(3) }),
      trackedEvent({ type: 'track', name: 'Page Ping', timestamp: at(19) + 1000, properties: { visibleMs: 500 } }),
    ]);
    assert.equal(profile.behaviour.activity?.hours.reduce((s, n) => s + n, 0), 4);
    const f = featureMap(profile, definition({ utcOffsetMinutes: 60 }), at(21));
    assert.equal(f.get('device:mobile'), 2 / 3, 'the bot is no device of the person');
    assert.equal(f.get('device:unknown'), 0);
    // 20:00 and 21:00 local are evening; 09:00 and 10:00 morning.
    assert.equal(f.get('time:evening'), 0.5);
    assert.equal(f.get('time:morning'), 0.5);
    assert.equal(f.get('time:weekend'), 1);
    // UTC+5 moves 19:00 and 20:00 UTC past midnight into Sunday night.
    const east = featureMap(profile, definition({ utcOffsetMinutes: 300 }), at(21));
    assert.equal(east.get('time:night'), 0.5);
    // A profile stored before the behaviour kept activity falls back to its page timestamps.
    delete profile.behaviour.activity;
    const old = featureMap(profile, definition({ utcOffsetMinutes: 60 }), at(21));
    assert.equal(old.get('device:unknown'), 1);
    assert.ok(Math.abs(old.get('time:evening')! + old.get('time:morning')! - 1) < 1e-9);
  });

  test('a categorical value outside the fixed vocabulary goes to (other); a missing numeric trait is imputed to the mean', () => {
    const def = definition({ traits: [{ key: 'role', kind: 'categorical', values: ['CTO'] }, { key: 'age', kind: 'numeric' }] });
    const p = consenting(newProfile('p', 'ws', T0));
    p.traits = { role: 'Intern' };
    const f = featureMap(p, def, T0);
    assert.equal(f.get('trait:role=(other)'), 1);
    assert.ok(Number.isNaN(f.get('trait:age')!));
    const scaling = fitScaling([[1, 10], [3, Number.NaN], [5, 20]]);
    assert.deepEqual(scaling.means, [3, 15]);
    assert.deepEqual(scaling.variances, [8 / 3, 25]);
    assert.deepEqual(standardise([5, Number.NaN], scaling), [2 / Math.sqrt(8 / 3), 0]);
    // A constant feature standardises to 0, never NaN.
    assert.deepEqual(standardise([7], fitScaling([[7], [7]])), [0]);
  });

  test('topTraitValues learns the most frequent values, capped', () => {
    const profiles = ['a', 'b', 'b', 'c', 'c', 'c', ' c '].map((role) => ({ traits: { role } }));
    assert.deepEqual(topTraitValues(profiles, 'role', 2), ['c', 'b']);
  });
});
