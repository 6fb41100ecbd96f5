/**
 * The identity policy (src/core/identity/resolve-identity.ts, whose header is the spec), case by
 * case: creating, attaching, merging into the strongest identifier's owner, the shared device, two
 * known users kept apart, explicit aliases, caps, and idempotence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveIdentity } from '../../../src/core/identity/resolve-identity.js';
import { applyDecision, describeDecision, inputFor, world, type EventSpec, type World } from './identity-world.js';

const resolve = (w: World, spec: EventSpec) => resolveIdentity(inputFor(w, spec));
const describeResolve = (w: World, spec: EventSpec) => describeDecision(resolve(w, spec));
const SMALL_CAPS = { user_id: 3, email: 2, anonymous_id: 2 };

describe('no identifier is owned yet', () => {
  it('creates a profile with every identifier, strongest first', () => {
    assert.deepEqual(describeResolve(world({}), { keys: ['a:device-1', 'e:karo@example.com', 'u:karo'] }), {
      profileId: null, merge: {}, attach: ['u:karo', 'e:karo@example.com', 'a:device-1'], refused: [],
    });
  });

  it('creates a profile for an anonymous visitor', () => {
    assert.deepEqual(describeResolve(world({ P1: ['a:other'] }), { keys: ['a:device-1'] }), {
      profileId: null, merge: {}, attach: ['a:device-1'], refused: [],
    });
  });

  it('considers a repeated identifier once', () => {
    assert.deepEqual(describeResolve(world({}), { keys: ['u:karo', 'a:device-1', 'a:device-1', 'u:karo'] }).attach, ['u:karo', 'a:device-1']);
  });

  it('creates an empty profile for an event without identifiers (validation never lets one through)', () => {
    assert.deepEqual(describeResolve(world({}), { keys: [] }), { profileId: null, merge: {}, attach: [], refused: [] });
  });
});

describe('one owner', () => {
  it('gets the identifiers it lacks: identify on a known device', () => {
    const w = world({ P1: ['a:device-1'] });
    assert.deepEqual(describeResolve(w, { keys: ['a:device-1', 'u:karo', 'e:karo@example.com'] }), {
      profileId: 'P1', merge: {}, attach: ['u:karo', 'e:karo@example.com'], refused: [],
    });
  });

  it('gets a new device when the known user logs in on it', () => {
    const w = world({ P1: ['u:karo', 'a:laptop'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:karo', 'a:phone'] }), { profileId: 'P1', merge: {}, attach: ['a:phone'], refused: [] });
  });

  it('changes nothing when it owns everything already', () => {
    const w = world({ P1: ['u:karo', 'a:laptop', 'e:karo@example.com'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:karo', 'a:laptop', 'e:karo@example.com'] }), { profileId: 'P1', merge: {}, attach: [], refused: [] });
  });
});

describe('several owners are one person', () => {
  it('two anonymous profiles linked by an email merge into the email owner', () => {
    const w = world({ LAPTOP: ['a:laptop'], PHONE: ['a:phone', 'e:karo@example.com'] });
    assert.deepEqual(describeResolve(w, { keys: ['a:laptop', 'e:karo@example.com'] }), {
      profileId: 'PHONE', merge: { LAPTOP: 'a:laptop' }, attach: [], refused: [],
    });
  });

  it('two anonymous profiles linked by a userId merge into the userId owner', () => {
    const w = world({ LAPTOP: ['a:laptop'], PHONE: ['a:phone', 'u:karo'] });
    assert.deepEqual(describeResolve(w, { keys: ['a:laptop', 'u:karo'] }), {
      profileId: 'PHONE', merge: { LAPTOP: 'a:laptop' }, attach: [], refused: [],
    });
  });

  it('merge into the owner of the strongest identifier: user_id over email over anonymous_id', () => {
    const w = world({ BY_ANON: ['a:device-1'], BY_EMAIL: ['e:karo@example.com'], BY_USER: ['u:karo'] });
    assert.deepEqual(describeResolve(w, { keys: ['a:device-1', 'e:karo@example.com', 'u:karo'] }), {
      profileId: 'BY_USER', merge: { BY_EMAIL: 'e:karo@example.com', BY_ANON: 'a:device-1' }, attach: [], refused: [],
    });
  });

  it('an unowned userId joins the profile of the strongest owned identifier, which absorbs the rest', () => {
    const w = world({ BY_ANON: ['a:device-1'], BY_EMAIL: ['e:karo@example.com'] });
    assert.deepEqual(describeResolve(w, { keys: ['a:device-1', 'e:karo@example.com', 'u:karo'] }), {
      profileId: 'BY_EMAIL', merge: { BY_ANON: 'a:device-1' }, attach: ['u:karo'], refused: [],
    });
  });

  it('a known user logging in on an anonymous device absorbs that device', () => {
    const w = world({ USER: ['u:karo', 'a:laptop'], DEVICE: ['a:phone'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:karo', 'a:phone'] }), { profileId: 'USER', merge: { DEVICE: 'a:phone' }, attach: [], refused: [] });
  });
});

describe('the shared device', () => {
  // Anna used the family laptop; now Ben logs in on it.
  const laptop = () => world({ ANNA: ['u:anna', 'a:laptop'] });

  it('a new userId on a device owned by another known user gets a NEW profile; the device link is refused', () => {
    const d = resolve(laptop(), { keys: ['u:ben', 'a:laptop'] });
    assert.deepEqual(describeDecision(d), { profileId: null, merge: {}, attach: ['u:ben'], refused: [{ key: 'a:laptop', ownerId: 'ANNA' }] });
    assert.match(d.refused[0]!.reason, /different known users.*explicit alias/);
  });

  it('never attaches the new user to the device owner, and keeps refusing on every later event', () => {
    const w = laptop();
    const ben = applyDecision(w, resolve(w, { keys: ['u:ben', 'a:laptop'] }), () => 'BEN');
    assert.deepEqual(w.get('ANNA')!.map((k) => k.value), ['anna', 'laptop'], 'Anna is untouched');
    assert.deepEqual(w.get(ben)!.map((k) => k.value), ['ben']);
    assert.deepEqual(describeResolve(w, { keys: ['u:ben', 'a:laptop'] }), { profileId: 'BEN', merge: {}, attach: [], refused: [{ key: 'a:laptop', ownerId: 'ANNA' }] });
    assert.deepEqual(describeResolve(w, { keys: ['a:laptop'] }).profileId, 'ANNA', 'anonymous events of the device stay with its owner');
  });

  it('an email typed by another known user does not merge them either', () => {
    const w = world({ ANNA: ['u:anna', 'e:family@example.com'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:ben', 'e:family@example.com'] }), {
      profileId: null, merge: {}, attach: ['u:ben'], refused: [{ key: 'e:family@example.com', ownerId: 'ANNA' }],
    });
  });
});

describe('two known users never merge without an explicit alias', () => {
  const two = () => world({ ANNA: ['u:anna', 'a:laptop'], BEN: ['u:ben', 'e:ben@example.com', 'a:phone'] });

  it('userId of one and email of the other: the event goes to the userId, the email stays', () => {
    assert.deepEqual(describeResolve(two(), { keys: ['u:anna', 'e:ben@example.com'] }), {
      profileId: 'ANNA', merge: {}, attach: [], refused: [{ key: 'e:ben@example.com', ownerId: 'BEN' }],
    });
  });

  it('email of one and device of the other (no userId): the event goes to the email owner', () => {
    assert.deepEqual(describeResolve(two(), { keys: ['a:laptop', 'e:ben@example.com'] }), {
      profileId: 'BEN', merge: {}, attach: [], refused: [{ key: 'a:laptop', ownerId: 'ANNA' }],
    });
  });

  it('every identifier of a refused profile is refused, each once', () => {
    const d = resolve(two(), { keys: ['u:anna', 'e:ben@example.com', 'a:phone'] });
    assert.deepEqual(describeDecision(d).refused, [{ key: 'e:ben@example.com', ownerId: 'BEN' }, { key: 'a:phone', ownerId: 'BEN' }]);
    assert.match(d.refused[1]!.reason, /merge with its profile was refused/);
  });

  it('an anonymous profile between them joins the target only', () => {
    const w = world({ ANNA: ['u:anna'], BEN: ['u:ben', 'e:ben@example.com'], TABLET: ['a:tablet'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:anna', 'e:ben@example.com', 'a:tablet'] }), {
      profileId: 'ANNA', merge: { TABLET: 'a:tablet' }, attach: [], refused: [{ key: 'e:ben@example.com', ownerId: 'BEN' }],
    });
  });
});

describe('explicit alias', () => {
  it('merges two known users: previousId into userId', () => {
    const w = world({ NEW: ['u:crm-2'], OLD: ['u:crm-1', 'a:laptop'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:crm-2', 'u:crm-1'], alias: { userId: 'u:crm-2', previous: ['u:crm-1'] } }), {
      profileId: 'NEW', merge: { OLD: 'u:crm-1' }, attach: [], refused: [],
    });
  });

  it('previousId unknown: a new profile gets userId and previousId', () => {
    assert.deepEqual(describeResolve(world({}), { keys: ['u:karo', 'a:old-anon'], alias: { userId: 'u:karo', previous: ['a:old-anon'] } }), {
      profileId: null, merge: {}, attach: ['u:karo', 'a:old-anon'], refused: [],
    });
  });

  it('previousId anonymous and owned, userId new: the anonymous profile gets the userId', () => {
    const w = world({ ANON: ['a:old-anon'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:karo', 'a:old-anon'], alias: { userId: 'u:karo', previous: ['a:old-anon'] } }), {
      profileId: 'ANON', merge: {}, attach: ['u:karo'], refused: [],
    });
  });

  it('previousId a known user, userId new: that profile gets the second userId', () => {
    const w = world({ OLD: ['u:crm-1'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:crm-2', 'u:crm-1'], alias: { userId: 'u:crm-2', previous: ['u:crm-1'] } }), {
      profileId: 'OLD', merge: {}, attach: ['u:crm-2'], refused: [],
    });
  });

  it('is refused when the merged profile would hold more user ids than the cap', () => {
    const w = world({ NEW: ['u:a', 'u:b'], OLD: ['u:c', 'u:d'] });
    const d = resolve(w, { keys: ['u:a', 'u:c'], alias: { userId: 'u:a', previous: ['u:c'] } });
    assert.deepEqual(describeDecision(d), { profileId: 'NEW', merge: {}, attach: [], refused: [{ key: 'u:c', ownerId: 'OLD' }] });
    assert.match(d.refused[0]!.reason, /4 user_id identities; the cap is 3/);
  });

  it('merges exactly up to the cap', () => {
    const w = world({ NEW: ['u:a', 'u:b'], OLD: ['u:c'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:a', 'u:c'], alias: { userId: 'u:a', previous: ['u:c'] } }).merge, { OLD: 'u:c' });
  });

  it('vouches only for previousId: an alias sent from a shared device does not pull in the device owner', () => {
    // Ben aliases his old CRM id on the laptop that belongs to Anna's profile.
    const w = world({ BEN: ['u:ben'], BEN_OLD: ['u:ben-old'], ANNA: ['u:anna', 'a:laptop'] });
    const d = resolve(w, { keys: ['u:ben', 'a:laptop', 'u:ben-old'], alias: { userId: 'u:ben', previous: ['u:ben-old'] } });
    assert.deepEqual(describeDecision(d), { profileId: 'BEN', merge: { BEN_OLD: 'u:ben-old' }, attach: [], refused: [{ key: 'a:laptop', ownerId: 'ANNA' }] });
  });

  it('vouches only for previousId: a new userId does not join the device owner through the device', () => {
    const w = world({ ANNA: ['u:anna', 'a:laptop'] });
    assert.deepEqual(describeResolve(w, { keys: ['u:ben', 'a:laptop', 'a:ben-old-anon'], alias: { userId: 'u:ben', previous: ['a:ben-old-anon'] } }), {
      profileId: null, merge: {}, attach: ['u:ben', 'a:ben-old-anon'], refused: [{ key: 'a:laptop', ownerId: 'ANNA' }],
    });
  });

  it('without aliasPrevious (callers written before it) vouches for every link of the event', () => {
    const w = world({ BEN: ['u:ben'], ANNA: ['u:anna', 'a:laptop'] });
    const input = inputFor(w, { keys: ['u:ben', 'a:laptop'], alias: { userId: 'u:ben', previous: [] } });
    delete input.aliasPrevious;
    assert.deepEqual(describeDecision(resolveIdentity(input)).merge, { ANNA: 'a:laptop' });
  });
});

describe('caps per kind', () => {
  it('refuses to attach an identifier to a profile at its cap', () => {
    const w = world({ P: ['u:karo', 'a:1', 'a:2'] });
    const d = resolve(w, { keys: ['u:karo', 'a:3'], caps: SMALL_CAPS });
    assert.deepEqual(describeDecision(d), { profileId: 'P', merge: {}, attach: [], refused: [{ key: 'a:3', ownerId: null }] });
    assert.match(d.refused[0]!.reason, /3 anonymous_id identities; the cap is 2/);
  });

  it('refuses an email beyond the email cap the same way', () => {
    const w = world({ P: ['u:karo', 'e:1@example.com', 'e:2@example.com'] });
    assert.deepEqual(describeDecision(resolve(w, { keys: ['u:karo', 'e:3@example.com'], caps: SMALL_CAPS })).refused, [{ key: 'e:3@example.com', ownerId: null }]);
  });

  it('refuses a merge whose union would exceed a cap, and allows one that reaches it exactly', () => {
    const over = world({ SHARED: ['e:info@example.com', 'a:1'], VISITOR: ['a:2', 'a:3'] });
    const d = resolve(over, { keys: ['e:info@example.com', 'a:2'], caps: SMALL_CAPS });
    assert.deepEqual(describeDecision(d), { profileId: 'SHARED', merge: {}, attach: [], refused: [{ key: 'a:2', ownerId: 'VISITOR' }] });
    assert.match(d.refused[0]!.reason, /cap is 2/);
    const exact = world({ SHARED: ['e:info@example.com', 'a:1'], VISITOR: ['a:2'] });
    assert.deepEqual(describeResolve(exact, { keys: ['e:info@example.com', 'a:2'], caps: SMALL_CAPS }).merge, { VISITOR: 'a:2' });
  });

  it('gives the strongest identifier a new profile when it cannot join the only owner', () => {
    const w = world({ P: ['a:1', 'e:1@example.com', 'e:2@example.com'] });
    assert.deepEqual(describeResolve(w, { keys: ['e:3@example.com', 'a:1'], caps: SMALL_CAPS }), {
      profileId: null, merge: {}, attach: ['e:3@example.com'], refused: [{ key: 'a:1', ownerId: 'P' }],
    });
  });

  it('counts identifiers attached by the same event towards the cap', () => {
    assert.deepEqual(describeDecision(resolve(world({}), { keys: ['a:1', 'u:karo', 'e:1@example.com'], caps: { user_id: 1, email: 0, anonymous_id: 1 } })), {
      profileId: null, merge: {}, attach: ['u:karo', 'a:1'], refused: [{ key: 'e:1@example.com', ownerId: null }],
    });
  });
});

describe('idempotence: the same event again changes nothing', () => {
  const scenarios: Array<[string, Record<string, string[]>, EventSpec]> = [
    ['create', {}, { keys: ['u:karo', 'e:karo@example.com', 'a:1'] }],
    ['attach', { P: ['a:1'] }, { keys: ['u:karo', 'a:1'] }],
    ['merge', { P1: ['a:1'], P2: ['e:karo@example.com'] }, { keys: ['e:karo@example.com', 'a:1'] }],
    ['shared device', { ANNA: ['u:anna', 'a:1'] }, { keys: ['u:ben', 'a:1'] }],
    ['two users', { ANNA: ['u:anna'], BEN: ['u:ben', 'e:ben@example.com'] }, { keys: ['u:anna', 'e:ben@example.com'] }],
    ['cap', { P: ['u:karo', 'a:1', 'a:2'] }, { keys: ['u:karo', 'a:3'], caps: SMALL_CAPS }],
    ['alias', { NEW: ['u:new'], OLD: ['u:old'] }, { keys: ['u:new', 'u:old'], alias: { userId: 'u:new', previous: ['u:old'] } }],
  ];
  for (const [name, profiles, spec] of scenarios) {
    it(name, () => {
      const w = world(profiles);
      const first = resolve(w, spec);
      const target = applyDecision(w, first, () => 'NEW-PROFILE');
      const again = resolve(w, spec);
      assert.equal(again.profileId, target);
      assert.deepEqual(again.attach, []);
      assert.equal(again.merge.size, 0);
      assert.deepEqual(describeDecision(again).refused, describeDecision(first).refused, 'the same refusals, nothing new');
    });
  }
});
