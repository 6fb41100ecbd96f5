/**
 * Each role against each route group (issue 19 §1): a sample read and change per group, signed in
 * as each role, allowed and forbidden as the role table of docs/admin.md says (written out here by
 * hand, not derived from the policy under test). Allowed means "not refused": the answer may still
 * be a 400 or 404 of the route itself. A refusal is 403 `forbidden` naming the roles needed, and
 * changes nothing. The admin key is still allowed everything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES, type Role } from '../../src/core/access/roles.js';
import { ADMIN_KEY, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { jsonRequest, userWithRole, type SignedIn } from '../support/sessions.js';
import { assertError } from './api-helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Sample { group: string; method: Method; url: string; body?: unknown; allowed: readonly Role[] }

const ALL = ROLES;
const MARKETING: Role[] = ['admin', 'marketer'];
const PROFILE_READERS: Role[] = ['admin', 'marketer', 'analyst', 'privacy_officer'];
const PRIVACY: Role[] = ['admin', 'privacy_officer'];
const ADMIN: Role[] = ['admin'];

const SAMPLES: Sample[] = [
  { group: 'Profiles', method: 'GET', url: '/v1/profiles', allowed: PROFILE_READERS },
  { group: 'Profiles', method: 'GET', url: '/v1/profiles/ref-user/events', allowed: PROFILE_READERS },
  { group: 'Profiles', method: 'POST', url: '/v1/profiles/nobody/unmerge', body: {}, allowed: ['admin', 'marketer', 'privacy_officer'] },
  { group: 'Privacy: erasure', method: 'DELETE', url: '/v1/profiles/nobody-to-erase', allowed: PRIVACY },
  { group: 'Privacy: export', method: 'GET', url: '/v1/profiles/ref-user/export', allowed: PRIVACY },
  { group: 'Privacy: consent of a person', method: 'GET', url: '/v1/profiles/ref-user/consent', allowed: PROFILE_READERS },
  { group: 'Privacy: audit log', method: 'GET', url: '/v1/privacy/audit', allowed: PRIVACY },
  { group: 'Privacy: report', method: 'GET', url: '/v1/privacy/report', allowed: [...PRIVACY, 'analyst'] },
  { group: 'Privacy: settings', method: 'GET', url: '/v1/privacy/settings', allowed: ALL },
  { group: 'Privacy: settings', method: 'PUT', url: '/v1/privacy/settings', body: { nonsense: true }, allowed: PRIVACY },
  { group: 'Privacy: retention', method: 'POST', url: '/v1/privacy/retention/run', body: {}, allowed: PRIVACY },
  { group: 'Segments', method: 'GET', url: '/v1/segments', allowed: ALL },
  { group: 'Segments', method: 'POST', url: '/v1/segments', body: { id: 'x' }, allowed: MARKETING },
  { group: 'Segments: preview', method: 'POST', url: '/v1/segments/preview', body: {}, allowed: ['admin', 'marketer', 'analyst'] },
  { group: 'Segments: members', method: 'GET', url: '/v1/segments/ref-seg/members', allowed: PROFILE_READERS },
  { group: 'Computed traits', method: 'GET', url: '/v1/computed-traits', allowed: ALL },
  { group: 'Computed traits', method: 'POST', url: '/v1/computed-traits', body: {}, allowed: MARKETING },
  { group: 'Lead scoring', method: 'GET', url: '/v1/scoring', allowed: ALL },
  { group: 'Lead scoring', method: 'PUT', url: '/v1/scoring', body: { nonsense: 1 }, allowed: MARKETING },
  { group: 'Lead scoring: a person', method: 'GET', url: '/v1/profiles/ref-user/score', allowed: PROFILE_READERS },
  { group: 'Forms', method: 'GET', url: '/v1/forms', allowed: ALL },
  { group: 'Forms', method: 'POST', url: '/v1/forms', body: {}, allowed: MARKETING },
  { group: 'Slots', method: 'GET', url: '/v1/slots', allowed: ALL },
  { group: 'Slots', method: 'POST', url: '/v1/slots', body: {}, allowed: MARKETING },
  { group: 'Experiments', method: 'GET', url: '/v1/experiments', allowed: ALL },
  { group: 'Experiments', method: 'POST', url: '/v1/experiments', body: {}, allowed: MARKETING },
  { group: 'Personas', method: 'GET', url: '/v1/personas', allowed: ALL },
  { group: 'Personas', method: 'PUT', url: '/v1/personas/definition', body: {}, allowed: MARKETING },
  { group: 'Email', method: 'GET', url: '/v1/lists', allowed: ALL },
  { group: 'Email', method: 'PUT', url: '/v1/lists/news', body: {}, allowed: MARKETING },
  { group: 'Email: signing keys', method: 'GET', url: '/v1/links/keys', allowed: ADMIN },
  { group: 'Webhooks', method: 'GET', url: '/v1/webhooks', allowed: ADMIN },
  { group: 'Webhooks', method: 'POST', url: '/v1/webhooks', body: {}, allowed: ADMIN },
  { group: 'Dead letters', method: 'GET', url: '/v1/dead-letters', allowed: ADMIN },
  { group: 'Users', method: 'GET', url: '/v1/users', allowed: ADMIN },
  { group: 'Users', method: 'POST', url: '/v1/users', body: {}, allowed: ADMIN },
  { group: 'Recognition', method: 'POST', url: '/v1/recognitions', body: {}, allowed: MARKETING },
  { group: 'Analytics', method: 'GET', url: '/v1/analytics/breakdown?dimension=country', allowed: ['admin', 'marketer', 'analyst'] },
  { group: 'Analytics: the profiles behind a row', method: 'GET', url: '/v1/analytics/breakdown/profiles?dimension=country&value=DE', allowed: ADMIN },
];

let t: TesseraUnderTest;
const sessions = new Map<Role, SignedIn>();
before(async () => {
  t = await startTessera({ sessions: { idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 1000 } });
  assert.equal((await t.collect('/v1/identify', { userId: 'ref-user', traits: { email: 'ref@example.com' } })).statusCode, 200);
  const seg = await jsonRequest(t, 'POST', '/v1/segments', { id: 'ref-seg', name: 'Ref', condition: { trait: { key: 'email', op: 'exists' } } }, { authorization: `Bearer ${ADMIN_KEY}` });
  assert.equal(seg.statusCode, 201, seg.body);
  for (const role of ROLES) sessions.set(role, await userWithRole(t, role, `${role}@roles.example.com`));
});
after(async () => { await t.close(); });

describe('each role against each route group', () => {
  for (const sample of SAMPLES) {
    it(`${sample.group}: ${sample.method} ${sample.url} — ${sample.allowed.join(', ')}`, async () => {
      for (const role of ROLES) {
        const res = await jsonRequest(t, sample.method, sample.url, sample.body, sessions.get(role)!.headers());
        if (sample.allowed.includes(role)) {
          assert.notEqual(res.statusCode, 403, `${role} was refused: ${res.body}`);
          assert.ok(res.statusCode !== 401 && res.statusCode < 500, `${role}: ${res.statusCode} ${res.body}`);
        } else {
          const error = assertError(res, 403, 'forbidden');
          assert.match(error.message, new RegExp(`Your role "${role}" may not .*: this needs the role ${ROLES.filter((r) => sample.allowed.includes(r)).join(' or ')}\\.$`), `${role}: ${error.message}`);
        }
      }
      const key = await jsonRequest(t, sample.method, sample.url, sample.body, { authorization: `Bearer ${ADMIN_KEY}` });
      assert.ok(key.statusCode !== 403 && key.statusCode !== 401 && key.statusCode < 500, `the admin key: ${key.statusCode} ${key.body}`);
    });
  }

  it('a refused change changes nothing, and the refusal is audited under the person\'s name', async () => {
    const viewer = sessions.get('viewer')!;
    const body = { id: 'by-viewer', name: 'No', condition: { trait: { key: 'email', op: 'exists' } } };
    assertError(await jsonRequest(t, 'POST', '/v1/segments', body, viewer.headers()), 403, 'forbidden');
    assert.equal((await t.admin('/v1/segments/by-viewer')).statusCode, 404);
    const audit = JSON.parse((await t.admin('/v1/privacy/audit?limit=200')).body).entries as Array<{ actor: string; action: string; details: { route?: string } }>;
    assert.ok(audit.some((e) => e.actor === 'user:viewer@roles.example.com' && e.action === 'access.refused' && e.details.route === '/v1/segments'));
    const marketer = sessions.get('marketer')!;
    assert.equal((await jsonRequest(t, 'POST', '/v1/segments', body, marketer.headers())).statusCode, 201);
  });

  it('tells each role what it may read and change per surface (GET /v1/session)', async () => {
    const access = async (role: Role) => JSON.parse((await jsonRequest(t, 'GET', '/v1/session', undefined, { cookie: sessions.get(role)!.cookie })).body).access;
    assert.deepEqual((await access('viewer')).Segments, { read: true, change: false });
    assert.deepEqual((await access('marketer')).Segments, { read: true, change: true });
    assert.deepEqual((await access('marketer')).Users, { read: false, change: false });
    assert.deepEqual((await access('privacy_officer')).Privacy, { read: true, change: true });
    assert.deepEqual((await access('analyst')).Profiles, { read: true, change: false });
  });

  it('a role change takes effect on the next request of an open session', async () => {
    const s = await userWithRole(t, 'viewer', 'promoted@roles.example.com');
    assertError(await jsonRequest(t, 'GET', '/v1/profiles', undefined, s.headers()), 403, 'forbidden');
    const admin = sessions.get('admin')!;
    assert.equal((await jsonRequest(t, 'PATCH', `/v1/users/${s.user.id}`, { role: 'analyst' }, admin.headers())).statusCode, 200);
    assert.equal((await jsonRequest(t, 'GET', '/v1/profiles', undefined, s.headers())).statusCode, 200);
  });
});
