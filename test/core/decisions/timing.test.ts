import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCounters, recordDismiss, recordEvent, recordExposure, type ExposureCounters } from '../../../src/core/decisions/exposure-counters.js';
import { localTimeOf } from '../../../src/core/decisions/timing.js';
import type { SlotDefinition } from '../../../src/core/decisions/slot.js';
import { compile, DAY, HOUR, profileFor, run, settings, slotDef } from './decision-fixtures.js';
import { MINUTE, T0 } from '../fixtures.js';

const seen = (times: number[], slotId = 'hero', variantId = 'promo', tags: string[] = [], c: ExposureCounters = emptyCounters()) =>
  times.reduce((acc, at) => recordExposure(acc, { slotId, variantId, tags, at }), c);

const promoSlot = (extra: Partial<SlotDefinition> = {}) => compile(slotDef([{ id: 'promo-rule', variantId: 'promo', depth: 'none' }], extra));

describe('frequency caps', () => {
  const slot = promoSlot({ timing: { caps: [{ max: 3, window: '1d' }, { max: 10, window: '7d' }] } });

  test('3 per day: the fourth impression in a day gets the default; the window is rolling', () => {
    const three = seen([T0, T0 + HOUR, T0 + 2 * HOUR]);
    assert.equal(run(slot, { counters: seen([T0, T0 + HOUR]), now: T0 + 3 * HOUR }).ruleId, 'promo-rule');
    const capped = run(slot, { counters: three, now: T0 + 3 * HOUR });
    assert.equal(capped.ruleId, 'default');
    assert.equal(capped.trace[0]!.outcome, 'capped');
    assert.match(capped.trace[0]!.detail!, /slot hero: 3 of 3 in 1d/);
    // Boundary: the first exposure leaves the window exactly one day after it.
    assert.equal(run(slot, { counters: three, now: T0 + DAY - 1 }).ruleId, 'default');
    assert.equal(run(slot, { counters: three, now: T0 + DAY }).ruleId, 'promo-rule');
  });

  test('AND 10 per week: under the daily cap but at the weekly one, capped', () => {
    const times = Array.from({ length: 10 }, (_, i) => T0 + Math.floor(i / 2) * DAY); // 2 a day for 5 days
    const c = seen(times);
    const d = run(slot, { counters: c, now: T0 + 5 * DAY });
    assert.equal(d.ruleId, 'default');
    assert.match(d.trace[0]!.detail!, /10 of 10 in 7d/);
    assert.equal(run(slot, { counters: c, now: T0 + 7 * DAY }).ruleId, 'promo-rule', 'the first two left the week');
  });

  test('exposures in the future (clock skew) do not count', () => {
    assert.equal(run(slot, { counters: seen([T0 + 5 * DAY, T0 + 5 * DAY, T0 + 5 * DAY]), now: T0 + DAY }).ruleId, 'promo-rule');
  });

  test('a capped rule falls through to the next rule', () => {
    const s = compile(slotDef([
      { id: 'first', variantId: 'a', depth: 'none', caps: [{ max: 1, window: '1d' }] },
      { id: 'second', variantId: 'b', depth: 'none' },
    ]));
    const d = run(s, { counters: seen([T0], 'hero', 'a'), now: T0 + HOUR });
    assert.equal(d.ruleId, 'second');
    assert.match(d.trace[0]!.detail!, /variant hero\/a: 1 of 1/);
    assert.equal(run(s, { counters: seen([T0], 'hero', 'b'), now: T0 + HOUR }).ruleId, 'first', 'another variant\'s exposures do not count');
  });

  test('campaign tag caps and global caps from the workspace settings', () => {
    const s = compile(slotDef([{ id: 'r', variantId: 'promo', depth: 'none', tags: ['Spring'] }], { id: 'side' }));
    const taggedElsewhere = seen([T0, T0 + 1], 'hero', 'x', ['spring']);
    const ws = settings({ tagCaps: { spring: [{ max: 2, window: '1d' }] } });
    const d = run(s, { counters: taggedElsewhere, settings: ws, now: T0 + HOUR });
    assert.equal(d.ruleId, 'default');
    assert.match(d.trace[0]!.detail!, /tag spring: 2 of 2/);
    assert.equal(run(s, { counters: taggedElsewhere, now: T0 + HOUR }).ruleId, 'r', 'no tag caps configured');
    const global = settings({ globalCaps: [{ max: 2, window: '1h' }] });
    assert.equal(run(s, { counters: taggedElsewhere, settings: global, now: T0 + 30 * MINUTE }).ruleId, 'default');
    assert.equal(run(s, { counters: taggedElsewhere, settings: global, now: T0 + HOUR + 1 }).ruleId, 'r');
  });

  test('exposures of the default do not use up caps', () => {
    const c = [T0, T0, T0, T0].reduce((acc, at) => recordExposure(acc, { slotId: 'hero', variantId: 'default', tags: [], ruleId: 'default', at }), emptyCounters());
    const { lastViews, ...counts } = c;
    assert.deepEqual(counts, emptyCounters(), 'no cap counts');
    assert.deepEqual(lastViews, { hero: { at: T0, variantId: 'default', ruleId: 'default', depth: 'unknown' } }, 'only the latest view, for the slot report');
    assert.equal(run(slot, { counters: c, now: T0 + HOUR }).ruleId, 'promo-rule');
  });
});

describe('not within, cool-down', () => {
  const slot = promoSlot({ timing: { notWithin: [{ event: 'Form Submitted', window: '10m' }], dismissCooldown: '7d' } });

  test('no prompt within 10 minutes of a form submission (names compare case-insensitively)', () => {
    const c = recordEvent(emptyCounters(), 'form submitted', T0);
    const d = run(slot, { counters: c, now: T0 + 10 * MINUTE - 1 });
    assert.equal(d.ruleId, 'default');
    assert.equal(d.trace[0]!.outcome, 'not-within');
    assert.equal(run(slot, { counters: c, now: T0 + 10 * MINUTE }).ruleId, 'promo-rule');
    assert.ok(slot.watchedEvents.has('form submitted'), 'the counters must remember it');
  });

  test('cool-down after Slot Dismissed, for that slot only', () => {
    const c = recordDismiss(emptyCounters(), 'hero', T0);
    assert.equal(run(slot, { counters: c, now: T0 + 7 * DAY - 1 }).trace[0]!.outcome, 'cool-down');
    assert.equal(run(slot, { counters: c, now: T0 + 7 * DAY }).ruleId, 'promo-rule');
    assert.equal(run(slot, { counters: recordDismiss(emptyCounters(), 'other', T0), now: T0 + 1 }).ruleId, 'promo-rule');
  });
});

describe('quiet hours for messages, in the person\'s time zone', () => {
  const slot = promoSlot();
  const berlin = settings({ quietHours: { from: '21:00', to: '08:00' }, timezone: 'Europe/Berlin' });
  const at = (iso: string) => Date.parse(iso);
  const email = (now: number, timezone?: string, ws = berlin) => run(slot, { now, channel: 'email', settings: ws, context: { recognised: 'cookie', locale: 'de', ...(timezone ? { timezone } : {}) } });

  test('winter (CET, UTC+1) and summer (CEST, UTC+2) around the spring DST change', () => {
    assert.equal(email(at('2024-03-30T06:30:00Z')).trace[0]!.outcome, 'quiet-hours', '07:30 CET');
    assert.equal(email(at('2024-03-30T07:00:00Z')).ruleId, 'promo-rule', '08:00 CET');
    assert.equal(email(at('2024-03-31T05:59:00Z')).trace[0]!.outcome, 'quiet-hours', '07:59 CEST');
    assert.equal(email(at('2024-03-31T06:00:00Z')).ruleId, 'promo-rule', '08:00 CEST, the same UTC hour was quiet the day before');
    assert.equal(email(at('2024-03-31T18:59:00Z')).ruleId, 'promo-rule', '20:59 CEST');
    assert.equal(email(at('2024-03-31T19:00:00Z')).trace[0]!.outcome, 'quiet-hours', '21:00 CEST');
    assert.equal(email(at('2024-03-31T00:30:00Z')).trace[0]!.outcome, 'quiet-hours', '01:30 CET, just before the change');
  });

  test('around the autumn DST change', () => {
    assert.equal(email(at('2024-10-26T06:30:00Z')).ruleId, 'promo-rule', '08:30 CEST');
    assert.equal(email(at('2024-10-27T06:30:00Z')).trace[0]!.outcome, 'quiet-hours', '07:30 CET');
    assert.equal(email(at('2024-10-27T07:00:00Z')).ruleId, 'promo-rule', '08:00 CET');
  });

  test('the person\'s zone wins over the workspace\'s; an unknown zone falls back to it', () => {
    const noon = at('2024-06-01T10:00:00Z'); // 12:00 in Berlin, 06:00 in New York
    assert.equal(email(noon).ruleId, 'promo-rule');
    assert.equal(email(noon, 'America/New_York').trace[0]!.outcome, 'quiet-hours');
    assert.equal(email(noon, 'Not/AZone').ruleId, 'promo-rule');
    assert.match(email(noon, 'America/New_York').trace[0]!.detail!, /21:00–08:00 in America\/New_York/);
  });

  test('web decisions are not held by quiet hours; a slot may opt out; none configured, none applied', () => {
    assert.equal(run(slot, { now: at('2024-03-30T23:00:00Z'), settings: berlin }).ruleId, 'promo-rule');
    const optOut = promoSlot({ timing: { quietHours: null } });
    assert.equal(run(optOut, { now: at('2024-03-30T23:00:00Z'), channel: 'email', settings: berlin }).ruleId, 'promo-rule');
    assert.equal(email(at('2024-03-30T23:00:00Z'), undefined, settings({ quietHours: null })).ruleId, 'promo-rule');
    const own = promoSlot({ timing: { quietHours: { from: '12:00', to: '13:00' } } });
    assert.equal(run(own, { now: at('2024-06-01T10:30:00Z'), channel: 'email', settings: berlin }).trace[0]!.outcome, 'quiet-hours');
  });

  test('localTimeOf gives hour, minute of day and weekday in a zone', () => {
    assert.deepEqual(localTimeOf(at('2024-03-31T01:30:00Z'), 'Europe/Berlin'), { hour: 3, minutes: 210, weekday: 0 });
    assert.deepEqual(localTimeOf(at('2024-03-31T00:30:00Z'), 'Europe/Berlin'), { hour: 1, minutes: 90, weekday: 0 });
  });
});

describe('sequences', () => {
  const slot = compile(slotDef([{ id: 'nurture', sequence: { steps: ['s1', 's2', 's3'], conversion: 'Demo Requested', within: '3d' }, depth: 'none' }]));
  const step = (c: ExposureCounters, now: number) => run(slot, { counters: c, now }).variant.id;

  test('step 1 first; step 2 only after step 1 was seen and 3 days passed without conversion', () => {
    assert.equal(step(emptyCounters(), T0), 's1');
    const one = seen([T0], 'hero', 's1');
    assert.equal(step(one, T0 + 3 * DAY - 1), 's1', 'still waiting: step 1 stays');
    assert.equal(step(one, T0 + 3 * DAY), 's2');
    const two = seen([T0 + 3 * DAY], 'hero', 's2', [], one);
    assert.equal(step(two, T0 + 6 * DAY), 's3');
    const three = seen([T0 + 6 * DAY], 'hero', 's3', [], two);
    assert.equal(step(three, T0 + 30 * DAY), 's3', 'after the last step, it stays');
  });

  test('a conversion after the sequence started ends it: the rule no longer applies', () => {
    const one = recordEvent(seen([T0], 'hero', 's1'), 'Demo Requested', T0 + DAY);
    const d = run(slot, { counters: one, now: T0 + 4 * DAY });
    assert.equal(d.ruleId, 'default');
    assert.equal(d.trace[0]!.outcome, 'converted');
    const before = recordEvent(seen([T0], 'hero', 's1'), 'Demo Requested', T0 - DAY);
    assert.equal(step(before, T0 + 4 * DAY), 's2', 'a conversion before the sequence does not end it');
    assert.ok(slot.watchedEvents.has('demo requested'));
  });

  test('steps seen out of order do not skip ahead', () => {
    assert.equal(step(seen([T0], 'hero', 's2'), T0 + 10 * DAY), 's1');
  });
});

describe('exposure counters', () => {
  test('bounded per key, oldest dropped; out-of-order exposures land in place', () => {
    const many = seen(Array.from({ length: 150 }, (_, i) => T0 + i * MINUTE));
    assert.equal(many.exposures['s:hero']!.length, 100);
    assert.equal(many.exposures['s:hero']![0], T0 + 50 * MINUTE);
    const late = seen([T0 + 2, T0 + 1]);
    assert.deepEqual(late.exposures['s:hero'], [T0 + 1, T0 + 2]);
    assert.equal(late.firstSeen['v:hero/promo'], T0 + 1);
  });

  test('times older than 90 days before the newest are dropped', () => {
    const c = seen([T0, T0 + 91 * DAY]);
    assert.deepEqual(c.exposures['*'], [T0 + 91 * DAY]);
    assert.equal(c.firstSeen['v:hero/promo'], T0, 'first exposure is kept for sequences');
  });

  test('recording does not change the input; keys from clients stay own entries', () => {
    const a = emptyCounters();
    const b = recordExposure(a, { slotId: '__proto__', variantId: 'x', tags: ['__proto__'], at: T0 });
    assert.deepEqual(a, emptyCounters());
    assert.ok(Object.hasOwn(b.exposures, 's:__proto__'));
    const e = recordEvent(a, '__proto__', T0);
    assert.ok(Object.hasOwn(e.lastEvents, '__proto__'));
    assert.equal(Object.getPrototypeOf(e.lastEvents), Object.prototype);
  });

  test('profile-less decisions and null counters are fine', () => {
    const slot = promoSlot({ timing: { caps: [{ max: 1, window: '1d' }] } });
    assert.equal(run(slot, { counters: null, profile: profileFor([slot], []) }).ruleId, 'promo-rule');
  });
});
