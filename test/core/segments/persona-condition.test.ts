/**
 * The persona leaf of the condition language: validation naming the node (with and without a
 * persona model in the workspace), evaluation against the profile's persona link, the readable
 * form, and membership that follows a changed link when ingest says the link changed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conditionDepth } from '../../../src/core/decisions/creepiness-guard.js';
import { profileLeafKind } from '../../../src/core/decisions/explain-data.js';
import type { ProfilePersona } from '../../../src/core/personas/profile-persona.js';
import { newProfile } from '../../../src/core/profiles/profile.js';
import type { Condition } from '../../../src/core/segments/condition.js';
import { describeCondition } from '../../../src/core/segments/describe-condition.js';
import { evaluateProfile } from '../../../src/core/segments/membership.js';
import { personaHolds, personaSignature } from '../../../src/core/segments/persona-condition.js';
import { conditionInputs } from '../../../src/core/segments/segment.js';
import { validateCondition } from '../../../src/core/segments/validate-condition.js';
import { T0 } from '../fixtures.js';
import { definitions, segment } from './segment-fixtures.js';

const base = { segments: new Set<string>(), computedTraits: new Set<string>(), purposes: new Set(['marketing']) };
const link = (probabilities: Record<string, number>, personaId: string | null): ProfilePersona => ({
  modelVersion: 3, personaId, probability: personaId ? probabilities[personaId]! : Math.max(...Object.values(probabilities)), probabilities, at: T0, basis: ['profiling'],
});

describe('persona condition validation', () => {
  test('with a model: known ids pass, an unknown id is refused naming the node and the ids there are', () => {
    const refs = { ...base, personas: new Set(['p1', 'p2']) };
    assert.deepEqual(validateCondition({ persona: { id: 'p2', minProbability: 0.7 } }, refs), []);
    assert.deepEqual(validateCondition({ persona: { id: 'p1' } }, refs), []);
    const issues = validateCondition({ and: [{ trait: { key: 'a', op: 'exists' } }, { persona: { id: 'p9' } }] }, refs);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.field, 'condition.and[1].persona.id');
    assert.match(issues[0]!.reason, /no persona "p9".*p1, p2/);
  });

  test('without a model any well-formed id is accepted (members come with the first fit)', () => {
    assert.deepEqual(validateCondition({ persona: { id: 'p7' } }, { ...base, personas: null }), []);
    assert.deepEqual(validateCondition({ persona: { id: 'p7' } }, base), []);
  });

  const cases: Array<[string, unknown, string, RegExp]> = [
    ['malformed id', { persona: { id: 'factory' } }, 'condition.persona.id', /persona id such as "p2"/],
    ['empty id', { persona: { id: '' } }, 'condition.persona.id', /non-empty/],
    ['id a number', { persona: { id: 2 } }, 'condition.persona.id', /non-empty string/],
    ['probability 0', { persona: { id: 'p1', minProbability: 0 } }, 'condition.persona.minProbability', /above 0/],
    ['probability above 1', { persona: { id: 'p1', minProbability: 1.5 } }, 'condition.persona.minProbability', /at most 1/],
    ['probability a string', { persona: { id: 'p1', minProbability: '0.7' } }, 'condition.persona.minProbability', /number/],
    ['unknown field', { persona: { id: 'p1', threshold: 0.7 } }, 'condition.persona.threshold', /not a field/],
    ['not an object', { persona: 'p1' }, 'condition.persona', /object/],
  ];
  for (const [name, input, field, reason] of cases) {
    test(name, () => {
      const issues = validateCondition(input, { ...base, personas: new Set(['p1']) });
      const issue = issues.find((i) => i.field === field);
      assert.ok(issue, `${field} in ${JSON.stringify(issues)}`);
      assert.match(issue.reason, reason);
    });
  }

  test('every failing field is named at once', () => {
    const issues = validateCondition({ persona: { id: 'x', minProbability: 2 } }, base);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['condition.persona.id', 'condition.persona.minProbability']);
  });
});

describe('persona condition evaluation', () => {
  const profile = { persona: link({ p1: 0.75, p2: 0.2, p3: 0.05 }, 'p1') };

  test('minProbability compares the persona probability (inclusive)', () => {
    assert.equal(personaHolds({ id: 'p1', minProbability: 0.7 }, profile), true);
    assert.equal(personaHolds({ id: 'p1', minProbability: 0.75 }, profile), true);
    assert.equal(personaHolds({ id: 'p1', minProbability: 0.76 }, profile), false);
    assert.equal(personaHolds({ id: 'p2', minProbability: 0.2 }, profile), true);
    assert.equal(personaHolds({ id: 'p2', minProbability: 0.5 }, profile), false);
    assert.equal(personaHolds({ id: 'p9', minProbability: 0.01 }, profile), false, 'a persona not in the link has probability 0');
  });

  test('without minProbability: the assigned persona only', () => {
    assert.equal(personaHolds({ id: 'p1' }, profile), true);
    assert.equal(personaHolds({ id: 'p2' }, profile), false);
    const unassigned = { persona: link({ p1: 0.5, p2: 0.5 }, null) };
    assert.equal(personaHolds({ id: 'p1' }, unassigned), false);
    assert.equal(personaHolds({ id: 'p1', minProbability: 0.5 }, unassigned), true);
  });

  test('no link (no model, no legal basis, consent withdrawn): never holds', () => {
    assert.equal(personaHolds({ id: 'p1' }, {}), false);
    assert.equal(personaHolds({ id: 'p1', minProbability: 0.000001 }, {}), false);
  });

  test('readable form', () => {
    assert.equal(describeCondition({ persona: { id: 'p2', minProbability: 0.7 } }), 'persona p2 with probability at least 0.7');
    assert.equal(describeCondition({ not: { persona: { id: 'p2' } } }), 'NOT persona p2');
  });

  test('decisions: a persona leaf has depth persona and shows as a group the person belongs to', () => {
    assert.equal(conditionDepth({ persona: { id: 'p2' } }, new Set()), 'persona');
    assert.equal(conditionDepth({ and: [{ page: { category: 'x' } }, { persona: { id: 'p2' } }] }, new Set()), 'persona');
    assert.equal(conditionDepth({ and: [{ trait: { key: 'company', op: 'exists' } }, { persona: { id: 'p2' } }] }, new Set(['company'])), 'individual');
    assert.equal(profileLeafKind({ persona: { id: 'p2' } }, new Set()), 'groups');
  });
});

describe('persona segments follow the link', () => {
  const condition: Condition = { persona: { id: 'p2', minProbability: 0.7 } };
  const defs = definitions([segment('evening-readers', condition)]);

  test('the condition reads the persona link', () => {
    assert.equal(conditionInputs(condition).persona, true);
    assert.equal(conditionInputs({ page: { category: 'x' } }).persona, false);
  });

  test('entering when the link changes, leaving when it is removed; untouched links are not re-read', () => {
    const profile = newProfile('prf-1', 'ws-test', T0);
    const untouched = { trackers: new Set<string>(), traits: false, computed: false, consent: false, scores: false, persona: false };
    evaluateProfile(profile, defs, T0);
    assert.equal(Object.hasOwn(profile.segments!.member, 'evening-readers'), false);
    // As the segment step records it: evaluated, nothing due by time alone.
    profile.segments!.dueAt = null;

    profile.persona = link({ p1: 0.1, p2: 0.9 }, 'p2');
    const entered = evaluateProfile(profile, defs, T0 + 1, { ...untouched, persona: true });
    assert.deepEqual(entered.changes.map((c) => [c.kind, c.reason]), [['entered', 'persona p2 with probability at least 0.7']]);

    // A batch that did not change the link leaves the answer as it was (the plan skips the segment).
    delete profile.persona;
    assert.deepEqual(evaluateProfile(profile, defs, T0 + 2, { ...untouched }).changes, []);
    // Consent withdrawn: the consent step removed the link; the segment is re-read.
    const exited = evaluateProfile(profile, defs, T0 + 3, { ...untouched, consent: true });
    assert.deepEqual(exited.changes.map((c) => c.kind), ['exited']);
  });

  test('the signature changes with the probabilities and the model, not otherwise', () => {
    const a = { persona: link({ p1: 0.1, p2: 0.9 }, 'p2') };
    assert.equal(personaSignature(a), personaSignature({ persona: link({ p1: 0.1, p2: 0.9 }, 'p2') }));
    assert.notEqual(personaSignature(a), personaSignature({ persona: link({ p1: 0.2, p2: 0.8 }, 'p2') }));
    assert.notEqual(personaSignature(a), personaSignature({ persona: { ...link({ p1: 0.1, p2: 0.9 }, 'p2'), modelVersion: 4 } }));
    assert.equal(personaSignature({}), '');
  });
});
