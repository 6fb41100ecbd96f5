/**
 * The profile state column leaves out what still has its empty value and fills it back on read:
 * a profile read back is the profile written, for a first-time visitor and for a rich one, and a
 * state written in the older, complete form still reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEvent, emptyBehaviour } from '../../src/core/profiles/behaviour.js';
import { newProfile, type Profile } from '../../src/core/profiles/profile.js';
import { profileFromColumns, profileState } from '../../src/storage/shared/codec.js';
import { MINUTE, pageView, T0, track } from '../core/fixtures.js';

const roundTrip = (p: Profile): Profile => profileFromColumns(
  { id: p.id, workspace_id: p.workspaceId, created_at: p.createdAt, updated_at: p.updatedAt, traits: p.traits, state: JSON.parse(JSON.stringify(profileState(p))) },
  p.identities,
);

describe('profile state column', () => {
  test('the persona link (issue 17) is kept in the profile state, so export and erasure carry it', () => {
    const p = newProfile('prf_p', 'ws', T0);
    p.persona = { modelVersion: 3, personaId: 'p2', probability: 0.8, probabilities: { p1: 0.2, p2: 0.8 }, at: T0, basis: ['profiling'] };
    assert.deepEqual((JSON.parse(JSON.stringify(profileState(p))) as { persona?: unknown }).persona, p.persona);
    assert.deepEqual(roundTrip(p), p);
  });

  test('a first-time visitor reads back as written, from a state without the empty fields', () => {
    const p = newProfile('prf_1', 'ws', T0);
    applyEvent(p.behaviour, pageView(T0, 'https://acme.example/pricing?utm_source=news&utm_medium=email&utm_campaign=fall', { category: 'pricing' }));
    const stored = JSON.parse(JSON.stringify(profileState(p))) as { behaviour: object };
    assert.deepEqual(Object.keys(stored), ['behaviour'], 'no empty traitMeta, mergeRefusals, consent');
    for (const left of ['email', 'groups', 'lastTouch', 'previousPage']) assert.ok(!(left in stored.behaviour), `${left} is left out`);
    assert.ok('firstTouch' in stored.behaviour);
    assert.deepEqual(roundTrip(p), p);
  });

  test('a profile with email, groups, touches, refusals and consent reads back as written', () => {
    const p = newProfile('prf_2', 'ws', T0);
    applyEvent(p.behaviour, pageView(T0, 'https://acme.example/?utm_source=google&utm_medium=cpc', { category: 'home' }));
    applyEvent(p.behaviour, pageView(T0 + MINUTE, 'https://acme.example/docs', { category: 'docs' }));
    applyEvent(p.behaviour, track(T0 + 2 * MINUTE, 'Email Opened'));
    applyEvent(p.behaviour, pageView(T0 + 40 * MINUTE, 'https://acme.example/blog?utm_source=linkedin&utm_medium=social', { category: 'blog' }));
    p.behaviour.groups.push('acme');
    p.mergeRefusals['email'] = { at: T0, reason: 'cap', otherProfileId: 'prf_9' } as unknown as Profile['mergeRefusals'][string];
    p.consent = { marketing: { granted: true, at: T0, messageId: 'm1' } } as unknown as Profile['consent'];
    assert.notDeepEqual(p.behaviour.lastTouch, p.behaviour.firstTouch);
    assert.deepEqual(roundTrip(p), p);
  });

  test('the activity histogram is stored sparse (only hours and devices with actions) and reads back dense; the dense form written before still reads', () => {
    const p = newProfile('prf_4', 'ws', T0);
    applyEvent(p.behaviour, pageView(T0, 'https://acme.example/', { category: 'home' }));
    applyEvent(p.behaviour, track(T0 + MINUTE, 'Clicked'));
    const hour = new Date(T0).getUTCDay() * 24 + new Date(T0).getUTCHours();
    assert.equal(p.behaviour.activity?.hours[hour], 2);
    const stored = JSON.parse(JSON.stringify(profileState(p))) as { behaviour: { activity: { hours: Record<string, number> } } };
    assert.deepEqual(stored.behaviour.activity.hours, { [hour]: 2 }, 'no zeros stored');
    assert.deepEqual(roundTrip(p), p);
    const dense = { hours: p.behaviour.activity!.hours, devices: p.behaviour.activity!.devices };
    const old = profileFromColumns({ id: 'prf_4', workspace_id: 'ws', created_at: T0, updated_at: T0, traits: {}, state: { behaviour: { ...stored.behaviour, activity: dense } as never } }, []);
    assert.deepEqual(old.behaviour.activity, p.behaviour.activity);
  });

  test('a state in the complete form written before still reads', () => {
    const behaviour = { ...emptyBehaviour(), firstSeenAt: T0, lastSeenAt: T0, eventCount: 1, counts: { page: 1 }, pageViews: 1 };
    const p = profileFromColumns({ id: 'prf_3', workspace_id: 'ws', created_at: T0, updated_at: T0, traits: {}, state: { traitMeta: {}, behaviour, mergeRefusals: {}, consent: {} } }, []);
    assert.deepEqual(p.behaviour, behaviour);
    assert.deepEqual([p.traitMeta, p.mergeRefusals, p.consent], [{}, {}, {}]);
  });
});
