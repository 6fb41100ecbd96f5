/**
 * Progressive profiling over HTTP, on a real store: form definitions, render, submit (answers as
 * traits with source form:<id>, consent with its exact text, declines), form events, the report,
 * and what a visitor may see without a recognition.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { WRITE_KEY, basicAuth, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue, profileOf, timelineOf, type Json } from './api-helpers.js';
import { adminSend, keysOf, render, renderOk, submit, submitOk } from './forms-helpers.js';

describe('forms API', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    const created = await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT });
    assert.equal(created.statusCode, 201, created.body);
  });
  after(async () => t.close());

  it('admin CRUD: validated, listed, replaced, deleted; every change audited', async () => {
    const bad = assertError(await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, fields: [{ ...WHITEPAPER_FORM_INPUT.fields[0], purpose: 'astrology' }] }), 400, 'invalid_body');
    assertIssue(bad, 'fields.0.purpose', /not a purpose declared by the workspace/);
    assertIssue(assertError(await adminSend(t, 'POST', '/v1/forms', { id: 'Bad Id', ...WHITEPAPER_FORM_INPUT }), 400), 'id', /lower-case/);
    assertError(await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT }), 409, 'conflict');
    assertError(await adminSend(t, 'POST', '/v1/forms', []), 400, 'invalid_body');
    assertError(await t.inject({ method: 'GET', url: '/v1/forms' }), 401, 'unauthorized');

    const created = await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, name: 'Temporary' });
    assert.equal(created.statusCode, 201);
    const id = JSON.parse(created.body).id as string;
    assert.match(id, /^form_[0-9a-f]{12}$/);
    const listed = JSON.parse((await adminSend(t, 'GET', '/v1/forms')).body).forms.map((f: Json) => f.id);
    assert.ok(listed.includes('whitepaper') && listed.includes(id));
    const replaced = await adminSend(t, 'PUT', `/v1/forms/${id}`, { ...WHITEPAPER_FORM_INPUT, name: 'Renamed', maxNewQuestions: 1 });
    assert.equal(replaced.statusCode, 200, replaced.body);
    const read = JSON.parse((await adminSend(t, 'GET', `/v1/forms/${id}`)).body);
    assert.equal(read.name, 'Renamed');
    assert.equal(read.maxNewQuestions, 1);
    assert.equal((await adminSend(t, 'DELETE', `/v1/forms/${id}`)).statusCode, 204);
    assertError(await adminSend(t, 'GET', `/v1/forms/${id}`), 404, 'not_found');
    assertError(await adminSend(t, 'DELETE', `/v1/forms/${id}`), 404, 'not_found');
    assertError(await render(t, id, { anonymousId: 'x' }), 404, 'not_found');
  });

  it('a first visitor gets the email and the best two questions, each explained', async () => {
    const view = await renderOk(t, 'whitepaper', { anonymousId: 'anon-first', locale: 'de-AT' });
    assert.deepEqual(keysOf(view), ['email', 'company', 'plm']);
    assert.equal(view.fields[0].label, 'Geschäftliche E-Mail', 'localised, with the language as fallback');
    assert.equal(view.fields[0].required, true);
    assert.equal(view.recognized, null);
    assert.equal(view.complete, false);
    assert.deepEqual(view.form, { id: 'whitepaper', name: 'Whitepaper download', submitLabel: 'Submit', thankYou: { message: 'Thank you!' } });
    for (const f of view.fields) assert.ok(typeof f.why === 'string' && f.why.length > 0);
    assert.equal(typeof view.viewId, 'string');
  });

  it('bad input gets 4xx errors naming the field', async () => {
    assertIssue(assertError(await render(t, 'whitepaper', {}), 400), 'anonymousId', /required/);
    assertIssue(assertError(await render(t, 'whitepaper', { anonymousId: 'a', locale: '<script>' }), 400), 'locale', /language tag/);
    assertError(await t.inject({ method: 'GET', url: '/v1/forms/whitepaper/render?anonymousId=a' }), 401, 'unauthorized');
    assertError(await render(t, 'nope', { anonymousId: 'a' }), 404, 'not_found');
    const view = await renderOk(t, 'whitepaper', { anonymousId: 'anon-bad' });
    assertIssue(assertError(await submit(t, 'whitepaper', { anonymousId: 'anon-bad', viewId: view.viewId, answers: { email: 'nope', budget: 'x' } }), 400, 'invalid_body'), 'answers.email', /email address/);
    assertIssue(assertError(await submit(t, 'whitepaper', { anonymousId: 'anon-bad', viewId: view.viewId, answers: { email: 'a@b.co', budget: 'gt10k' } }), 400), 'answers.budget', /not a field shown in this view/);
    assertIssue(assertError(await submit(t, 'whitepaper', { anonymousId: 'anon-other', viewId: view.viewId, answers: { email: 'a@b.co' } }), 400), 'viewId', /another visitor/);
    assertIssue(assertError(await submit(t, 'whitepaper', { anonymousId: 'anon-bad', viewId: 'forged.ticket', answers: {} }), 400), 'viewId', /not a view id/);
    assertIssue(assertError(await submit(t, 'whitepaper', { viewId: view.viewId, answers: {} }), 400), 'anonymousId', /required/);
    assertIssue(assertError(await submit(t, 'whitepaper', 'text'), 400), 'body', /JSON object/);
    assertIssue(assertError(await t.collect('/v1/forms/whitepaper/events', { anonymousId: 'anon-bad', viewId: view.viewId, event: 'exploded' }), 400), 'event', /started, abandoned/);
  });

  it('a submission stores answers as traits with the form as source, identifies by email and asks the next questions', async () => {
    // A form of its own: the views of other tests would teach the drop-off model.
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'progressive', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
    const first = await renderOk(t, 'progressive', { anonymousId: 'anon-k' });
    assert.deepEqual(keysOf(first), ['email', 'company', 'plm']);
    const done = await submitOk(t, 'progressive', { anonymousId: 'anon-k', viewId: first.viewId, answers: { email: ' Karoline@Acme.com ', company: 'Acme GmbH', plm: 'Teamcenter' } });
    assert.equal(done.ok, true);
    assert.deepEqual(done.thankYou, { message: 'Thank you!' });
    assert.ok(done.next, 'more to ask');
    assert.ok(!keysOf(done.next).includes('email'), 'the email is known now: not shown again without a recognition');
    assert.deepEqual(keysOf(done.next), ['jobRole', 'timeline']);
    assert.equal(done.next.recognized, null);

    const profile = await profileOf(t, 'karoline@acme.com');
    assert.deepEqual({ email: profile.traits.email, company: profile.traits.company, plm: profile.traits.plm }, { email: 'karoline@acme.com', company: 'Acme GmbH', plm: 'Teamcenter' });
    for (const key of ['email', 'company', 'plm']) assert.equal(profile.traitSources[key].source, 'form:progressive');
    assert.ok(profile.identities.some((i: Json) => i.kind === 'anonymous_id' && i.value === 'anon-k'));
    const timeline = await timelineOf(t, 'karoline@acme.com');
    const names = timeline.map((e: Json) => e.event ?? e.type);
    assert.ok(names.includes('Form Viewed') && names.includes('Form Submitted') && names.includes('identify'), JSON.stringify(names));

    // The second view: one field answered, one declined; the decline is remembered.
    const second = await submitOk(t, 'progressive', { anonymousId: 'anon-k', viewId: done.next.viewId, answers: { jobRole: 'manager' }, declined: ['timeline'] });
    const after = await profileOf(t, 'karoline@acme.com');
    assert.equal(after.traits.jobRole, 'manager');
    assert.deepEqual(Object.keys(after.declined), ['timeline']);
    assert.equal(after.declined.timeline.source, 'form:progressive');
    assert.ok(!keysOf(second.next).includes('timeline'), 'a declined field is not asked again');
    // Leaving an optional question empty skips it like a decline: the next view asks others.
    const third = await submitOk(t, 'progressive', { anonymousId: 'anon-k', viewId: second.next.viewId, answers: { budget: 'gt10k' } });
    assert.deepEqual(Object.keys((await profileOf(t, 'anon-k')).declined).sort(), ['firstName', 'timeline']);
    assert.ok(third.next === null || !keysOf(third.next).includes('firstName'));
    assert.deepEqual(keysOf(second.next), ['budget', 'firstName']);
  });

  it('a colleague at a known person\'s computer is not merged with them', async () => {
    // A form whose email field is not the `email` trait, so that it shows on a known device too.
    const fields = [{ ...WHITEPAPER_FORM_INPUT.fields[0], key: 'workEmail' }, { key: 'department', type: 'text', label: { en: 'Department' }, purpose: 'necessary', weight: 2 }];
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'contact', fields, alwaysShow: ['workEmail'] })).statusCode, 201);
    const view = await renderOk(t, 'contact', { anonymousId: 'anon-k' });
    assert.equal(keysOf(view)[0], 'workEmail');
    const done = await submitOk(t, 'contact', { anonymousId: 'anon-k', viewId: view.viewId, answers: { workEmail: 'colleague@acme.com', department: 'Sales' } });
    assert.equal(done.next, null);
    const colleague = await profileOf(t, 'colleague@acme.com');
    const karoline = await profileOf(t, 'karoline@acme.com');
    assert.notEqual(colleague.id, karoline.id);
    assert.equal(colleague.traits.department, 'Sales');
    assert.equal(karoline.traits.department, undefined, 'the device\'s person does not get the colleague\'s answers');
    assert.ok(!colleague.identities.some((i: Json) => i.value === 'anon-k'));
    assert.ok(!karoline.identities.some((i: Json) => i.value === 'colleague@acme.com'));
    // The device's own person giving their own address is linked as usual.
    const own = await renderOk(t, 'contact', { anonymousId: 'anon-k' });
    await submitOk(t, 'contact', { anonymousId: 'anon-k', viewId: own.viewId, answers: { workEmail: 'Karoline@acme.com' } });
    assert.equal((await profileOf(t, 'anon-k')).traits.workEmail, 'karoline@acme.com');
  });

  it('a client cannot forge a form source or declines', async () => {
    const forged = await t.collect('/v1/batch', { batch: [
      { type: 'identify', anonymousId: 'anon-forger', traitSource: 'form:whitepaper', traits: { email: 'forger@evil.test', company: 'Evil' } },
      { type: 'track', anonymousId: 'anon-forger', event: 'Form Submitted', traitSource: 'form:whitepaper', properties: { formId: 'whitepaper', declined: ['company'] }, context: { traits: { plm: 'x' } } },
    ] });
    assert.equal(forged.statusCode, 200, forged.body);
    const profile = await profileOf(t, 'forger@evil.test');
    assert.equal(profile.traitSources.company.source, 'identify');
    assert.equal(profile.traitSources.plm.source, 'track:Form Submitted (context.traits)');
    assert.deepEqual(profile.declined, {});
  });

  it('the consent checkbox goes into the ledger with its exact text, and is then not asked again', async () => {
    const created = await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'newsletter', alwaysShow: ['email', 'newsletter'], maxNewQuestions: 0 });
    assert.equal(created.statusCode, 201, created.body);
    const view = await renderOk(t, 'newsletter', { anonymousId: 'anon-n' });
    const consentField = view.fields.find((f: Json) => f.key === 'newsletter');
    assert.deepEqual({ type: consentField.type, text: consentField.text, purpose: consentField.purpose }, {
      type: 'consent', text: 'Send me the monthly newsletter. I can unsubscribe at any time.', purpose: 'email_marketing',
    });
    await submitOk(t, 'newsletter', { anonymousId: 'anon-n', viewId: view.viewId, answers: { email: 'nina@acme.com', newsletter: true } });
    const consent = JSON.parse((await adminSend(t, 'GET', '/v1/profiles/nina%40acme.com/consent')).body);
    assert.equal(consent.consent.email_marketing.granted, true);
    const entry = consent.ledger.at(-1);
    assert.equal(entry.channel, 'form');
    assert.equal(entry.wording.text, 'Send me the monthly newsletter. I can unsubscribe at any time.');
    assert.equal(entry.wording.version, '2026-11');
    const again = await renderOk(t, 'newsletter', { anonymousId: 'anon-n' });
    assert.deepEqual(keysOf(again), [], 'email known, consent granted: nothing to ask');
    assert.equal(again.complete, true);
  });

  it('answers for a consent-based purpose are kept only when the consent is ticked', async () => {
    const fields = [
      WHITEPAPER_FORM_INPUT.fields[0],
      { key: 'interests', type: 'text', label: { en: 'Your interests' }, purpose: 'profiling', role: 'need', weight: 3 },
      { key: 'profilingConsent', type: 'consent', label: { en: 'Tailoring' }, purpose: 'profiling', consent: { version: '1', text: { en: 'Tailor the content I see to my interests.' } } },
    ];
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'interests', fields, alwaysShow: ['email', 'profilingConsent'] })).statusCode, 201);
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'no-consent', fields: fields.slice(0, 2), alwaysShow: ['email'] })).statusCode, 201);
    assert.deepEqual(keysOf(await renderOk(t, 'no-consent', { anonymousId: 'anon-p0' })), ['email'], 'not asked without a way to consent');

    const view = await renderOk(t, 'interests', { anonymousId: 'anon-p1' });
    assert.deepEqual(keysOf(view), ['email', 'profilingConsent', 'interests']);
    await submitOk(t, 'interests', { anonymousId: 'anon-p1', viewId: view.viewId, answers: { email: 'p1@acme.com', interests: 'PLM' } });
    assert.equal((await profileOf(t, 'p1@acme.com')).traits.interests, undefined, 'no consent ticked: not kept');

    const ticked = await renderOk(t, 'interests', { anonymousId: 'anon-p2' });
    await submitOk(t, 'interests', { anonymousId: 'anon-p2', viewId: ticked.viewId, answers: { email: 'p2@acme.com', interests: 'PLM', profilingConsent: true } });
    const profile = await profileOf(t, 'p2@acme.com');
    assert.equal(profile.traits.interests, 'PLM');
    assert.equal(profile.consent.profiling.granted, true);
  });

  it('without a recognition, a visitor never sees known values, even with someone\'s email as its anonymous id', async () => {
    for (const anonymousId of ['karoline@acme.com', 'anon-k']) {
      const view = await renderOk(t, 'whitepaper', { anonymousId });
      assert.ok(view.fields.every((f: Json) => f.prefill === undefined), JSON.stringify(view));
      assert.equal(view.recognized, null);
      assert.doesNotMatch(JSON.stringify(view), /karoline|acme gmbh|teamcenter/i);
    }
    assert.ok(keysOf(await renderOk(t, 'whitepaper', { anonymousId: 'karoline@acme.com' })).includes('email'), 'an email as anonymous id finds nobody');
  });

  it('form events and submits feed the report: conversion per form and per number of fields shown', async () => {
    const created = await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'report' });
    assert.equal(created.statusCode, 201);
    for (let i = 0; i < 4; i++) {
      const anonymousId = `anon-report-${i}`;
      const view = await renderOk(t, 'report', { anonymousId });
      const started = await t.inject({ method: 'POST', url: '/v1/forms/report/events', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ writeKey: 'wk_test_write_key_0001', anonymousId, viewId: view.viewId, event: 'started' }) });
      assert.equal(started.statusCode, 204, started.body);
      // A page reporting `started` twice counts once.
      await t.collect('/v1/forms/report/events', { anonymousId, viewId: view.viewId, event: 'started' });
      if (i === 0) {
        await submitOk(t, 'report', { anonymousId, viewId: view.viewId, answers: { email: `r${i}@acme.com` } });
        // A double-clicked submit is answered again but counted once.
        await submitOk(t, 'report', { anonymousId, viewId: view.viewId, answers: { email: `r${i}@acme.com` } });
      }
      // The visitor filled in the email and the PLM question, and left at the company.
      else assert.equal((await t.collect('/v1/forms/report/events', { anonymousId, viewId: view.viewId, event: 'abandoned', fields: ['email', 'plm'] })).statusCode, 204);
    }
    const submittedEvents = (await timelineOf(t, 'r0@acme.com')).filter((e: Json) => e.event === 'Form Submitted');
    assert.equal(submittedEvents.length, 1, 'the double-clicked submit is stored once');
    const report = JSON.parse((await adminSend(t, 'GET', '/v1/forms/report/report')).body);
    // Each submit of the first visitor rendered the next questions: two more views (with 2 fields).
    assert.deepEqual({ ...report.totals }, { views: 6, starts: 4, submits: 1, abandons: 3, conversion: 0.1667, completion: 0.25 });
    assert.deepEqual(report.byFieldsShown.map((b: Json) => [b.fields, b.views, b.submits]), [[2, 2, 0], [3, 4, 1]]);
    assert.equal(report.byDay.length, 30, 'the last 30 days, days without data included');
    assert.deepEqual({ ...report.byDay.at(-1) }, { day: report.to, views: 6, starts: 4, submits: 1, abandons: 3, conversion: 0.1667, completion: 0.25 });
    assert.equal(report.byDay[0].views, 0);
    const company = report.fields.find((f: Json) => f.key === 'company');
    assert.deepEqual([company.views, company.starts, company.submits, company.abandons], [4, 4, 1, 3], 'skipped by the first visitor, the company is not asked again at once');
    assert.equal(company.dropOff.failures, 3);
    const plm = report.fields.find((f: Json) => f.key === 'plm');
    assert.equal(plm.abandons, 0, 'an abandon blames only the fields the visitor left untouched');
    assert.equal(plm.exits, 3);
    assertIssue(assertError(await adminSend(t, 'GET', '/v1/forms/report/report?from=yesterday'), 400, 'invalid_query'), 'from', /YYYY-MM-DD/);
    assertIssue(assertError(await adminSend(t, 'GET', '/v1/forms/report/report?from=2026-02-30'), 400, 'invalid_query'), 'from', /YYYY-MM-DD/);
    assertIssue(assertError(await adminSend(t, 'GET', '/v1/forms/report/report?from=2026-12-01&to=2026-11-01'), 400, 'invalid_query'), 'from', /after to/);
    assertIssue(assertError(await adminSend(t, 'GET', '/v1/forms/report/report?from=2020-01-01&to=2026-11-01'), 400, 'invalid_query'), 'from', /more than 366 days/);

    const preview = JSON.parse((await adminSend(t, 'GET', '/v1/forms/report/preview')).body);
    assert.ok(preview.fields.every((f: Json) => typeof f.why === 'string'));
    assert.ok(preview.skipped.length > 0);
  });

  it('the choice adapts to drop-off measured from real views, starts and abandons', async () => {
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'adaptive' })).statusCode, 201);
    assert.deepEqual(keysOf(await renderOk(t, 'adaptive', { anonymousId: 'anon-ad-first' })), ['email', 'company', 'plm']);
    // Twenty visitors start the form and leave at the company question.
    for (let i = 0; i < 20; i++) {
      const anonymousId = `anon-ad-${i}`;
      const view = await renderOk(t, 'adaptive', { anonymousId });
      assert.equal((await t.collect('/v1/forms/adaptive/events', { anonymousId, viewId: view.viewId, event: 'started' })).statusCode, 204);
      assert.equal((await t.collect('/v1/forms/adaptive/events', { anonymousId, viewId: view.viewId, event: 'abandoned', fields: ['email', 'plm'] })).statusCode, 204);
    }
    const after = await renderOk(t, 'adaptive', { anonymousId: 'anon-ad-last' });
    assert.deepEqual(keysOf(after), ['email', 'plm', 'jobRole'], 'the company question now costs more than it is worth');
    assert.match(after.fields[1].why, /expected drop-off 5% \(0 of 20 left\)/, 'the other field shown is not blamed');
    const preview = JSON.parse((await adminSend(t, 'GET', '/v1/forms/adaptive/preview')).body);
    // Once its cost outweighed its value the question was no longer shown, so it stopped losing people.
    const company = preview.skipped.find((s: Json) => s.key === 'company').reason;
    assert.match(company, /company is unknown; .*expected drop-off (\d+)% \((\d+) of \2 left\)/);
    assert.ok(Number(/drop-off (\d+)%/.exec(company)![1]) >= 25, company);
  });

  it('Global Privacy Control applies to the form\'s events as to any event', async () => {
    const settings = JSON.parse((await adminSend(t, 'GET', '/v1/privacy/settings')).body);
    assert.equal((await adminSend(t, 'PUT', '/v1/privacy/settings', { ...settings, gpcPurposes: ['analytics'] })).statusCode, 200);
    try {
      const gpc = await t.inject({ method: 'GET', url: '/v1/forms/whitepaper/render?anonymousId=anon-gpc', headers: { authorization: basicAuth(WRITE_KEY), 'sec-gpc': '1' } });
      assert.equal(gpc.statusCode, 200, gpc.body);
      await renderOk(t, 'whitepaper', { anonymousId: 'anon-no-gpc' });
      await profileOf(t, 'anon-no-gpc'); // without the signal, the view is on a profile
      assert.equal((await t.admin('/v1/profiles/anon-gpc')).statusCode, 404, 'the Form Viewed of a GPC visitor was not stored (analytics is opted out)');
    } finally {
      assert.equal((await adminSend(t, 'PUT', '/v1/privacy/settings', settings)).statusCode, 200);
    }
  });

  it('a kiosk form never links the shared device to the people who use it', async () => {
    const created = await adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, id: 'booth', kiosk: true });
    assert.equal(created.statusCode, 201, created.body);
    for (const email of ['anna@fair.test', 'bert@fair.test']) {
      const view = await renderOk(t, 'booth', { anonymousId: 'booth-tablet' });
      assert.ok(keysOf(view).includes('email'), 'the next person is a stranger: nothing skipped, nothing shown');
      const done = await submitOk(t, 'booth', { anonymousId: 'booth-tablet', viewId: view.viewId, answers: { email, company: 'Fair' } });
      assert.equal(done.next, null);
      const profile = await profileOf(t, email);
      assert.ok(!profile.identities.some((i: Json) => i.value === 'booth-tablet'));
    }
    assert.notEqual((await profileOf(t, 'anna@fair.test')).id, (await profileOf(t, 'bert@fair.test')).id);
    assert.equal((await t.admin('/v1/profiles/booth-tablet')).statusCode, 404);
  });
});
