/**
 * The consent fold (GDPR Art. 7): per purpose the latest decision wins, whatever order the ledger
 * entries arrive in and whichever profile a decision was made on before a merge. At the same
 * instant, a withdrawal beats a grant (Art. 7(3): withdrawing must be as easy as giving).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConsent, isGranted, mergeConsent, type ConsentState } from '../../../src/core/privacy/consent.js';
import { MINUTE, T0, seededRandom, shuffle } from '../fixtures.js';
import { consentOf, decision } from './privacy-fixtures.js';

type Change = Parameters<typeof applyConsent>[1];

function change(purposes: Record<string, boolean>, at: number, messageId: string, channel: Change['channel'] = 'banner'): Change {
  return { purposes, at, messageId, channel };
}

describe('applyConsent', () => {
  it('records a first decision per purpose, with its time, channel and message', () => {
    const state = applyConsent({}, change({ ads: true, newsletter: false }, T0, 'm1', 'form'));
    assert.deepEqual(state, { ads: decision(true, T0, 'm1', 'form'), newsletter: decision(false, T0, 'm1', 'form') });
  });

  it('lets a newer decision replace the held one', () => {
    const granted = applyConsent({}, change({ ads: true }, T0, 'm1'));
    const withdrawn = applyConsent(granted, change({ ads: false }, T0 + MINUTE, 'm2', 'api'));
    assert.deepEqual(withdrawn.ads, decision(false, T0 + MINUTE, 'm2', 'api'));
    const regranted = applyConsent(withdrawn, change({ ads: true }, T0 + 2 * MINUTE, 'm3'));
    assert.deepEqual(regranted.ads, decision(true, T0 + 2 * MINUTE, 'm3'));
  });

  it('does not let an older decision replace a newer one (a late-arriving ledger entry)', () => {
    const withdrawn = applyConsent({}, change({ ads: false }, T0 + MINUTE, 'm2'));
    const late = applyConsent(withdrawn, change({ ads: true }, T0, 'm1'));
    assert.deepEqual(late, withdrawn);
    assert.equal(isGranted(late, 'ads'), false);
  });

  it('keeps purposes the change does not mention, and judges each mentioned purpose on its own', () => {
    const state = consentOf({ ads: true, newsletter: true, profiling: false }, T0 + MINUTE);
    const next = applyConsent(state, change({ ads: false, personalization: true }, T0, 'late'));
    assert.deepEqual(next.ads, state.ads, 'older decision ignored');
    assert.deepEqual(next.personalization, decision(true, T0, 'late'), 'first decision taken even if older than others');
    assert.deepEqual(next.newsletter, state.newsletter);
    assert.deepEqual(next.profiling, state.profiling);
  });

  it('at the same instant, a withdrawal beats a grant in either order', () => {
    const grantThenWithdraw = applyConsent(applyConsent({}, change({ ads: true }, T0, 'a')), change({ ads: false }, T0, 'b'));
    const withdrawThenGrant = applyConsent(applyConsent({}, change({ ads: false }, T0, 'b')), change({ ads: true }, T0, 'a'));
    assert.equal(isGranted(grantThenWithdraw, 'ads'), false);
    assert.deepEqual(withdrawThenGrant, grantThenWithdraw);
  });

  it('is idempotent: the same entry applied twice changes nothing', () => {
    const c = change({ ads: true, newsletter: false }, T0, 'm1');
    const once = applyConsent({}, c);
    assert.deepEqual(applyConsent(once, c), once);
  });

  it('does not mutate the state it is given', () => {
    const state = consentOf({ ads: true });
    const before = structuredClone(state);
    const next = applyConsent(state, change({ ads: false, newsletter: true }, T0 + MINUTE, 'm2'));
    assert.deepEqual(state, before);
    assert.notEqual(next, state);
  });

  it('keeps purposes named like Object members as own entries', () => {
    const purposes = JSON.parse('{"__proto__": true, "constructor": true, "toString": false}') as Record<string, boolean>;
    const state = applyConsent({}, change(purposes, T0, 'm1'));
    assert.equal(Object.getPrototypeOf(state), Object.prototype);
    assert.deepEqual(Object.keys(state).sort(), ['__proto__', 'constructor', 'toString']);
    assert.equal(isGranted(state, '__proto__'), true);
    assert.equal(isGranted(state, 'constructor'), true);
    assert.equal(isGranted(state, 'toString'), false);
    const withdrawn = applyConsent(state, change(JSON.parse('{"__proto__": false}') as Record<string, boolean>, T0 + MINUTE, 'm2'));
    assert.equal(isGranted(withdrawn, '__proto__'), false);
  });
});

describe('mergeConsent', () => {
  it('keeps, per purpose, the latest decision of either profile', () => {
    const phone = { ads: decision(true, T0, 'p1'), newsletter: decision(false, T0 + 2 * MINUTE, 'p2') };
    const laptop = { ads: decision(false, T0 + MINUTE, 'l1'), newsletter: decision(true, T0 + MINUTE, 'l2'), profiling: decision(true, T0, 'l3') };
    const expected = { ads: laptop.ads, newsletter: phone.newsletter, profiling: laptop.profiling };
    assert.deepEqual(mergeConsent(phone, laptop), expected);
    assert.deepEqual(mergeConsent(laptop, phone), expected);
  });

  it('lets a withdrawal on one device stand after a merge with an earlier grant on another', () => {
    const grantedHere = consentOf({ email_marketing: true }, T0);
    const withdrawnThere = consentOf({ email_marketing: false }, T0 + MINUTE);
    assert.equal(isGranted(mergeConsent(grantedHere, withdrawnThere), 'email_marketing'), false);
    assert.equal(isGranted(mergeConsent(withdrawnThere, grantedHere), 'email_marketing'), false);
  });

  it('is symmetric in outcome even when both decisions carry the same time', () => {
    const a = { ads: decision(true, T0, 'a'), newsletter: decision(true, T0, 'a2') };
    const b = { ads: decision(false, T0, 'b'), newsletter: decision(true, T0, 'b2', 'form') };
    const ab = mergeConsent(a, b);
    assert.deepEqual(ab, mergeConsent(b, a));
    assert.equal(isGranted(ab, 'ads'), false, 'the withdrawal wins a tie');
  });

  it('has the empty state as identity and does not mutate its inputs', () => {
    const a = consentOf({ ads: true, newsletter: false });
    const before = structuredClone(a);
    assert.deepEqual(mergeConsent(a, {}), a);
    assert.deepEqual(mergeConsent({}, a), a);
    assert.deepEqual(mergeConsent(a, a), a);
    assert.deepEqual(a, before);
  });

  it('merges purposes named like Object members as own entries', () => {
    const a = JSON.parse(`{"__proto__": ${JSON.stringify(decision(true, T0, 'a'))}}`) as ConsentState;
    const b = JSON.parse(`{"__proto__": ${JSON.stringify(decision(false, T0 + MINUTE, 'b'))}}`) as ConsentState;
    for (const merged of [mergeConsent(a, b), mergeConsent({}, b), mergeConsent(b, {})]) {
      assert.equal(Object.getPrototypeOf(merged), Object.prototype);
      assert.equal(Object.hasOwn(merged, '__proto__'), true);
      assert.equal(isGranted(merged, '__proto__'), false);
    }
  });
});

describe('the fold agrees with merging (seeded)', () => {
  // The ledger of two profiles, folded in any order and merged, equals the fold of all entries:
  // the current state never depends on arrival order or on which profile a decision was made.
  const PURPOSES = ['ads', 'newsletter', 'profiling'];
  for (let seed = 1; seed <= 100; seed++) {
    it(`seed ${seed}`, () => {
      const random = seededRandom(seed);
      const entries: Change[] = [];
      for (let i = 0; i < 8; i++) {
        const purposes: Record<string, boolean> = {};
        for (const p of PURPOSES) if (random() < 0.5) purposes[p] = random() < 0.5;
        // Few distinct instants, so that ties happen often.
        entries.push(change(purposes, T0 + Math.floor(random() * 4) * MINUTE, `m${i}`));
      }
      const fold = (list: Change[]) => list.reduce<ConsentState>((s, c) => applyConsent(s, c), {});
      const all = fold(entries);
      assert.deepEqual(fold(shuffle(entries, random)), all, 'order of application');
      const cut = Math.floor(random() * entries.length);
      const [first, second] = [fold(entries.slice(0, cut)), fold(entries.slice(cut))];
      assert.deepEqual(mergeConsent(first, second), all, 'merge a+b');
      assert.deepEqual(mergeConsent(second, first), all, 'merge b+a');
      // And the outcome is the latest decision, a withdrawal winning a tie.
      for (const p of PURPOSES) {
        const decided = entries.filter((e) => Object.hasOwn(e.purposes, p));
        if (decided.length === 0) { assert.equal(Object.hasOwn(all, p), false, p); continue; }
        const latest = Math.max(...decided.map((e) => e.at));
        const atLatest = decided.filter((e) => e.at === latest).map((e) => e.purposes[p]);
        assert.equal(isGranted(all, p), atLatest.every((g) => g === true), p);
      }
    });
  }
});

describe('isGranted', () => {
  it('is false for a purpose never decided, withdrawn, or only on the prototype', () => {
    const state = consentOf({ ads: true, newsletter: false });
    assert.equal(isGranted(state, 'ads'), true);
    assert.equal(isGranted(state, 'newsletter'), false);
    assert.equal(isGranted(state, 'profiling'), false);
    assert.equal(isGranted({}, 'ads'), false);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(isGranted({}, name), false, name);
  });
});
