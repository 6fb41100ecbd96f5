/**
 * validateEvent: what a client may send (https://segment.com/docs/connections/spec/), how issues
 * name the offending field so a developer can fix the call, and how an accepted event is
 * normalised (ids, Segment's clock-skew correction, batch defaults, a generated messageId).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventType } from '../../../src/core/events/event.js';
import { FUTURE_TOLERANCE_MS } from '../../../src/core/events/event-time.js';
import { EVENT_LIMITS } from '../../../src/core/events/limits.js';
import { jsonExtent, validateEvent, type ValidateOptions, type ValidationResult } from '../../../src/core/events/validate-event.js';
import { createIdentityGuard } from '../../../src/core/identity/identity-key.js';

const RECEIVED = Date.UTC(2024, 4, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function options(overrides: Partial<ValidateOptions> = {}): ValidateOptions {
  let n = 0;
  return { workspaceId: 'ws-1', receivedAt: RECEIVED, guard: createIdentityGuard(), newMessageId: () => `generated-${++n}`, ...overrides };
}

function accepted(result: ValidationResult) {
  if (!result.ok) assert.fail(`expected the event to be accepted: ${JSON.stringify(result.issues)}`);
  return result.event;
}

function issues(result: ValidationResult) {
  if (result.ok) assert.fail('expected the event to be refused');
  return result.issues;
}

/** The one issue of a refused event, as `field: reason`. */
function issueOf(result: ValidationResult): string {
  const list = issues(result);
  assert.equal(list.length, 1, JSON.stringify(list));
  return `${list[0]!.field}: ${list[0]!.reason}`;
}

const minimal: Record<EventType, Record<string, unknown>> = {
  track: { type: 'track', anonymousId: 'anon-1', event: 'Signed Up' },
  identify: { type: 'identify', userId: 'user-1' },
  page: { type: 'page', anonymousId: 'anon-1' },
  screen: { type: 'screen', anonymousId: 'anon-1' },
  group: { type: 'group', userId: 'user-1', groupId: 'acme' },
  alias: { type: 'alias', userId: 'user-1', previousId: 'anon-1' },
};

describe('the required fields of each type', () => {
  for (const [type, event] of Object.entries(minimal)) {
    it(`accepts a minimal ${type}`, () => {
      assert.equal(accepted(validateEvent(event, options())).type, type);
    });
  }

  const required: Array<[EventType, string]> = [['track', 'event'], ['group', 'groupId'], ['alias', 'previousId'], ['alias', 'userId']];
  for (const [type, field] of required) {
    it(`refuses a ${type} without ${field}, naming it`, () => {
      const { [field]: _dropped, ...rest } = minimal[type];
      assert.ok(issues(validateEvent(rest, options())).some((i) => i.field === field && i.reason === 'is required'));
    });
  }

  it('reports every missing field of an alias at once', () => {
    assert.deepEqual(issues(validateEvent({ type: 'alias' }, options())).map((i) => i.field).sort(), ['previousId', 'userId']);
  });

  it('refuses an empty track event name and an empty or blank groupId', () => {
    assert.match(issueOf(validateEvent({ ...minimal.track, event: '' }, options())), /^event: /);
    assert.equal(issueOf(validateEvent({ ...minimal.group, groupId: '   ' }, options())), 'groupId: must not be empty');
  });

  it('refuses an unknown or missing type, and lets the endpoint imply it', () => {
    assert.match(issueOf(validateEvent({ type: 'click', anonymousId: 'a' }, options())), /^type: must be one of track, identify, page, screen, group, alias$/);
    assert.match(issueOf(validateEvent({ anonymousId: 'a' }, options())), /^type: /);
    const implied = accepted(validateEvent({ anonymousId: 'a', event: 'X', type: 'identify' }, options({ impliedType: 'track' })));
    assert.deepEqual([implied.type, implied.name], ['track', 'X'], 'the endpoint wins over the body');
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, [], 'track', 42]) assert.equal(issueOf(validateEvent(body, options())), 'body: must be a JSON object');
  });
});

describe('wrong types name the field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['event', { ...minimal.track, event: 42 }, 'event: must be string'],
    ['properties', { ...minimal.track, properties: ['a'] }, 'properties: must be object'],
    ['traits', { ...minimal.identify, traits: 'pro' }, 'traits: must be object'],
    ['context', { ...minimal.track, context: null }, 'context: must be object'],
    ['integrations', { ...minimal.track, integrations: true }, 'integrations: must be object'],
    ['userId', { ...minimal.track, userId: true }, 'userId: must be string, number or null'],
    ['anonymousId', { type: 'page', anonymousId: { id: 1 } }, 'anonymousId: must be string, number or null'],
    ['previousId', { ...minimal.alias, previousId: null }, 'previousId: must be string or number'],
    ['groupId', { ...minimal.group, groupId: ['acme'] }, 'groupId: must be string or number'],
    ['messageId', { ...minimal.track, messageId: 7 }, 'messageId: must be string'],
    ['timestamp', { ...minimal.track, timestamp: 1714557600000 }, 'timestamp: must be string'],
    ['page name', { ...minimal.page, name: 5 }, 'name: must be string or null'],
    ['screen category', { ...minimal.screen, category: {} }, 'category: must be string or null'],
  ];
  for (const [what, body, expected] of cases) {
    it(what, () => assert.equal(issueOf(validateEvent(body, options())), expected));
  }

  it('refuses ids longer than the limit', () => {
    assert.match(issueOf(validateEvent({ ...minimal.track, userId: 'u'.repeat(EVENT_LIMITS.maxIdLength + 1) }, options())), /^userId: /);
  });
});

describe('identifiers', () => {
  it('requires userId or anonymousId', () => {
    assert.equal(issueOf(validateEvent({ type: 'track', event: 'X' }, options())), 'anonymousId: either userId or anonymousId is required');
    assert.equal(issueOf(validateEvent({ type: 'track', event: 'X', userId: null, anonymousId: null }, options())), 'anonymousId: either userId or anonymousId is required');
  });

  it('refuses an event whose only id is unusable, quoting it', () => {
    assert.equal(issueOf(validateEvent({ type: 'track', event: 'X', userId: 'undefined' }, options())), 'userId: "undefined" is not a usable identifier and no other id was given');
    assert.equal(issueOf(validateEvent({ type: 'track', event: 'X', anonymousId: ' NULL ' }, options())), 'anonymousId: " NULL " is not a usable identifier and no other id was given');
    assert.match(issueOf(validateEvent({ type: 'track', event: 'X', userId: 'null', anonymousId: '0' }, options())), /^userId: "null"/);
  });

  it('keeps the event when one id is unusable and the other is fine, dropping the junk', () => {
    const e = accepted(validateEvent({ type: 'track', event: 'X', userId: '[object Object]', anonymousId: 'anon-1' }, options()));
    assert.deepEqual([e.userId, e.anonymousId], [null, 'anon-1']);
  });

  it('accepts `userId: null`, as analytics libraries send it for an anonymous visitor', () => {
    const e = accepted(validateEvent({ ...minimal.page, userId: null }, options()));
    assert.deepEqual([e.userId, e.anonymousId], [null, 'anon-1']);
  });

  it('trims ids and turns numbers into strings', () => {
    const e = accepted(validateEvent({ type: 'group', userId: 42, anonymousId: '  anon-1 ', groupId: 7 }, options()));
    assert.deepEqual([e.userId, e.anonymousId, e.groupId], ['42', 'anon-1', '7']);
  });

  it('refuses a number id that JSON cannot carry exactly', () => {
    assert.match(issueOf(validateEvent({ type: 'track', event: 'X', userId: 2 ** 60 }, options())), /^userId: .*not a usable identifier/);
  });

  it('alias needs a usable userId and a usable previousId', () => {
    assert.equal(issueOf(validateEvent({ type: 'alias', userId: 'user-1', previousId: 'undefined' }, options())), 'previousId: "undefined" is not a usable identifier');
    assert.equal(issueOf(validateEvent({ type: 'alias', userId: ' ', previousId: 'anon-1' }, options())), 'userId: " " is not a usable identifier');
    assert.equal(issueOf(validateEvent({ type: 'alias', userId: null, previousId: 'anon-1' }, options())), 'userId: null is not a usable identifier');
    const e = accepted(validateEvent({ type: 'alias', userId: ' user-1', previousId: 99 }, options()));
    assert.deepEqual([e.userId, e.previousId], ['user-1', '99']);
  });

  it('keeps previousId only on alias events', () => {
    assert.equal(accepted(validateEvent({ ...minimal.track, previousId: 'x' }, options())).previousId, null);
  });
});

describe('time', () => {
  const t = Date.UTC(2024, 4, 1, 11, 0, 0);

  it('corrects client clock skew: timestamp = receivedAt − (sentAt − originalTimestamp)', () => {
    // The client's clock is 10 minutes fast; the event happened 30 s before it was sent.
    const clientEvent = t + 10 * 60_000;
    const clientSent = clientEvent + 30_000;
    const e = accepted(validateEvent({ ...minimal.track, timestamp: iso(clientEvent), sentAt: iso(clientSent) }, options()));
    assert.equal(e.timestamp, RECEIVED - 30_000);
    assert.deepEqual([e.originalTimestamp, e.sentAt, e.receivedAt], [clientEvent, clientSent, RECEIVED]);
  });

  it('keeps the client timestamp without sentAt (a server-side backfill), and uses receivedAt without either', () => {
    assert.equal(accepted(validateEvent({ ...minimal.track, timestamp: iso(t) }, options())).timestamp, t);
    const bare = accepted(validateEvent(minimal.track, options()));
    assert.deepEqual([bare.timestamp, bare.originalTimestamp, bare.sentAt], [RECEIVED, null, null]);
    const onlySent = accepted(validateEvent({ ...minimal.track, sentAt: iso(t) }, options()));
    assert.deepEqual([onlySent.timestamp, onlySent.sentAt], [RECEIVED, t]);
  });

  it('reads originalTimestamp when timestamp is absent', () => {
    const e = accepted(validateEvent({ ...minimal.track, originalTimestamp: iso(t), sentAt: iso(t + 5_000) }, options()));
    assert.equal(e.timestamp, RECEIVED - 5_000);
  });

  it('names the invalid time field the client sent', () => {
    assert.equal(issueOf(validateEvent({ ...minimal.track, timestamp: 'yesterday' }, options())), 'timestamp: must be an ISO-8601 date-time');
    assert.equal(issueOf(validateEvent({ ...minimal.track, originalTimestamp: '2024-02-30T10:00:00Z' }, options())), 'originalTimestamp: must be an ISO-8601 date-time');
    assert.equal(issueOf(validateEvent({ ...minimal.track, sentAt: 'hello 5' }, options())), 'sentAt: must be an ISO-8601 date-time');
  });
});

describe('the accepted range of times and the future tolerance', () => {
  const fields = (result: ValidationResult) => issues(result).map((i) => `${i.field}: ${i.reason}`);

  it('refuses syntactically valid but absurd dates, naming the field', () => {
    for (const [field, value] of [['timestamp', '0000-01-01T00:00:00Z'], ['timestamp', '9999-12-31T23:59:59Z'], ['originalTimestamp', '1969-12-31T23:59:59.999Z'], ['sentAt', '9999-01-01T00:00:00Z'], ['timestamp', '2100-01-01T00:00:00Z']] as const) {
      assert.equal(issueOf(validateEvent({ ...minimal.track, [field]: value }, options())), `${field}: must be between 1970-01-01 and 2099-12-31`, `${field} ${value}`);
    }
    assert.equal(issueOf(validateEvent({ ...minimal.track, timestamp: iso(RECEIVED) }, options({ fieldPrefix: 'batch[0].', defaults: { sentAt: '9999-01-01T00:00:00Z' } }))), 'sentAt: must be between 1970-01-01 and 2099-12-31');
  });

  it('accepts the edges of the range: 1970-01-01 and the last millisecond of 2099 (clamped, being in the future)', () => {
    assert.equal(accepted(validateEvent({ ...minimal.track, timestamp: '1970-01-01T00:00:00Z' }, options())).timestamp, 0);
    const late = accepted(validateEvent({ ...minimal.track, timestamp: '2099-12-31T23:59:59.999Z' }, options()));
    assert.deepEqual([late.timestamp, late.originalTimestamp], [RECEIVED, Date.UTC(2100, 0, 1) - 1]);
  });

  it('a sentAt in 9999 no longer yields a timestamp thousands of years before the epoch', () => {
    const result = validateEvent({ ...minimal.track, timestamp: iso(RECEIVED), sentAt: '9999-12-07T00:00:00Z' }, options());
    assert.equal(issueOf(result), 'sentAt: must be between 1970-01-01 and 2099-12-31');
  });

  it('refuses a sentAt so far after the timestamp that the correction would land before 1970', () => {
    const result = validateEvent({ ...minimal.track, timestamp: '1975-01-01T00:00:00Z', sentAt: '2090-01-01T00:00:00Z' }, options({ fieldPrefix: 'batch[1].' }));
    assert.match(issueOf(result), /^batch\[1\]\.sentAt: .*before 1970/);
  });

  it('clamps a timestamp beyond the tolerance after the receive time to the receive time, keeping the original', () => {
    const future = RECEIVED + FUTURE_TOLERANCE_MS + 1;
    const e = accepted(validateEvent({ ...minimal.track, timestamp: iso(future) }, options()));
    assert.deepEqual([e.timestamp, e.originalTimestamp], [RECEIVED, future]);
    const within = RECEIVED + FUTURE_TOLERANCE_MS;
    assert.equal(accepted(validateEvent({ ...minimal.track, timestamp: iso(within) }, options())).timestamp, within, 'a few minutes of drift pass unchanged');
    // A sentAt before the timestamp would move the event into the future: clamped too.
    const skewed = accepted(validateEvent({ ...minimal.track, timestamp: iso(RECEIVED), sentAt: iso(RECEIVED - 86_400_000) }, options()));
    assert.equal(skewed.timestamp, RECEIVED);
  });

  it('an import (no skew correction) keeps its own timestamp, clamped to its receive time all the same', () => {
    const t = Date.UTC(2019, 0, 1);
    const e = accepted(validateEvent({ ...minimal.track, timestamp: iso(t), sentAt: iso(t + 3_600_000) }, options({ correctSkew: false })));
    assert.equal(e.timestamp, t);
    const ahead = accepted(validateEvent({ ...minimal.track, timestamp: '2090-01-01T00:00:00Z' }, options({ correctSkew: false })));
    assert.equal(ahead.timestamp, RECEIVED);
  });

  it('reports a bad time together with the other problems of the event', () => {
    assert.deepEqual(fields(validateEvent({ type: 'track', timestamp: '0000-01-01T00:00:00Z' }, options())), [
      'event: is required', 'timestamp: must be between 1970-01-01 and 2099-12-31', 'anonymousId: either userId or anonymousId is required',
    ]);
  });
});

describe('every problem of an item is reported', () => {
  const fields = (result: ValidationResult) => issues(result).map((i) => i.field);

  it('both ids and the event name missing: two issues', () => {
    assert.deepEqual(fields(validateEvent({ type: 'track' }, options({ fieldPrefix: 'batch[3].' }))), ['batch[3].event', 'batch[3].anonymousId']);
  });

  it('an unknown type does not hide the problems of the common fields', () => {
    assert.deepEqual(fields(validateEvent({ type: 'purchase', timestamp: 'soon', messageId: 5 }, options({ fieldPrefix: 'batch[0].' }))),
      ['batch[0].type', 'batch[0].messageId', 'batch[0].timestamp', 'batch[0].anonymousId']);
  });

  it('an oversized event still has its other problems listed', () => {
    assert.deepEqual(fields(validateEvent({ type: 'track', properties: { blob: 'x'.repeat(EVENT_LIMITS.maxEventBytes) } }, options({ fieldPrefix: 'batch[1].' }))),
      ['batch[1]', 'batch[1].event', 'batch[1].anonymousId']);
  });

  it('a field the schema refused is reported once, not again by the later checks', () => {
    assert.deepEqual(fields(validateEvent({ type: 'alias' }, options())), ['previousId', 'userId']);
    assert.deepEqual(fields(validateEvent({ ...minimal.track, timestamp: 17 }, options())), ['timestamp']);
    assert.deepEqual(fields(validateEvent({ type: 'track', event: 'X', userId: {} }, options())), ['userId']);
    assert.deepEqual(fields(validateEvent({ type: 'group', anonymousId: 'a', groupId: [] }, options())), ['groupId']);
  });
});

describe('batches', () => {
  const batch = (i: number, extra: Partial<ValidateOptions> = {}) => options({ fieldPrefix: `batch[${i}].`, ...extra });

  it('prefixes every field with the item position', () => {
    assert.equal(issueOf(validateEvent({ type: 'track', anonymousId: 'a' }, batch(3))), 'batch[3].event: is required');
    assert.match(issueOf(validateEvent({ event: 'X', anonymousId: 'a' }, batch(3))), /^batch\[3\]\.type: /);
    assert.equal(issueOf(validateEvent({ ...minimal.track, timestamp: 'soon' }, batch(3))), 'batch[3].timestamp: must be an ISO-8601 date-time');
    assert.match(issueOf(validateEvent({ type: 'track', event: 'X', userId: 'null' }, batch(3))), /^batch\[3\]\.userId: /);
  });

  it('names the item itself for a problem with the whole item', () => {
    assert.equal(issueOf(validateEvent('not an event', batch(3))), 'batch[3]: must be a JSON object');
    assert.match(issueOf(validateEvent({ ...minimal.track, properties: { blob: 'x'.repeat(EVENT_LIMITS.maxEventBytes) } }, batch(3))), /^batch\[3\]: event is \d+ bytes; the limit is 32768$/);
  });

  it('merges the batch context and integrations into each item; the item wins per key', () => {
    const defaults = { context: { library: { name: 'analytics-node' }, ip: '203.0.113.1' }, integrations: { All: true } };
    const e = accepted(validateEvent({ ...minimal.track, context: { ip: '198.51.100.7' }, integrations: { Mixpanel: false } }, batch(0, { defaults })));
    assert.deepEqual(e.context, { library: { name: 'analytics-node' }, ip: '198.51.100.7' });
    assert.deepEqual(e.integrations, { All: true, Mixpanel: false });
    const plain = accepted(validateEvent(minimal.track, batch(1, { defaults })));
    assert.deepEqual(plain.context, defaults.context);
    assert.notEqual(plain.context, defaults.context, 'each item gets its own copy');
  });

  it("corrects clock skew with the batch's sentAt, unless the item has its own", () => {
    const t = Date.UTC(2024, 4, 1, 11, 0, 0);
    const defaults = { sentAt: iso(t + 60_000) };
    assert.equal(accepted(validateEvent({ ...minimal.track, timestamp: iso(t) }, batch(0, { defaults }))).timestamp, RECEIVED - 60_000);
    assert.equal(accepted(validateEvent({ ...minimal.track, timestamp: iso(t), sentAt: iso(t + 1_000) }, batch(0, { defaults }))).timestamp, RECEIVED - 1_000);
  });

  it("names an invalid batch sentAt as the batch's field", () => {
    assert.equal(issueOf(validateEvent({ ...minimal.track, timestamp: iso(RECEIVED) }, batch(2, { defaults: { sentAt: 'now' } }))), 'sentAt: must be an ISO-8601 date-time');
  });
});

describe('limits', () => {
  /** An event whose JSON is exactly `bytes` long. */
  function eventOfSize(bytes: number) {
    const event = { ...minimal.track, properties: { blob: '' } };
    event.properties.blob = 'x'.repeat(bytes - JSON.stringify(event).length);
    assert.equal(JSON.stringify(event).length, bytes);
    return event;
  }

  it('accepts an event of exactly 32 KB and refuses one byte more', () => {
    accepted(validateEvent(eventOfSize(EVENT_LIMITS.maxEventBytes), options()));
    assert.equal(issueOf(validateEvent(eventOfSize(EVENT_LIMITS.maxEventBytes + 1), options())), 'body: event is 32769 bytes; the limit is 32768');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const chars = Math.ceil(EVENT_LIMITS.maxEventBytes / 3) + 10; // under the limit in characters, over it in bytes
    assert.match(issueOf(validateEvent({ ...minimal.track, properties: { text: '€'.repeat(chars) } }, options())), /^body: event is \d+ bytes/);
  });

  /** Properties nested so that the whole event is `depth` levels deep (the event itself is level 1). */
  function eventOfDepth(depth: number) {
    let inner: unknown = {};
    for (let level = 4; level <= depth; level++) inner = level % 2 ? { a: inner } : [inner];
    return { ...minimal.track, properties: { nested: inner } };
  }

  it(`accepts objects and arrays nested ${EVENT_LIMITS.maxDepth} levels deep and refuses one level more`, () => {
    assert.equal(jsonExtent(eventOfDepth(EVENT_LIMITS.maxDepth), EVENT_LIMITS.maxDepth).tooDeep, false);
    assert.equal(jsonExtent(eventOfDepth(EVENT_LIMITS.maxDepth + 1), EVENT_LIMITS.maxDepth).tooDeep, true);
    accepted(validateEvent(eventOfDepth(EVENT_LIMITS.maxDepth), options()));
    assert.equal(issueOf(validateEvent(eventOfDepth(EVENT_LIMITS.maxDepth + 1), options())), 'body: objects nest deeper than 24 levels');
  });

  it('stops counting depth at the limit, so a pathological body cannot overflow the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    assert.equal(jsonExtent(deep, 25).tooDeep, true, 'stops at the limit');
    assert.equal(jsonExtent('scalar', 25).tooDeep, false);
  });
});

describe('the size bound of an event (jsonExtent)', () => {
  const samples: unknown[] = [
    minimal.track,
    { text: '\u0001\u001f"\\'.repeat(500) }, // control characters and quotes: escaped, up to 6 bytes each
    { emoji: '😀'.repeat(300), euro: '€'.repeat(300), lone: '\ud800'.repeat(50) },
    { numbers: [-1.2345678901234567e-300, -0.0000012345678901234567, 1e21, Number.MAX_SAFE_INTEGER, -0, 0.1], flags: [true, false, null] },
    Array.from({ length: 50 }, () => -0.0000012345678901234567), // 25 characters each, the longest a number prints as
    { '\u0000key"with\\escapes': { nested: [[[{}]]], empty: [] } },
    [],
    'plain',
  ];
  for (const [i, value] of samples.entries()) {
    it(`is never below the UTF-8 size of the JSON (sample ${i})`, () => {
      const exact = Buffer.byteLength(JSON.stringify(value), 'utf8');
      const { maxBytes, tooDeep } = jsonExtent(value, EVENT_LIMITS.maxDepth);
      assert.equal(tooDeep, false);
      assert.ok(maxBytes >= exact, `bound ${maxBytes} < exact ${exact}`);
    });
  }

  it('counts the value itself as level 1, arrays as levels too', () => {
    let deep: unknown = { leaf: 1 };
    for (let level = 2; level <= EVENT_LIMITS.maxDepth; level++) deep = level % 2 ? { a: deep } : [deep];
    assert.equal(jsonExtent(deep, EVENT_LIMITS.maxDepth).tooDeep, false);
    assert.equal(jsonExtent({ one: deep }, EVENT_LIMITS.maxDepth).tooDeep, true);
  });

  it('refuses an event over 32 KB whose bound passed the limit only because of escapes (it is measured exactly)', () => {
    const quotes = '"'.repeat(Math.floor(EVENT_LIMITS.maxEventBytes / 2) + 100); // 2 bytes each as JSON: over the limit
    assert.match(issueOf(validateEvent({ ...minimal.track, properties: { quotes } }, options())), /^body: event is \d+ bytes/);
    const ascii = 'a'.repeat(EVENT_LIMITS.maxEventBytes / 2); // bound over the limit, exact size under it
    accepted(validateEvent({ ...minimal.track, properties: { ascii } }, options()));
  });
});

describe('the normalised event', () => {
  it('keeps a given messageId and generates one when it is missing', () => {
    let calls = 0;
    const newMessageId = () => `generated-${++calls}`;
    assert.equal(accepted(validateEvent({ ...minimal.track, messageId: 'client-1' }, options({ newMessageId }))).messageId, 'client-1');
    assert.equal(calls, 0);
    assert.equal(accepted(validateEvent(minimal.track, options({ newMessageId }))).messageId, 'generated-1');
  });

  it('carries the workspace, names and payload, with empty objects for what was not sent', () => {
    const track = accepted(validateEvent({ ...minimal.track, properties: { plan: 'pro' } }, options()));
    assert.deepEqual(
      { workspaceId: track.workspaceId, name: track.name, category: track.category, properties: track.properties, traits: track.traits, context: track.context, integrations: track.integrations, groupId: track.groupId },
      { workspaceId: 'ws-1', name: 'Signed Up', category: null, properties: { plan: 'pro' }, traits: {}, context: {}, integrations: {}, groupId: null },
    );
    const page = accepted(validateEvent({ ...minimal.page, name: 'Pricing', category: 'Docs' }, options()));
    assert.deepEqual([page.name, page.category], ['Pricing', 'Docs']);
    assert.deepEqual([accepted(validateEvent(minimal.page, options())).name], [null]);
  });
});
