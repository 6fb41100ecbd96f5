import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileSlot } from '../../../src/core/decisions/compile-slot.js';
import { emptyCounters, recordExposure } from '../../../src/core/decisions/exposure-counters.js';
import type { SlotDefinition } from '../../../src/core/decisions/slot.js';
import { rulesStrategy } from '../../../src/core/decisions/strategies/rules.js';
import { scoreSortedStrategy } from '../../../src/core/decisions/strategies/score-sorted.js';
import { strategyRegistry, type StrategyFactory } from '../../../src/core/decisions/strategy.js';
import { compile, context, DAY, IDENTITY, profileFor, run, settings, variant } from './decision-fixtures.js';
import { pageView, T0, MINUTE } from '../fixtures.js';

/** The B2B hero of the "done when": campaign visitors, smart-factory readers, known people. */
const hero: SlotDefinition = {
  id: 'hero', name: 'Hero', channel: 'any', depthCeiling: 'individual', explain: true, strategy: { kind: 'rules' },
  timing: { caps: [{ max: 3, window: '1d' }] },
  defaultVariantId: 'general',
  variants: [
    variant('general', 'Tessera for every team'),
    variant('campaign', 'Welcome, spring visitor'),
    variant('sf', '<h1>Smart factories, explained</h1>', { format: 'html', title: 'For smart-factory readers' }),
    variant('named', '<p>{{salutation}}, welcome back</p>', { format: 'html' }),
  ],
  rules: [
    { id: 'known', variantId: 'named', depth: 'individual', condition: { trait: { key: 'lastName', op: 'exists' } } },
    { id: 'readers', variantId: 'sf', depth: 'segment', condition: { page: { category: 'smart-factory', atLeast: 3 } } },
    { id: 'spring', variantId: 'campaign', depth: 'contextual', context: { field: 'utm.campaign', op: 'equals', value: 'spring' } },
  ],
};

const article = (i: number) => pageView(T0 + i * MINUTE, `https://example.com/smart-factory/article-${i}`);

describe('decide: the issue\'s walk-through', () => {
  const slot = compile(hero);

  test('an anonymous first visit gets contextual content or the default, with why', () => {
    const campaign = run(slot, { context: context({ recognised: 'none', utm: { campaign: 'Spring' } }) });
    assert.equal(campaign.ruleId, 'spring');
    assert.equal(campaign.depth, 'contextual');
    assert.equal(campaign.explanation.text, 'Because of how you came to this site.');
    assert.deepEqual(campaign.explanation.dataKinds, ['visit-source']);
    const plain = run(slot, { context: context({ recognised: 'none' }) });
    assert.equal(plain.ruleId, 'default');
    assert.equal(plain.variant.body, 'Tessera for every team');
    assert.equal(plain.explanation.text, 'Shown to everyone.');
    assert.deepEqual(plain.explanation.dataKinds, []);
    assert.deepEqual(plain.trace.map((t) => [t.source, t.outcome]), [['known', 'too-deep'], ['readers', 'too-deep'], ['spring', 'no-match'], ['default', 'chosen']]);
  });

  test('after three smart-factory articles and consent: the topic variant, explained without a count to a cookie-only visitor', () => {
    const two = profileFor([slot], [article(1), article(2)]);
    assert.equal(run(slot, { profile: two }).ruleId, 'default');
    const three = profileFor([slot], [article(1), article(2), article(3)]);
    const d = run(slot, { profile: three });
    assert.equal(d.ruleId, 'readers');
    assert.equal(d.depth, 'segment');
    assert.deepEqual(d.variant, { id: 'sf', title: 'For smart-factory readers', body: '<h1>Smart factories, explained</h1>', format: 'html' });
    assert.equal(d.explanation.text, 'Because you read articles about smart-factory.');
    assert.deepEqual(d.explanation.dataKindLabels, ['pages you read on this site']);
    assert.equal(d.showWhy, true);
    const de = run(slot, { profile: three, context: context({ locale: 'de-DE' }) });
    assert.equal(de.explanation.text, 'Weil Sie Artikel über „smart-factory“ gelesen haben.');
    assert.deepEqual(de.explanation.dataKindLabels, ['Seiten, die Sie hier gelesen haben']);
  });

  test('without personalization consent (or after "show me general content"): contextual only', () => {
    const reader = profileFor([slot], [article(1), article(2), article(3)], { consent: false });
    const d = run(slot, { profile: reader });
    assert.equal(d.ruleId, 'default');
    assert.equal(d.allowedDepth, 'contextual');
    assert.deepEqual(d.limitedBy, ['consent']);
    const withdrawn = { personalization: { granted: false, at: T0 + DAY, channel: 'banner' as const, messageId: 'w' } };
    assert.equal(run(slot, { profile: profileFor([slot], [article(1), article(2), article(3)]), consent: withdrawn }).ruleId, 'default');
  });

  test('recognised through a signed link: the salutation by name, explained with counts', () => {
    const known = profileFor([slot], [article(1), article(2), article(3)], { traits: { firstName: 'Karoline', lastName: 'Berg', salutation: 'Frau', title: 'Dr.' } });
    assert.equal(run(slot, { profile: known, context: context({ recognised: 'cookie' }) }).ruleId, 'readers', 'a cookie never gets the name');
    const d = run(slot, { profile: known, context: context({ recognised: 'signed', locale: 'de' }) });
    assert.equal(d.ruleId, 'known');
    assert.equal(d.depth, 'individual');
    assert.equal(d.variant.body, '<p>Sehr geehrte Frau Dr. Berg, welcome back</p>');
    assert.deepEqual(d.explanation.dataKinds, ['identity']);
    const noKnown = compile({ ...hero, rules: hero.rules.slice(1) });
    assert.equal(run(noKnown, { profile: known, context: context({ recognised: 'login' }) }).explanation.text, 'Because you read 3 articles about smart-factory.');
  });

  test('a frequency cap stops the fourth impression', () => {
    const reader = profileFor([slot], [article(1), article(2), article(3)]);
    let counters = emptyCounters();
    const shown: string[] = [];
    for (let i = 0; i < 4; i++) {
      const now = T0 + DAY + i * MINUTE;
      const d = run(slot, { profile: reader, counters, now });
      shown.push(d.ruleId);
      counters = recordExposure(counters, { slotId: 'hero', variantId: d.variant.id, tags: d.tags, ruleId: d.ruleId, at: now });
    }
    assert.deepEqual(shown, ['readers', 'readers', 'readers', 'default']);
  });

  test('the same input gives the same decision', () => {
    const reader = profileFor([slot], [article(1), article(2), article(3)]);
    assert.deepEqual(run(slot, { profile: reader }), run(slot, { profile: reader }));
  });

  test('the full trace (preview) says which clauses failed', () => {
    const reader = profileFor([slot], [article(1)]);
    const d = run(slot, { profile: reader, trace: 'full' });
    const readers = d.trace.find((t) => t.source === 'readers')!;
    assert.equal(readers.outcome, 'no-match');
    assert.match(readers.reasons![0]!, /smart-factory.*\(once\)/);
    assert.equal(run(slot, { profile: reader }).trace.find((t) => t.source === 'readers')!.reasons, undefined);
  });

  test('a slot for the web answers an email request with its default', () => {
    const web = compile({ ...hero, channel: 'web' });
    const d = run(web, { channel: 'email', context: context({ utm: { campaign: 'spring' } }) });
    assert.equal(d.ruleId, 'default');
    assert.match(d.trace[0]!.detail!, /for web, the request for email/);
  });

  test('a rule\'s own explanation wins, in the person\'s language, English otherwise', () => {
    const s = compile({ ...hero, rules: [{ ...hero.rules[2]!, explanation: { en: 'Spring offer for you.', de: 'Ihr Frühlingsangebot.' } }] });
    const ctx = { utm: { campaign: 'spring' } };
    assert.equal(run(s, { context: context({ ...ctx, locale: 'de-AT' }) }).explanation.text, 'Ihr Frühlingsangebot.');
    assert.equal(run(s, { context: context({ ...ctx, locale: 'fr' }) }).explanation.text, 'Spring offer for you.');
    assert.equal(run(s, { context: context({ ...ctx, locale: 'fr' }), settings: settings({ defaultLocale: 'de' }) }).explanation.text, 'Ihr Frühlingsangebot.');
  });
});

describe('score-sorted', () => {
  const slot = compile({
    id: 'teaser', name: 'Teaser', channel: 'web', depthCeiling: 'individual', explain: false, rules: [],
    strategy: { kind: 'score-sorted', halfLife: '7d' }, defaultVariantId: 'd',
    variants: [variant('d'), variant('logistics', 'L', { categories: ['Logistics'] }), variant('sf', 'S', { categories: ['smart-factory'] }), variant('both', 'B', { categories: ['logistics', 'smart-factory'] })],
  });
  const view = (at: number, category: string) => pageView(at, `https://example.com/${category}/${at}`);

  test('ranks variants by decayed interest; a variant covering both interests wins', () => {
    const p = profileFor([slot], [view(T0, 'logistics'), view(T0 + 1, 'smart-factory')]);
    const d = run(slot, { profile: p });
    assert.equal(d.ruleId, 'score-sorted');
    assert.equal(d.variant.id, 'both');
    assert.equal(d.depth, 'segment');
    assert.match(d.explanation.text, /^Because you often read about /);
  });

  test('older reading counts less (half-life): recent interest beats more but older interest', () => {
    const s = compile({ ...slot.slot, variants: slot.slot.variants.filter((v) => v.id !== 'both') });
    const events = [view(T0, 'logistics'), view(T0 + 1, 'logistics'), view(T0 + 20 * DAY, 'smart-factory')];
    const p = profileFor([s], events);
    assert.equal(run(s, { profile: p, now: T0 + 20 * DAY }).variant.id, 'sf', '2 × 2^-20/7 ≈ 0.28 < 1');
    assert.equal(run(s, { profile: profileFor([s], events.slice(0, 2).concat(view(T0 + 2, 'smart-factory'))), now: T0 + 20 * DAY }).variant.id, 'logistics');
  });

  test('ties go to the variant listed first; no interest, no profile or no consent → default', () => {
    const s = compile({ ...slot.slot, variants: slot.slot.variants.filter((v) => v.id !== 'both') });
    const tie = profileFor([s], [view(T0, 'smart-factory'), view(T0, 'logistics')]);
    assert.equal(run(s, { profile: tie }).variant.id, 'logistics');
    assert.equal(run(s, { profile: profileFor([s], [view(T0, 'pricing')]) }).ruleId, 'default');
    assert.equal(run(s, { profile: null }).ruleId, 'default');
    assert.equal(run(s, { profile: profileFor([s], [view(T0, 'logistics')], { consent: false }) }).ruleId, 'default');
  });

  test('a capped top variant gives way to the next', () => {
    const s = compile({ ...slot.slot, variants: slot.slot.variants.filter((v) => v.id !== 'both') });
    const p = profileFor([s], [view(T0, 'logistics'), view(T0 + 1, 'logistics'), view(T0 + 2, 'smart-factory')]);
    assert.equal(run(s, { profile: p }).variant.id, 'logistics');
    const capped = compile({ ...s.slot, rules: [], timing: undefined });
    const counters = recordExposure(emptyCounters(), { slotId: 'teaser', variantId: 'logistics', tags: ['x'], at: T0 + DAY - 1 });
    const d = run(capped, { profile: p, counters, settings: settings({ tagCaps: { x: [{ max: 1, window: '1d' }] } }) });
    assert.equal(d.variant.id, 'logistics', 'the tag is not this slot\'s: no cap');
    const slotCapped = compile({ ...s.slot, timing: { caps: [{ max: 1, window: '1d' }] } });
    const all = run(slotCapped, { profile: p, counters });
    assert.equal(all.ruleId, 'default', 'a slot cap stops every pick');
    assert.deepEqual(all.trace.map((t) => t.outcome), ['capped', 'capped', 'chosen']);
  });
});

describe('the strategy registry', () => {
  test('a new strategy plugs in without changing decide, and cannot bypass the guard', () => {
    const pinned: StrategyFactory = {
      kind: 'recommendation',
      validate: () => [],
      create: (config) => ({
        kind: 'recommendation', depth: 'individual', dataKinds: ['activity'],
        choose(input) {
          const candidate = { variantId: String(config.pick), source: 'recommendation', depth: 'individual' as const, tags: ['recs'], segments: [], reason: { kind: 'custom' as const, text: { en: 'Picked for you.' }, dataKinds: ['activity' as const] } };
          const v = input.admit(candidate);
          return v === null ? null : { variantId: v, candidate };
        },
      }),
    };
    const registry = strategyRegistry(rulesStrategy, scoreSortedStrategy, pinned);
    const s = compileSlot({ id: 'recs', name: 'Recs', channel: 'web', depthCeiling: 'individual', explain: true, rules: [], strategy: { kind: 'recommendation', pick: 'b' }, defaultVariantId: 'a', variants: [variant('a'), variant('b')] }, { strategies: registry, identityTraits: IDENTITY });
    const p = profileFor([s], []);
    const login = run(s, { profile: p, context: context({ recognised: 'login' }) });
    assert.equal(login.variant.id, 'b');
    assert.equal(login.explanation.text, 'Picked for you.');
    assert.deepEqual(login.tags, ['recs']);
    const cookie = run(s, { profile: p, context: context({ recognised: 'cookie' }) });
    assert.equal(cookie.variant.id, 'a', 'individual is too deep for a cookie');
    assert.equal(cookie.trace[0]!.outcome, 'too-deep');
    assert.throws(() => strategyRegistry(rulesStrategy, rulesStrategy), /two strategies of kind "rules"/);
  });
});

describe('decide: slot experiments and the global holdout', () => {
  const slot = compile(hero);
  const known = () => profileFor([slot], [], { traits: { lastName: 'Weber', firstName: 'Karoline' }, consent: true });

  test('the experiment arm is shown whatever the rules say, carried in the reason with the hashed id; a missing variant falls back to the rules', () => {
    const d = run(slot, { profile: known(), context: context({ recognised: 'login' }), experimentArm: { experiment: 'hero-copy', variation: 'campaign', unit: 'aid-1' } });
    assert.equal(d.variant.id, 'campaign');
    assert.equal(d.ruleId, 'experiment');
    assert.deepEqual(d.experiment, { key: 'hero-copy', variation: 'campaign' });
    assert.deepEqual(d.reason, { kind: 'experiment', experiment: 'hero-copy', variation: 'campaign', unit: 'aid-1' });
    assert.equal(d.explanation.text, 'Shown to a random share of visitors, to compare versions of this content.');
    assert.equal(d.trace.at(-1)!.source, 'experiment:hero-copy');
    const gone = run(slot, { profile: known(), context: context({ recognised: 'login' }), experimentArm: { experiment: 'hero-copy', variation: 'deleted', unit: 'aid-1' } });
    assert.equal(gone.ruleId, 'known', 'the rules decide when the arm has no variant');
    assert.equal(gone.experiment, undefined);
    assert.equal(gone.trace[0]!.outcome, 'variant-missing');
  });

  test('a person in the holdout gets the default at depth none, nothing of the person rendered, even with an arm', () => {
    const named: SlotDefinition = { ...hero, defaultVariantId: 'named' };
    const d = run(compile(named), { profile: known(), context: context({ recognised: 'login' }), holdout: true, experimentArm: { experiment: 'hero-copy', variation: 'campaign', unit: 'aid-1' } });
    assert.equal(d.variant.id, 'named');
    assert.ok(!d.variant.body.includes('Weber') && !d.variant.body.includes('Karoline'), d.variant.body);
    assert.equal(d.depth, 'none');
    assert.equal(d.ruleId, 'default');
    assert.equal(d.holdout, true);
    assert.equal(d.experiment, undefined);
    assert.equal(d.explanation.text, 'Shown to everyone.');
    assert.deepEqual(d.trace.map((e) => e.outcome), ['holdout', 'chosen']);
  });
});
