/**
 * The next-question choice: never what is known or recently declined, ranked by value for the
 * lead's stage minus the learned drop-off cost, every choice explained.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldCounters } from '../../../src/core/forms/drop-off.js';
import { chooseQuestions, readStage, type VisitorKnowledge } from '../../../src/core/forms/next-questions.js';
import { whitepaperForm } from './form-fixtures.js';

const NOW = Date.UTC(2026, 10, 30);
const DAY = 86_400_000;
const form = whitepaperForm();
const visitor = (v: Partial<VisitorKnowledge> = {}): VisitorKnowledge => ({ traits: {}, consent: {}, declined: {}, ...v });
const keys = (plan: ReturnType<typeof chooseQuestions>) => plan.fields.map((f) => f.field.key);
const choose = (v: VisitorKnowledge | null, counters = new Map<string, FieldCounters>(), recognised = false, f = form) =>
  chooseQuestions({ form: f, visitor: v, recognised, counters, now: NOW });

describe('next-question choice', () => {
  it('a first visit asks the email and the best basics for a new contact, each with a reason', () => {
    const plan = choose(null);
    assert.deepEqual(keys(plan), ['email', 'company', 'plm']);
    assert.equal(plan.stage, 'subscriber');
    assert.equal(plan.complete, false);
    for (const f of plan.fields) assert.ok(f.why.length > 10, f.why);
    assert.match(plan.fields[1]!.why, /company is unknown; value 2\.6 \(weight 2 × 1\.3 for stage subscriber \(inferred\)\); expected drop-off 10% \(prior, no data yet\) costs 0\.5; score 2\.1/);
  });

  it('never asks what the profile knows from any source, and skips a known always-field silently without recognition', () => {
    const plan = choose(visitor({ traits: { email: 'k@acme.com', company: 'Acme', jobRole: 'manager' } }));
    assert.ok(!keys(plan).includes('email'), 'known email not shown to an unrecognised visitor');
    assert.ok(!keys(plan).includes('company') && !keys(plan).includes('jobRole'));
    assert.equal(plan.fields.length, 2);
    assert.deepEqual(plan.skipped.filter((s) => s.reason === 'already known').map((s) => s.key).sort(), ['company', 'email', 'jobRole']);
    assert.ok(plan.fields.every((f) => f.known === undefined), 'nothing known is handed out');
  });

  it('shows a known always-field with its value only to a recognised visitor', () => {
    const plan = choose(visitor({ traits: { email: 'k@acme.com' } }), new Map(), true);
    assert.equal(plan.fields[0]!.field.key, 'email');
    assert.equal(plan.fields[0]!.known, 'k@acme.com');
  });

  it('knows a field from another source\'s trait name (knownAs)', () => {
    const crm = whitepaperForm({ fields: whitepaperForm().fields.map((f) => (f.key === 'company' ? { ...f, knownAs: ['company_name', 'organization'] } : f)) });
    const plan = chooseQuestions({ form: crm, visitor: visitor({ traits: { organization: 'Acme (from the CRM)' } }), recognised: false, counters: new Map(), now: NOW });
    assert.ok(!keys(plan).includes('company'));
    assert.equal(plan.skipped.find((s) => s.key === 'company')!.reason, 'already known');
    const always = whitepaperForm({ alwaysShow: ['email', 'company'], fields: crm.fields });
    assert.equal(chooseQuestions({ form: always, visitor: visitor({ traits: { company_name: 'Acme' } }), recognised: true, counters: new Map(), now: NOW }).fields[1]!.known, 'Acme');
  });

  it('an empty string or null is not knowledge', () => {
    const plan = choose(visitor({ traits: { company: '  ', email: null } }));
    assert.ok(keys(plan).includes('email') && keys(plan).includes('company'));
  });

  it('does not ask a declined field during the cool-down, and asks again after it', () => {
    const declined = { company: { at: NOW - 10 * DAY } };
    assert.ok(!keys(choose(visitor({ declined }))).includes('company'));
    assert.match(choose(visitor({ declined })).skipped.find((s) => s.key === 'company')!.reason, /declined on .* not asked again for 90 days/);
    assert.ok(keys(choose(visitor({ declined: { company: { at: NOW - 91 * DAY } } }))).includes('company'));
  });

  it('a consent already granted is not asked; a withdrawal counts as declined', () => {
    const everything = { email: 'k@acme.com', firstName: 'K', company: 'Acme', jobRole: 'manager', budget: 'gt10k', plm: 'Teamcenter', timeline: 'q1' };
    const granted = { email_marketing: { granted: true, at: NOW - DAY, channel: 'form' as const, messageId: 'm' } };
    assert.deepEqual(keys(choose(visitor({ traits: everything }))), ['newsletter']);
    const plan = choose(visitor({ traits: everything, consent: granted }));
    assert.deepEqual(keys(plan), []);
    assert.equal(plan.complete, true);
    assert.equal(plan.qualified, true);
    assert.deepEqual(keys(choose(visitor({ traits: everything, consent: { email_marketing: { ...granted.email_marketing, granted: false } } }))), []);
  });

  it('ranks by the lead\'s stage: BANT for a marketing-qualified lead, basics for a subscriber', () => {
    const traits = { email: 'k@acme.com' };
    const lead = choose(visitor({ traits }));
    assert.equal(lead.stage, 'lead');
    assert.deepEqual(keys(lead), ['company', 'plm']);
    const mql = choose(visitor({ traits, stage: 'MQL' }));
    assert.equal(mql.stage, 'mql');
    assert.deepEqual(keys(mql), ['plm', 'timeline']);
    assert.match(mql.fields[0]!.why, /for the visitor's stage/, 'an unrecognised visitor\'s explanation names no stage');
    assert.doesNotMatch(mql.fields[0]!.why, /mql/);
    assert.match(chooseQuestions({ form, visitor: visitor({ traits, stage: 'MQL' }), recognised: true, counters: new Map(), now: NOW }).fields[1]!.why, /for stage mql/);
  });

  it('the last BANT gap before qualification goes first', () => {
    const plan = choose(visitor({ traits: { email: 'k@acme.com', jobRole: 'manager', plm: 'x', timeline: 'q1' } }));
    assert.equal(plan.fields[0]!.field.key, 'budget');
    assert.match(plan.fields[0]!.why, /BANT budget is the last gap before qualification/);
  });

  it('adapts to measured drop-off: a field that loses visitors falls behind, then is not asked at all', () => {
    const before = choose(null);
    assert.deepEqual(keys(before), ['email', 'company', 'plm']);
    // 200 visitors started with `company` shown: 120 left without submitting.
    const measured = new Map<string, FieldCounters>([
      ['company', { views: 250, starts: 200, submits: 80, abandons: 90 }],
      ['jobRole', { views: 250, starts: 200, submits: 180, abandons: 10 }],
      ['plm', { views: 100, starts: 90, submits: 85, abandons: 2 }],
    ]);
    const after = choose(null, measured);
    assert.deepEqual(keys(after), ['email', 'plm', 'jobRole']);
    const company = after.skipped.find((s) => s.key === 'company')!;
    assert.match(company.reason, /not worth the drop-off risk .*expected drop-off 55% \(120 of 200 left\)/);
  });

  it('with views and submits only (no tracker start events), views are the trials', () => {
    const measured = new Map<string, FieldCounters>([['company', { views: 100, starts: 0, submits: 40, abandons: 0 }]]);
    const plan = choose(null, measured);
    assert.ok(!keys(plan).includes('company'));
  });

  it('asks at most maxNewQuestions beyond the always-fields, deterministically', () => {
    const three = whitepaperForm({ maxNewQuestions: 3 });
    assert.deepEqual(keys(choose(null, new Map(), false, three)), ['email', 'company', 'plm', 'jobRole']);
    assert.deepEqual(keys(choose(null, new Map(), false, three)), keys(choose(null, new Map(), false, three)));
    assert.deepEqual(keys(choose(null, new Map(), false, whitepaperForm({ maxNewQuestions: 0 }))), ['email']);
  });

  it('skips a field whose purpose needs a consent the visitor has not given, unless the form asks for it', () => {
    const profiling = whitepaperForm({ fields: whitepaperForm().fields.map((f) => (f.key === 'company' ? { ...f, purpose: 'profiling' } : f)) });
    const plan = chooseQuestions({ form: profiling, visitor: null, recognised: false, counters: new Map(), now: NOW, purposeAllowed: (p) => p !== 'profiling' });
    assert.ok(!keys(plan).includes('company'));
    assert.equal(plan.skipped.find((s) => s.key === 'company')!.reason, 'collected for profiling, which needs the person\'s consent');
    const asking = whitepaperForm({
      alwaysShow: ['email', 'profilingConsent'],
      fields: [...profiling.fields.map((f) => ({ ...f, label: f.label })), { key: 'profilingConsent', type: 'consent', label: { en: 'Profiling' }, purpose: 'profiling', consent: { version: '1', text: { en: 'You may tailor content to me.' } } }],
    });
    assert.ok(keys(chooseQuestions({ form: asking, visitor: null, recognised: false, counters: new Map(), now: NOW, purposeAllowed: (p) => p !== 'profiling' })).includes('company'));
  });

  it('reads an unknown stage value defensively', () => {
    assert.equal(readStage('Marketing Qualified Lead'), 'mql');
    assert.equal(readStage({ key: 'sql' }), 'sql');
    assert.equal(readStage({ name: 'Opportunity' }), 'opportunity');
    assert.equal(readStage('marketing-qualified'), 'mql');
    for (const junk of [undefined, null, 42, {}, [], 'galactic overlord', { key: 7 }]) assert.equal(readStage(junk), null);
    assert.doesNotThrow(() => choose(visitor({ stage: { nested: { deep: true } } })));
  });
});
