/** The role policy of admin routes (core/access/route-policy.ts), pure. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { allows, refusal, requirementFor, TAG_RULES } from '../../../src/core/access/route-policy.js';
import { ROLES } from '../../../src/core/access/roles.js';

it('reads are GET and HEAD; every other method changes', () => {
  assert.deepEqual(requirementFor({ method: 'GET', path: '/v1/segments', tags: ['Segments'] }).roles, ROLES);
  assert.deepEqual(requirementFor({ method: 'HEAD', path: '/v1/segments', tags: ['Segments'] }).roles, ROLES);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    assert.deepEqual(requirementFor({ method, path: '/v1/segments/{id}', tags: ['Segments'] }).roles, ['admin', 'marketer'], method);
  }
});

it('a route with several tags needs what every tag asks', () => {
  assert.deepEqual(requirementFor({ method: 'DELETE', path: '/v1/profiles/{id}', tags: ['Profiles', 'Privacy'] }).roles, ['admin', 'privacy_officer']);
  assert.deepEqual(requirementFor({ method: 'POST', path: '/v1/profiles/{id}/lifecycle', tags: ['Lead scoring', 'Profiles'] }).roles, ['admin', 'marketer']);
  assert.deepEqual(requirementFor({ method: 'GET', path: '/v1/profiles/{id}/score', tags: ['Lead scoring', 'Profiles'] }).roles, ['admin', 'marketer', 'analyst', 'privacy_officer']);
});

it('overrides win over the tags, and fail closed (admin only) without a rule', () => {
  const preview = requirementFor({ method: 'POST', path: '/v1/segments/preview', tags: ['Segments'] });
  assert.deepEqual([preview.source, preview.roles], ['override', ['admin', 'marketer', 'analyst']]);
  const unknown = requirementFor({ method: 'GET', path: '/v1/new', tags: ['Something new'] });
  assert.deepEqual([unknown.source, unknown.roles], ['default', ['admin']]);
  assert.equal(requirementFor({ method: 'GET', path: '/v1/new', tags: [] }).source, 'default');
  assert.equal(requirementFor({ method: 'GET', path: '/v1/new', tags: ['Segments', 'Something new'] }).source, 'default', 'one unknown tag is enough');
});

it('has rules for the surfaces other branches add, as the brief asks', () => {
  assert.deepEqual(requirementFor({ method: 'GET', path: '/v1/analytics/x', tags: ['Analytics'] }).roles, ['admin', 'marketer', 'analyst']);
  for (const tag of ['Slots', 'Experiments', 'Personas', 'Recommendations', 'Items', 'Decide']) {
    assert.deepEqual(requirementFor({ method: 'POST', path: '/v1/x', tags: [tag] }).roles, ['admin', 'marketer'], tag);
    assert.ok(TAG_RULES[tag], tag);
  }
});

it('admin is allowed everything with a rule; viewer never changes anything', () => {
  for (const [tag, rule] of Object.entries(TAG_RULES)) {
    assert.ok(rule.read.includes('admin') && rule.change.includes('admin'), tag);
    assert.ok(!rule.change.includes('viewer'), tag);
    assert.ok(rule.change.every((r) => rule.read.includes(r)), `${tag}: who changes also reads`);
  }
});

it('the refusal names the role one has and the roles needed', () => {
  const requirement = requirementFor({ method: 'PUT', path: '/v1/segments/{id}', tags: ['Segments'] });
  assert.equal(allows(requirement, 'viewer'), false);
  assert.equal(allows(requirement, 'marketer'), true);
  assert.equal(refusal(requirement, 'viewer'), 'Your role "viewer" may not change Segments: this needs the role admin or marketer.');
});

it('an audience export (a GET that writes hashed personal data and advances the export state) is for the roles that change audiences', () => {
  const exportRoute = requirementFor({ method: 'GET', path: '/v1/audiences/{id}/export', tags: ['Audiences'] });
  assert.deepEqual([exportRoute.source, exportRoute.roles], ['override', ['admin', 'marketer']]);
  assert.deepEqual(requirementFor({ method: 'GET', path: '/v1/audiences', tags: ['Audiences'] }).roles, ROLES, 'the list is for everyone');
});
