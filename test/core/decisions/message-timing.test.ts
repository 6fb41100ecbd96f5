import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_DECISION_SETTINGS, type DecisionSettings } from '../../../src/core/decisions/decision-settings.js';
import { emptyCounters, recordExposure } from '../../../src/core/decisions/exposure-counters.js';
import { checkMessageTiming, endOfQuietHours, recordMessage } from '../../../src/core/decisions/message-timing.js';
import { compileQuietHours } from '../../../src/core/decisions/timing.js';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const settings = (s: Partial<DecisionSettings> = {}): DecisionSettings => ({ ...DEFAULT_DECISION_SETTINGS, quietHours: null, ...s });

describe('message timing: quiet hours', () => {
  const quiet = settings({ quietHours: { from: '21:00', to: '08:00' }, timezone: 'Europe/Berlin' });

  test('wraps midnight: before and after midnight wait until 08:00 local; daytime sends', () => {
    // 2024-01-10 Berlin is UTC+1: 22:30 local = 21:30Z; 08:00 local next day = 07:00Z.
    const late = checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: undefined, now: at('2024-01-10T21:30:00Z') });
    assert.deepEqual(late, { action: 'wait', until: at('2024-01-11T07:00:00Z'), reason: 'quiet hours 21:00–08:00 in Europe/Berlin' });
    const early = checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: undefined, now: at('2024-01-11T05:15:30Z') });
    assert.equal(early.action === 'wait' && early.until, at('2024-01-11T07:00:00Z'));
    assert.deepEqual(checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: undefined, now: at('2024-01-11T07:00:00Z') }), { action: 'send' });
    assert.deepEqual(checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: undefined, now: at('2024-01-10T19:59:59Z') }), { action: 'send' });
    assert.equal(checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: undefined, now: at('2024-01-10T20:00:00Z') }).action, 'wait');
  });

  test('the person\'s zone wins over the workspace\'s; an unknown zone falls back', () => {
    // 21:30Z is 16:30 in New York: not quiet there.
    assert.deepEqual(checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: 'America/New_York', now: at('2024-01-10T21:30:00Z') }), { action: 'send' });
    const ny = checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: 'America/New_York', now: at('2024-01-11T03:00:00Z') });
    assert.equal(ny.action === 'wait' && ny.until, at('2024-01-11T13:00:00Z'));
    const bogus = checkMessageTiming({ tags: [], counters: null, settings: quiet, timezone: 'Mars/Olympus', now: at('2024-01-10T21:30:00Z') });
    assert.equal(bogus.action === 'wait' && bogus.reason, 'quiet hours 21:00–08:00 in Europe/Berlin');
  });

  test('non-wrapping hours and a daylight-saving night', () => {
    const lunch = compileQuietHours({ from: '12:00', to: '13:00' });
    assert.equal(endOfQuietHours(at('2024-01-10T12:20:00Z'), 'UTC', lunch), at('2024-01-10T13:00:00Z'));
    assert.equal(endOfQuietHours(at('2024-01-10T14:00:00Z'), 'UTC', lunch), at('2024-01-10T14:00:00Z'));
    // Berlin springs forward on 2024-03-31 (02:00 → 03:00): 08:00 local is 06:00Z, not 07:00Z.
    assert.equal(endOfQuietHours(at('2024-03-30T22:00:00Z'), 'Europe/Berlin', compileQuietHours({ from: '21:00', to: '08:00' })), at('2024-03-31T06:00:00Z'));
  });
});

describe('message timing: caps', () => {
  const capped = settings({ globalCaps: [{ max: 3, window: '1d' }], tagCaps: { newsletter: [{ max: 1, window: '7d' }] } });
  const now = at('2024-01-10T12:00:00Z');

  test('three messages a day: the fourth is suppressed, with the reason; the window rolls', () => {
    let c = recordMessage(null, [], now - 3 * HOUR);
    c = recordMessage(c, [], now - 2 * HOUR);
    assert.deepEqual(checkMessageTiming({ tags: [], counters: c, settings: capped, timezone: undefined, now }), { action: 'send' });
    c = recordMessage(c, [], now - HOUR);
    assert.deepEqual(checkMessageTiming({ tags: [], counters: c, settings: capped, timezone: undefined, now }), { action: 'suppress', reason: 'frequency cap: all slots and messages: 3 of 3 in 1d' });
    assert.equal(checkMessageTiming({ tags: [], counters: c, settings: capped, timezone: undefined, now: now - 3 * HOUR + 24 * HOUR }).action, 'send');
  });

  test('slot exposures and messages share the global cap; tag caps apply to the message\'s tags only', () => {
    let c = emptyCounters();
    for (const h of [3, 2]) c = recordExposure(c, { slotId: 'hero', variantId: 'promo', tags: [], ruleId: 'r', at: now - h * HOUR });
    c = recordMessage(c, ['Newsletter'], now - HOUR);
    const verdict = checkMessageTiming({ tags: [], counters: c, settings: capped, timezone: undefined, now });
    assert.equal(verdict.action, 'suppress');
    const loose = settings({ tagCaps: { newsletter: [{ max: 1, window: '7d' }] } });
    assert.deepEqual(checkMessageTiming({ tags: ['newsletter'], counters: c, settings: loose, timezone: undefined, now }), { action: 'suppress', reason: 'frequency cap: tag newsletter: 1 of 1 in 7d' });
    assert.deepEqual(checkMessageTiming({ tags: ['offers'], counters: c, settings: loose, timezone: undefined, now }), { action: 'send' });
  });

  test('quiet hours come first: a capped message in quiet hours waits (and is checked again then)', () => {
    const both = { ...capped, quietHours: { from: '00:00', to: '23:59' } };
    let c = emptyCounters();
    for (const h of [3, 2, 1]) c = recordMessage(c, [], now - h * HOUR);
    assert.equal(checkMessageTiming({ tags: [], counters: c, settings: both, timezone: 'UTC', now }).action, 'wait');
  });

  test('recordMessage does not change its input and keys a __proto__ tag as its own', () => {
    const c = emptyCounters();
    const after = recordMessage(c, ['__proto__'], now);
    assert.deepEqual(c.exposures, {});
    assert.deepEqual(Object.keys(after.exposures).sort(), ['*', 't:__proto__']);
  });
});
