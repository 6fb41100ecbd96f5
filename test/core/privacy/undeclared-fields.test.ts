/**
 * Strict mode refuses undeclared data at validation: `undeclaredFields` names each undeclared event
 * or trait by the field the client sent, with the batch item prefix when there is one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, TrackedEvent } from '../../../src/core/events/event.js';
import { undeclaredFields } from '../../../src/core/privacy/admit-event.js';
import { DEFAULT_SCHEMA, type DataSchema } from '../../../src/core/privacy/data-schema.js';
import { T0, track, trackedEvent } from '../fixtures.js';
import { declared } from './privacy-fixtures.js';

const STRICT: DataSchema = { ...DEFAULT_SCHEMA, mode: 'strict', events: { ...DEFAULT_SCHEMA.events, 'Order Completed': declared(['necessary']) } };
const LENIENT: DataSchema = { ...STRICT, mode: 'lenient' };

function identify(traits: JsonObject, context: JsonObject = {}): TrackedEvent {
  return trackedEvent({ type: 'identify', timestamp: T0, traits, context });
}

const fields = (event: TrackedEvent, schema = STRICT, prefix?: string) => undeclaredFields(event, schema, prefix).map((i) => i.field);

describe('undeclaredFields', () => {
  it('reports nothing in lenient mode, however much is undeclared', () => {
    assert.deepEqual(undeclaredFields(identify({ shoeSize: 42 }, { traits: { petName: 'Rex' } }), LENIENT), []);
    assert.deepEqual(undeclaredFields(track(T0, 'Wishlist Shared'), LENIENT), []);
  });

  it('reports nothing for declared events and traits in strict mode', () => {
    assert.deepEqual(undeclaredFields(track(T0, 'Order Completed'), STRICT), []);
    assert.deepEqual(undeclaredFields(identify({ email: 'kim@example.com', name: 'Kim', $set: { phone: '1' }, $unset: ['shoeSize'] }), STRICT), []);
    assert.deepEqual(undeclaredFields(trackedEvent({ type: 'page', timestamp: T0, name: 'Anything' }), STRICT), [], 'page name is not looked up');
  });

  it('names an undeclared track event by the `event` field and quotes its name', () => {
    const issues = undeclaredFields(track(T0, 'Wishlist Shared'), STRICT);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.field, 'event');
    assert.match(issues[0]!.reason, /"Wishlist Shared" is not declared/);
    assert.match(issues[0]!.reason, /strict mode/);
  });

  it('names an undeclared call type by the `type` field', () => {
    const schema: DataSchema = { ...STRICT, events: { 'Order Completed': declared(['necessary']) } };
    const issues = undeclaredFields(trackedEvent({ type: 'screen', timestamp: T0, name: 'Home' }), schema);
    assert.deepEqual(issues.map((i) => i.field), ['type']);
    assert.match(issues[0]!.reason, /"screen"/);
  });

  it('names a track event without a name by the `event` field', () => {
    assert.deepEqual(fields(trackedEvent({ type: 'track', name: null, timestamp: T0 })), ['event']);
  });

  it('names undeclared traits by their path: traits, $set, $set_once and context.traits; $unset is not checked', () => {
    const event = identify(
      { shoeSize: 42, email: 'kim@example.com', $set: { petName: 'Rex' }, $set_once: { firstSeenShop: 'x' }, $unset: ['whatever'] },
      { traits: { shoeSize: 43, $set: { pet: 'cat' } } },
    );
    assert.deepEqual(fields(event), ['traits.shoeSize', 'traits.$set.petName', 'traits.$set_once.firstSeenShop', 'context.traits.shoeSize', 'context.traits.$set.pet']);
    const reasons = undeclaredFields(event, STRICT).map((i) => i.reason);
    assert.match(reasons[0]!, /trait "shoeSize" is not declared/);
  });

  it('checks a $set that is not an object as a trait named $set', () => {
    assert.deepEqual(fields(identify({ $set: 'x' })), ['traits.$set']);
  });

  it('reports the event and its traits together, the event first', () => {
    const event = trackedEvent({ type: 'track', name: 'Quiz Done', timestamp: T0, context: { traits: { score: 3 } } });
    assert.deepEqual(fields(event), ['event', 'context.traits.score']);
  });

  it('puts the batch prefix (with its trailing dot) in front of every field', () => {
    const event = trackedEvent({ type: 'track', name: 'Quiz Done', timestamp: T0, traits: { $set: { score: 3 } }, context: { traits: { level: 2 } } });
    assert.deepEqual(fields(event, STRICT, 'batch[3].'), ['batch[3].event', 'batch[3].traits.$set.score', 'batch[3].context.traits.level']);
    assert.deepEqual(fields(event, STRICT, ''), ['event', 'traits.$set.score', 'context.traits.level']);
  });

  it('ignores a context.traits that is not an object', () => {
    assert.deepEqual(fields(identify({}, { traits: ['shoeSize'] })), []);
    assert.deepEqual(fields(identify({}, { traits: null })), []);
  });

  it('never checks consent or system entries', () => {
    for (const type of ['consent', 'system'] as const) {
      assert.deepEqual(undeclaredFields(trackedEvent({ type, name: 'x', timestamp: T0, traits: { shoeSize: 1 } }), STRICT), [], type);
    }
  });

  it('uses own-property lookups: Object member names are undeclared', () => {
    const traits = JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as JsonObject;
    assert.deepEqual(fields(identify(traits)), ['traits.__proto__', 'traits.constructor', 'traits.toString']);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.deepEqual(fields(track(T0, name)), ['event'], name);
    }
  });

  it('does not let a track event pass under the name of a call type', () => {
    for (const name of ['page', 'identify', 'screen', 'group', 'alias']) {
      assert.deepEqual(fields(track(T0, name)), ['event'], name);
    }
  });
});
