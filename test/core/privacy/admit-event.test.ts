/**
 * Data minimisation at the door (GDPR Art. 5(1)(c), Art. 6): what of an event may be stored. The
 * rules are pure, so they are checked exhaustively: every legal basis against every consent state
 * and every GPC situation, every place a trait can hide (invariants over random events:
 * admit-event-properties.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, TrackedEvent } from '../../../src/core/events/event.js';
import { admitEvent, eventLabel, hasLegalBasis } from '../../../src/core/privacy/admit-event.js';
import { LEGAL_BASES, type LegalBasis } from '../../../src/core/privacy/purposes.js';
import { T0, track, trackedEvent } from '../fixtures.js';
import { SCHEMA, admitContext, consentOf, declared, purpose, workspaceContext as ctx } from './privacy-fixtures.js';

function identify(traits: JsonObject, context: JsonObject = {}): TrackedEvent {
  return trackedEvent({ type: 'identify', timestamp: T0, userId: 'u-1', traits, context });
}

/** JSON as a client sends it: `__proto__` becomes an own property, as with JSON.parse. */
function fromJson<T>(json: string): T {
  return JSON.parse(json) as T;
}

describe('hasLegalBasis: every legal basis × consent state × GPC situation', () => {
  type ConsentCase = 'granted' | 'withdrawn' | 'never decided';
  type GpcCase = 'no signal' | 'signal, purpose listed' | 'signal, purpose not listed';
  // The rule, stated from the spec rather than from the code: consent needs a standing grant; the
  // other bases stand on their own; a GPC signal switches the listed purposes off whatever the basis.
  const expected = (basis: LegalBasis, consent: ConsentCase, gpc: GpcCase): boolean => {
    if (gpc === 'signal, purpose listed') return false;
    return basis === 'consent' ? consent === 'granted' : true;
  };
  for (const basis of LEGAL_BASES) {
    for (const consent of ['granted', 'withdrawn', 'never decided'] as const) {
      for (const gpc of ['no signal', 'signal, purpose listed', 'signal, purpose not listed'] as const) {
        const want = expected(basis, consent, gpc);
        it(`${basis}, consent ${consent}, ${gpc} → ${want ? 'basis' : 'no basis'}`, () => {
          const state = consent === 'never decided' ? {} : consentOf({ p: consent === 'granted' });
          const c = admitContext({
            // `keep` (contract, never GPC-listed) keeps the identify call, so that its trait `t` is judged alone.
            purposes: [purpose('p', basis), purpose('keep', 'contract')], consent: state,
            gpcPurposes: gpc === 'signal, purpose listed' ? ['p'] : ['other'],
            schema: { events: { 'Thing Done': declared(['p']), identify: declared(['keep']) }, traits: { t: declared(['p']) } },
          });
          assert.equal(hasLegalBasis('p', c, gpc !== 'no signal'), want);
          const context: JsonObject = gpc === 'no signal' ? {} : { gpc: true };
          const event = trackedEvent({ type: 'track', name: 'Thing Done', timestamp: T0, context });
          assert.equal(admitEvent(event, c).event !== null, want, 'event');
          const admittedTrait = admitEvent(trackedEvent({ type: 'identify', timestamp: T0, traits: { t: 'x' }, context }), c);
          assert.equal(Object.hasOwn(admittedTrait.event!.traits, 't'), want, 'trait');
        });
      }
    }
  }

  it('a purpose that is not declared has no basis, even when the state says it was consented', () => {
    const c = ctx({ consent: consentOf({ ghost: true }) });
    assert.equal(hasLegalBasis('ghost', c, false), false);
    const event = track(T0, 'Ghost Event');
    const admitted = admitEvent(event, ctx({ consent: consentOf({ ghost: true }), schema: { events: { 'Ghost Event': declared(['ghost']) } } }));
    assert.equal(admitted.event, null);
    assert.deepEqual(admitted.withheld, [{ kind: 'event', name: 'Ghost Event', purposes: ['ghost'] }]);
  });

  it('consent for one purpose does not lend a basis to another', () => {
    const c = ctx({ consent: consentOf({ newsletter: true }) });
    assert.equal(hasLegalBasis('newsletter', c, false), true);
    assert.equal(hasLegalBasis('ads', c, false), false);
  });
});

describe('admitEvent: whole events', () => {
  it('keeps an event when one of its purposes has a basis, withholds it when none has', () => {
    const viewed = track(T0, 'Campaign Viewed', { campaign: 'spring' });
    assert.equal(admitEvent(viewed, ctx()).event, null, 'ads and newsletter both without consent');
    assert.equal(admitEvent(viewed, ctx({ consent: consentOf({ ads: false, newsletter: true }) })).event, viewed, 'newsletter granted');
    assert.equal(admitEvent(viewed, ctx({ consent: consentOf({ ads: true, newsletter: false }) })).event, viewed, 'ads granted');
    assert.equal(admitEvent(viewed, ctx({ consent: consentOf({ ads: false, newsletter: false }) })).event, null, 'both withdrawn');
  });

  it('reports a withheld event once, with its label and all its purposes, and does not look at its traits', () => {
    const event = trackedEvent({ type: 'track', name: 'Campaign Viewed', timestamp: T0, traits: { email: 'kim@example.com', mystery: 1 }, context: { traits: { interests: ['x'] } } });
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(admitted, { event: null, withheld: [{ kind: 'event', name: 'Campaign Viewed', purposes: ['ads', 'newsletter'] }], undeclared: [] });
  });

  it('keeps events on contract, legitimate interest and legal obligation without any consent', () => {
    assert.notEqual(admitEvent(track(T0, 'Order Completed'), ctx()).event, null);
    assert.notEqual(admitEvent(trackedEvent({ type: 'page', timestamp: T0 }), ctx()).event, null);
    const taxed = ctx({ schema: { events: { ...SCHEMA.events, 'Invoice Issued': declared(['tax']) } } });
    assert.notEqual(admitEvent(track(T0, 'Invoice Issued'), taxed).event, null);
  });

  it('stops keeping a consent-based event once consent is withdrawn', () => {
    const clicked = track(T0, 'Ad Clicked');
    assert.notEqual(admitEvent(clicked, ctx({ consent: consentOf({ ads: true }) })).event, null);
    assert.equal(admitEvent(clicked, ctx({ consent: consentOf({ ads: false }) })).event, null);
  });

  it('labels track events by name (or "track" without one) and the other calls by type', () => {
    assert.equal(eventLabel({ type: 'track', name: 'Order Completed' }), 'Order Completed');
    assert.equal(eventLabel({ type: 'track', name: null }), 'track');
    assert.equal(eventLabel({ type: 'page', name: 'Pricing' }), 'page');
    assert.equal(eventLabel({ type: 'identify', name: null }), 'identify');
  });

  it('judges a page by the declaration of its type, not by its page name', () => {
    const c = ctx({ schema: { events: { ...SCHEMA.events, page: declared(['ads']), Pricing: declared(['service']) } } });
    const page = trackedEvent({ type: 'page', name: 'Pricing', timestamp: T0 });
    assert.deepEqual(admitEvent(page, c).withheld, [{ kind: 'event', name: 'page', purposes: ['ads'] }]);
  });

  it('does not let a track event borrow the declaration of a call type by its name', () => {
    // `identify` is declared for `service` (contract): a track event called "identify" is not an
    // identify call, so it must not be kept on that basis.
    const c = ctx({ schema: { undeclaredPurposes: ['ads'] } });
    for (const name of ['identify', 'page', 'screen', 'group', 'alias']) {
      const admitted = admitEvent(track(T0, name, { anything: 'goes' }), c);
      assert.equal(admitted.event, null, name);
      assert.deepEqual(admitted.undeclared, [`event:${name}`], name);
    }
  });
});

describe('admitEvent: traits', () => {
  it('removes each identify trait without a basis and keeps the others', () => {
    const event = identify({ email: 'kim@example.com', plan: 'pro', interests: ['golf'], invoiceAddress: 'Main St 1' });
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(admitted.event?.traits, { plan: 'pro', invoiceAddress: 'Main St 1' });
    assert.deepEqual(admitted.withheld, [
      { kind: 'trait', name: 'email', purposes: ['newsletter'] },
      { kind: 'trait', name: 'interests', purposes: ['ads'] },
    ]);
    assert.deepEqual(admitted.undeclared, []);
  });

  it('removes an email without a basis everywhere, so that it cannot become an identity', () => {
    const event = identify(
      { email: 'kim@example.com', $set: { email: 'kim@example.com' }, $set_once: { email: 'kim@example.com' } },
      { traits: { email: 'kim@example.com', $set: { email: 'kim@example.com' } } },
    );
    const admitted = admitEvent(event, ctx());
    const json = JSON.stringify(admitted.event);
    assert.equal(json.includes('kim@example.com'), false, json);
    assert.deepEqual(admitted.withheld, [{ kind: 'trait', name: 'email', purposes: ['newsletter'] }], 'reported once');
  });

  it('keeps the email once the newsletter consent is granted', () => {
    const event = identify({ email: 'kim@example.com' });
    const admitted = admitEvent(event, ctx({ consent: consentOf({ newsletter: true }) }));
    assert.equal(admitted.event, event);
    assert.deepEqual(admitted.withheld, []);
  });

  it('filters context.traits of any event type', () => {
    const event = trackedEvent({
      type: 'track', name: 'Order Completed', timestamp: T0, properties: { total: 10 },
      context: { traits: { email: 'kim@example.com', plan: 'pro' }, page: { path: '/checkout' } },
    });
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(admitted.event?.context, { traits: { plan: 'pro' }, page: { path: '/checkout' } });
    assert.deepEqual(admitted.event?.properties, { total: 10 }, 'properties follow the event');
  });

  it('filters inside $set and $set_once, and keeps $unset as sent', () => {
    const event = identify({
      $set: { plan: 'pro', interests: ['golf'] },
      $set_once: { email: 'kim@example.com', invoiceAddress: 'Main St 1' },
      $unset: ['email', 'interests'],
    });
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(admitted.event?.traits, { $set: { plan: 'pro' }, $set_once: { invoiceAddress: 'Main St 1' }, $unset: ['email', 'interests'] });
    assert.deepEqual(admitted.withheld.map((w) => w.name), ['interests', 'email']);
    assert.deepEqual(admitted.undeclared, [], '$unset, $set and $set_once are operators, not traits');
  });

  it('keeps $unset even where undeclared data has no basis: removing data needs none', () => {
    const admitted = admitEvent(identify({ $unset: ['interests'], interests: ['golf'] }), ctx({ schema: { undeclaredPurposes: ['ads'] } }));
    assert.deepEqual(admitted.event?.traits, { $unset: ['interests'] });
    assert.deepEqual(admitted.undeclared, []);
  });

  it('judges a $set that is not an object as an ordinary (undeclared) trait', () => {
    const c = ctx({ schema: { undeclaredPurposes: ['ads'] } });
    const admitted = admitEvent(identify({ $set: 'plan=pro', plan: 'pro' }), c);
    assert.deepEqual(admitted.event?.traits, { plan: 'pro' });
    assert.deepEqual(admitted.withheld, [{ kind: 'trait', name: '$set', purposes: ['ads'] }]);
    assert.deepEqual(admitted.undeclared, ['trait:$set']);
  });

  it('keeps a trait with several purposes when any of them has a basis', () => {
    const event = identify({ favouriteColour: 'teal' });
    assert.deepEqual(admitEvent(event, ctx()).withheld, [{ kind: 'trait', name: 'favouriteColour', purposes: ['ads', 'newsletter'] }]);
    assert.equal(admitEvent(event, ctx({ consent: consentOf({ newsletter: true }) })).event, event);
    assert.equal(admitEvent(event, ctx({ consent: consentOf({ ads: true }) })).event, event);
  });

  it('reports a trait withheld in several places once', () => {
    const event = identify({ interests: ['a'], $set: { interests: ['b'] } }, { traits: { interests: ['c'], $set_once: { interests: ['d'] } } });
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(admitted.withheld, [{ kind: 'trait', name: 'interests', purposes: ['ads'] }]);
    assert.deepEqual(admitted.event?.traits, { $set: {} });
    assert.deepEqual(admitted.event?.context.traits, { $set_once: {} });
  });

  it('leaves a context.traits that is not an object alone', () => {
    for (const traits of [null, 'x', ['email'], 3]) {
      const event = identify({ email: 'kim@example.com' }, { traits });
      const admitted = admitEvent(event, ctx());
      assert.deepEqual(admitted.event?.context, { traits }, JSON.stringify(traits));
    }
  });
});

describe('admitEvent: undeclared data (lenient mode)', () => {
  it('keeps an undeclared event when the undeclared purposes have a basis, and reports it', () => {
    const event = track(T0, 'Wishlist Shared');
    const admitted = admitEvent(event, ctx());
    assert.equal(admitted.event, event);
    assert.deepEqual(admitted.undeclared, ['event:Wishlist Shared']);
    assert.deepEqual(admitted.withheld, []);
  });

  it('withholds an undeclared event when the undeclared purposes have no basis, and still reports it', () => {
    const admitted = admitEvent(track(T0, 'Wishlist Shared'), ctx({ schema: { undeclaredPurposes: ['ads'] } }));
    assert.equal(admitted.event, null);
    assert.deepEqual(admitted.withheld, [{ kind: 'event', name: 'Wishlist Shared', purposes: ['ads'] }]);
    assert.deepEqual(admitted.undeclared, ['event:Wishlist Shared']);
  });

  it('reports a track event without a name as "event:track"', () => {
    assert.deepEqual(admitEvent(trackedEvent({ type: 'track', name: null, timestamp: T0 }), ctx()).undeclared, ['event:track']);
  });

  it('judges undeclared traits by the undeclared purposes and reports each once', () => {
    const event = identify({ shoeSize: 42, plan: 'pro', $set: { shoeSize: 43, petName: 'Rex' } }, { traits: { shoeSize: 44 } });
    const kept = admitEvent(event, ctx());
    assert.equal(kept.event, event);
    assert.deepEqual(kept.undeclared, ['trait:shoeSize', 'trait:petName']);

    const strippedAdmission = admitEvent(event, ctx({ schema: { undeclaredPurposes: ['ads'] } }));
    assert.deepEqual(strippedAdmission.event?.traits, { plan: 'pro', $set: {} });
    assert.deepEqual(strippedAdmission.event?.context.traits, {});
    assert.deepEqual(strippedAdmission.undeclared, ['trait:shoeSize', 'trait:petName']);
    assert.deepEqual(strippedAdmission.withheld, [
      { kind: 'trait', name: 'shoeSize', purposes: ['ads'] },
      { kind: 'trait', name: 'petName', purposes: ['ads'] },
    ]);
  });

  it('reports an undeclared event and its undeclared traits together', () => {
    const event = trackedEvent({ type: 'track', name: 'Quiz Done', timestamp: T0, context: { traits: { score: 3, plan: 'pro' } } });
    assert.deepEqual(admitEvent(event, ctx()).undeclared, ['event:Quiz Done', 'trait:score']);
  });
});

describe('admitEvent: Global Privacy Control', () => {
  const consented = consentOf({ ads: true, newsletter: true });

  it('turns the configured purposes off even when consented', () => {
    const clicked = track(T0, 'Ad Clicked');
    assert.notEqual(admitEvent(clicked, ctx({ consent: consented, gpcPurposes: ['ads'] })).event, null, 'no signal');
    const signalled = { ...clicked, context: { gpc: true } };
    const admitted = admitEvent(signalled, ctx({ consent: consented, gpcPurposes: ['ads'] }));
    assert.equal(admitted.event, null);
    assert.deepEqual(admitted.withheld, [{ kind: 'event', name: 'Ad Clicked', purposes: ['ads'] }]);
  });

  it('keeps the event and the traits whose other purposes stand, and strips the rest', () => {
    const event = identify({ interests: ['golf'], favouriteColour: 'teal', email: 'kim@example.com' }, { gpc: true });
    const admitted = admitEvent(event, ctx({ consent: consented, gpcPurposes: ['ads'] }));
    assert.deepEqual(admitted.event?.traits, { favouriteColour: 'teal', email: 'kim@example.com' });
    assert.deepEqual(admitted.withheld, [{ kind: 'trait', name: 'interests', purposes: ['ads'] }]);
  });

  it('leaves purposes that are not configured alone', () => {
    const opened = { ...track(T0, 'Newsletter Opened'), context: { gpc: true } };
    assert.notEqual(admitEvent(opened, ctx({ consent: consented, gpcPurposes: ['ads'] })).event, null);
  });

  it('is not honoured when no purposes are configured', () => {
    const clicked = { ...track(T0, 'Ad Clicked'), context: { gpc: true } };
    assert.notEqual(admitEvent(clicked, ctx({ consent: consented, gpcPurposes: [] })).event, null);
  });

  it('also switches off a configured purpose on legitimate interest (an objection, Art. 21(5))', () => {
    const page = trackedEvent({ type: 'page', timestamp: T0, context: { gpc: true } });
    assert.equal(admitEvent(page, ctx({ gpcPurposes: ['stats'] })).event, null);
  });

  it('counts only the boolean true as a signal', () => {
    for (const gpc of ['true', 1, '1', false, null, {}]) {
      const clicked = { ...track(T0, 'Ad Clicked'), context: { gpc } };
      assert.notEqual(admitEvent(clicked, ctx({ consent: consented, gpcPurposes: ['ads'] })).event, null, JSON.stringify(gpc));
    }
  });
});

describe('admitEvent: consent and system entries', () => {
  for (const type of ['consent', 'system'] as const) {
    it(`always keeps ${type} entries whole, whatever the schema, consent and GPC say`, () => {
      const event = trackedEvent({
        type, name: 'anything', timestamp: T0,
        traits: { email: 'kim@example.com', interests: ['golf'] }, context: { gpc: true, traits: { interests: ['golf'] } },
      });
      const c = ctx({ schema: { mode: 'strict', undeclaredPurposes: ['ads'] }, gpcPurposes: ['ads', 'newsletter', 'service', 'stats'] });
      assert.deepEqual(admitEvent(event, c), { event, withheld: [], undeclared: [] });
      assert.equal(admitEvent(event, c).event, event);
    });
  }
});

describe('admitEvent: purity', () => {
  it('does not mutate the event; returns a copy when something is stripped', () => {
    const event = identify(
      { email: 'kim@example.com', plan: 'pro', $set: { interests: ['golf'], plan: 'pro' } },
      { traits: { email: 'kim@example.com' }, ip: '1.2.3.0' },
    );
    const before = structuredClone(event);
    const admitted = admitEvent(event, ctx());
    assert.deepEqual(event, before);
    assert.notEqual(admitted.event, event);
    assert.notEqual(admitted.event?.traits, event.traits);
    assert.notEqual(admitted.event?.context, event.context);
    assert.deepEqual({ ...admitted.event, traits: event.traits, context: event.context }, event, 'only traits and context differ');
  });

  it('returns the same event object when nothing is stripped', () => {
    const event = identify({ plan: 'pro', $set: { plan: 'pro' }, $unset: ['email'] }, { traits: { plan: 'pro' } });
    assert.equal(admitEvent(event, ctx()).event, event);
  });

  it('does not mutate the context it is given', () => {
    const c = ctx({ consent: consentOf({ ads: true }) });
    const before = structuredClone({ ...c, purposes: [...c.purposes] });
    admitEvent(identify({ interests: ['x'], email: 'kim@example.com' }, { gpc: true }), c);
    assert.deepEqual(structuredClone({ ...c, purposes: [...c.purposes] }), before);
  });
});

describe('admitEvent: names that collide with Object.prototype', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('treats such event names as undeclared, judged by the undeclared purposes', () => {
    const strictAds = ctx({ schema: { undeclaredPurposes: ['ads'] } });
    for (const name of names) {
      const admitted = admitEvent(track(T0, name), strictAds);
      assert.equal(admitted.event, null, name);
      assert.deepEqual(admitted.undeclared, [`event:${name}`], name);
      assert.notEqual(admitEvent(track(T0, name), ctx()).event, null, `${name} kept on stats`);
    }
  });

  it('treats such trait names as undeclared traits, kept as own properties when they have a basis', () => {
    for (const name of names) {
      const event = identify(fromJson(`{${JSON.stringify(name)}: "v", "email": "kim@example.com"}`));
      const admitted = admitEvent(event, ctx());
      assert.deepEqual(admitted.undeclared, [`trait:${name}`], name);
      const traits = admitted.event!.traits;
      assert.equal(Object.getPrototypeOf(traits), Object.prototype, name);
      assert.equal(Object.hasOwn(traits, name), true, name);
      assert.deepEqual(Object.keys(traits), [name], name);
    }
  });

  it('does not let a "__proto__" trait smuggle a withheld email back in through the prototype', () => {
    const event = identify(fromJson('{"email": "kim@example.com", "__proto__": {"email": "smuggled@example.com"}}'));
    const admitted = admitEvent(event, ctx());
    const traits = admitted.event!.traits;
    assert.equal(Object.getPrototypeOf(traits), Object.prototype);
    assert.equal(traits.email, undefined);
    assert.deepEqual(admitted.withheld, [{ kind: 'trait', name: 'email', purposes: ['newsletter'] }]);
  });

  it('strips a "__proto__" trait without a basis, inside $set too', () => {
    const event = identify(fromJson('{"__proto__": {"x": 1}, "$set": {"__proto__": {"y": 2}, "plan": "pro"}}'));
    const admitted = admitEvent(event, ctx({ schema: { undeclaredPurposes: ['ads'] } }));
    const traits = admitted.event!.traits;
    assert.equal(Object.hasOwn(traits, '__proto__'), false);
    assert.equal(Object.getPrototypeOf(traits), Object.prototype);
    assert.equal(Object.getPrototypeOf(traits.$set), Object.prototype);
    assert.deepEqual(traits.$set, { plan: 'pro' });
  });

  it('finds no basis in an empty consent state for a consent purpose named like an Object member', () => {
    for (const name of ['constructor', 'toString', 'valueOf']) {
      const c = admitContext({ purposes: [purpose(name, 'consent')], consent: {} });
      assert.equal(hasLegalBasis(name, c, false), false, name);
    }
  });
});
