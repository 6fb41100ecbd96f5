/**
 * Traits: the latest event time wins, so a late-arriving old event never overwrites fresher data;
 * $set_once keeps the first value (by event time, also across a merge of two profiles); $unset
 * removes; every value remembers its source; names from clients cannot reach a prototype.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTraits, mergeTraits, type TraitTarget, type TraitWrite } from '../../../src/core/profiles/traits.js';

const empty = (): TraitTarget => ({ traits: {}, traitMeta: {} });
const write = (at: number, source = 'identify', messageId = `m-${at}`): TraitWrite => ({ source, messageId, at });

describe('applyTraits', () => {
  it('sets traits and records source, message and time', () => {
    const p = empty();
    assert.equal(applyTraits(p, { name: 'Karoline', plan: 'pro' }, write(100, 'identify', 'msg-1')), true);
    assert.deepEqual(p.traits, { name: 'Karoline', plan: 'pro' });
    assert.deepEqual(p.traitMeta.name, { source: 'identify', messageId: 'msg-1', at: 100 });
  });

  it('lets a newer value replace an older one', () => {
    const p = empty();
    applyTraits(p, { plan: 'free' }, write(100));
    assert.equal(applyTraits(p, { plan: 'pro' }, write(200, 'track:Upgraded')), true);
    assert.deepEqual([p.traits.plan, p.traitMeta.plan!.source, p.traitMeta.plan!.at], ['pro', 'track:Upgraded', 200]);
  });

  it('never lets an older event overwrite a newer value, whatever the arrival order', () => {
    const p = empty();
    applyTraits(p, { plan: 'pro' }, write(200));
    assert.equal(applyTraits(p, { plan: 'free' }, write(100)), false);
    assert.deepEqual([p.traits.plan, p.traitMeta.plan!.at], ['pro', 200]);
  });

  it('lets the later-applied of two values with the same time win', () => {
    const p = empty();
    applyTraits(p, { plan: 'free' }, write(100));
    applyTraits(p, { plan: 'pro' }, write(100));
    assert.equal(p.traits.plan, 'pro');
  });

  it('decides per trait: an older event still fills traits the profile lacks', () => {
    const p = empty();
    applyTraits(p, { plan: 'pro' }, write(200));
    assert.equal(applyTraits(p, { plan: 'free', company: 'Acme' }, write(100)), true);
    assert.deepEqual(p.traits, { plan: 'pro', company: 'Acme' });
  });

  it('treats $set like top-level traits', () => {
    const p = empty();
    applyTraits(p, { $set: { plan: 'pro' } }, write(100));
    assert.deepEqual(p.traits, { plan: 'pro' });
    assert.equal('$set' in p.traits, false);
  });

  it('stores null but ignores undefined', () => {
    const p = empty();
    applyTraits(p, { phone: null, fax: undefined }, write(100));
    assert.deepEqual(p.traits, { phone: null });
  });

  it('reports no change for an empty update', () => {
    assert.equal(applyTraits(empty(), {}, write(100)), false);
  });
});

describe('$set_once', () => {
  it('fills a gap and keeps the first value afterwards', () => {
    const p = empty();
    applyTraits(p, { $set_once: { firstSource: 'google' } }, write(100));
    assert.equal(applyTraits(p, { $set_once: { firstSource: 'newsletter' } }, write(200)), false);
    assert.deepEqual([p.traits.firstSource, p.traitMeta.firstSource!.once], ['google', true]);
  });

  it('keeps the earliest value when the earlier event arrives late', () => {
    const p = empty();
    applyTraits(p, { $set_once: { firstSource: 'newsletter' } }, write(200));
    assert.equal(applyTraits(p, { $set_once: { firstSource: 'google' } }, write(100)), true);
    assert.deepEqual([p.traits.firstSource, p.traitMeta.firstSource!.at], ['google', 100]);
  });

  it('does not overwrite a trait set normally', () => {
    const p = empty();
    applyTraits(p, { plan: 'pro' }, write(200));
    applyTraits(p, { $set_once: { plan: 'free' } }, write(100));
    assert.equal(p.traits.plan, 'pro');
  });

  it('is overwritten by a later normal set', () => {
    const p = empty();
    applyTraits(p, { $set_once: { plan: 'free' } }, write(100));
    applyTraits(p, { plan: 'pro' }, write(200));
    assert.deepEqual([p.traits.plan, p.traitMeta.plan!.once], ['pro', undefined]);
  });

  it('loses to a normal value in the same update (normal traits apply first)', () => {
    const p = empty();
    applyTraits(p, { plan: 'pro', $set_once: { plan: 'free' } }, write(100));
    assert.equal(p.traits.plan, 'pro');
  });
});

describe('$unset', () => {
  it('removes traits and their provenance', () => {
    const p = empty();
    applyTraits(p, { plan: 'pro', phone: '123' }, write(100));
    assert.equal(applyTraits(p, { $unset: ['phone', 'missing', 42] }, write(200)), true);
    assert.deepEqual(p.traits, { plan: 'pro' });
    assert.equal(p.traitMeta.phone, undefined);
  });

  it('does not remove a value newer than the unset', () => {
    const p = empty();
    applyTraits(p, { phone: '123' }, write(300));
    assert.equal(applyTraits(p, { $unset: ['phone'] }, write(200)), false);
    assert.equal(p.traits.phone, '123');
  });

  it('ignores a $unset that is not a list', () => {
    const p = empty();
    applyTraits(p, { phone: '123' }, write(100));
    applyTraits(p, { $unset: 'phone' }, write(200));
    assert.equal(p.traits.phone, '123');
  });
});

describe('names that are object internals', () => {
  it('never writes __proto__, neither top-level nor in $set / $set_once', () => {
    const p = empty();
    const incoming = JSON.parse('{"__proto__": {"polluted": true}, "$set": {"__proto__": {"polluted": true}}, "$set_once": {"__proto__": {"polluted": true}}, "ok": 1}');
    applyTraits(p, incoming, write(100));
    assert.deepEqual(Object.keys(p.traits), ['ok']);
    assert.equal(Object.getPrototypeOf(p.traits), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('treats constructor, toString and hasOwnProperty as ordinary trait names', () => {
    const p = empty();
    applyTraits(p, { $set_once: { constructor: 'a', toString: 'b' } }, write(100));
    applyTraits(p, { hasOwnProperty: 'c' }, write(100));
    assert.deepEqual(p.traits, { constructor: 'a', toString: 'b', hasOwnProperty: 'c' });
    assert.equal(p.traitMeta['constructor' as string]!.once, true);
  });

  it('reports no change when unsetting a name the profile only inherits', () => {
    const p = empty();
    assert.equal(applyTraits(p, { $unset: ['toString', '__proto__', 'constructor'] }, write(100)), false);
  });
});

describe('mergeTraits', () => {
  function profile(traits: Record<string, unknown>, at: number, once = false): TraitTarget {
    const p = empty();
    applyTraits(p, once ? { $set_once: traits } : traits, write(at, `src-${at}`));
    return p;
  }

  it('keeps the newer value of each trait, in either merge direction', () => {
    const a = () => { const p = profile({ name: 'Karo', company: 'Acme' }, 100); applyTraits(p, { plan: 'pro' }, write(300)); return p; };
    const b = () => profile({ name: 'Karoline', plan: 'free', city: 'Oslo' }, 200);
    const expected = { name: 'Karoline', company: 'Acme', plan: 'pro', city: 'Oslo' };
    const intoA = a(); mergeTraits(intoA, b());
    const intoB = b(); mergeTraits(intoB, a());
    assert.deepEqual(intoA.traits, expected);
    assert.deepEqual(intoB.traits, expected);
    assert.deepEqual(intoA.traitMeta, intoB.traitMeta, 'provenance travels with the value');
    assert.equal(intoA.traitMeta.name!.source, 'src-200');
  });

  it('keeps the earlier of two set-once values, in either direction', () => {
    const early = () => profile({ firstSource: 'google' }, 100, true);
    const late = () => profile({ firstSource: 'newsletter' }, 200, true);
    const intoLate = late(); mergeTraits(intoLate, early());
    const intoEarly = early(); mergeTraits(intoEarly, late());
    assert.deepEqual([intoLate.traits.firstSource, intoLate.traitMeta.firstSource!.at, intoLate.traitMeta.firstSource!.once], ['google', 100, true]);
    assert.equal(intoEarly.traits.firstSource, 'google');
  });

  it('keeps a trait without provenance only where the survivor has none', () => {
    const survivor = profile({ plan: 'pro' }, 100);
    mergeTraits(survivor, { traits: { plan: 'legacy', imported: 'yes' }, traitMeta: {} });
    assert.deepEqual(survivor.traits, { plan: 'pro', imported: 'yes' });
  });
});
