/**
 * Junk in every field of the forms and recognition APIs never causes a 500: the answer is a 4xx
 * JSON error naming the field, or (for junk that happens to be valid, such as a number as a text
 * answer) a normal answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { WRITE_KEY, basicAuth, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError } from './api-helpers.js';
import { adminSend, renderOk } from './forms-helpers.js';

const JUNK: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(5000), [], [1, 2], {}, { a: { b: { c: 1 } } }, '__proto__', 'constructor', '../../etc/passwd', '\u0000', '💥'];

describe('forms API: bad input', () => {
  let t: TesseraUnderTest;
  let viewId: string;
  before(async () => {
    t = await startTessera();
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
    viewId = (await renderOk(t, 'whitepaper', { anonymousId: 'anon-junk' })).viewId;
  });
  after(async () => t.close());

  let refused = 0;
  const noCrash = async (label: string, answer: Promise<LightMyRequestResponse>) => {
    const res = await answer;
    assert.ok(res.statusCode < 500, `${label}: ${res.statusCode} ${res.body}`);
    if (res.statusCode >= 400) { assertError(res, res.statusCode); refused++; }
  };

  it('submit, events, render, recognize, forget and recognitions', async () => {
    const base = { anonymousId: 'anon-junk', viewId, answers: { email: 'a@b.co' } };
    const fields: Array<[string, (junk: unknown) => Promise<LightMyRequestResponse>]> = [
      ['submit body.answers', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, answers: j })],
      ['submit answers.email', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, answers: { email: j } })],
      ['submit answers.jobRole', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, answers: { email: 'a@b.co', jobRole: j } })],
      ['submit viewId', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, viewId: j })],
      ['submit anonymousId', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, anonymousId: j })],
      ['submit declined', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, declined: j })],
      ['submit locale', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, locale: j })],
      ['submit recognition', (j) => t.collect('/v1/forms/whitepaper/submit', { ...base, recognition: j })],
      ['events event', (j) => t.collect('/v1/forms/whitepaper/events', { anonymousId: 'anon-junk', viewId, event: j })],
      ['events fields', (j) => t.collect('/v1/forms/whitepaper/events', { anonymousId: 'anon-junk', viewId, event: 'abandoned', fields: j })],
      ['events viewId', (j) => t.collect('/v1/forms/whitepaper/events', { anonymousId: 'anon-junk', viewId: j, event: 'started' })],
      ['render query', (j) => t.inject({ method: 'GET', url: `/v1/forms/whitepaper/render?anonymousId=${encodeURIComponent(String(j))}&locale=${encodeURIComponent(String(j))}&recognition=${encodeURIComponent(String(j))}`, headers: { authorization: basicAuth(WRITE_KEY) } })],
      ['render recognition header', (j) => t.inject({ method: 'GET', url: '/v1/forms/whitepaper/render?anonymousId=anon-junk', headers: { authorization: basicAuth(WRITE_KEY), 'x-tessera-recognition': encodeURIComponent(String(j)) } })],
      ['recognize token', (j) => t.collect('/v1/recognize', { token: j, anonymousId: 'anon-junk' })],
      ['recognize anonymousId', (j) => t.collect('/v1/recognize', { token: 'a.b.c', anonymousId: j })],
      ['recognitions email', (j) => adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'anon-junk', email: j })],
      ['recognitions userId', (j) => adminSend(t, 'POST', '/v1/recognitions', { anonymousId: 'anon-junk', userId: j })],
      ['forget anonymousId', (j) => t.collect('/v1/recognize/forget', { anonymousId: j })],
    ];
    for (const [label, send] of fields) for (const junk of JUNK) await noCrash(`${label} = ${JSON.stringify(junk)?.slice(0, 40)}`, send(junk));
    assert.equal((await t.inject({ method: 'HEAD', url: '/v1/forms/whitepaper/render?anonymousId=anon-head', headers: { authorization: basicAuth(WRITE_KEY) } })).statusCode, 404);
    assert.equal((await t.admin('/v1/profiles/anon-head')).statusCode, 404, 'a HEAD counts no view and makes no profile');
    for (const body of ['not json', '[]', '"string"', '{"__proto__":{"x":1}}', '']) {
      for (const path of ['/v1/forms/whitepaper/submit', '/v1/forms/whitepaper/events', '/v1/recognize', '/v1/recognize/forget']) {
        await noCrash(`${path} body ${body}`, t.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, payload: body }));
      }
    }
    assert.ok(refused > 250, `most junk is refused (${refused})`);
  });

  it('a submit names every problem of an answer, and 1e400 by its field', async () => {
    const submit = (payload: string) => t.inject({ method: 'POST', url: '/v1/forms/whitepaper/submit', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, payload });
    const both = assertError(await submit(JSON.stringify({ anonymousId: 'anon-junk', viewId, answers: { email: 'x'.repeat(2_001) } })), 400, 'invalid_body');
    assert.deepEqual(both.issues?.filter((i) => i.field === 'answers.email').map((i) => i.reason), ['must be at most 2000 characters', 'must be an email address such as name@example.com']);
    const overflow = assertError(await submit(`{"anonymousId":"anon-junk","viewId":${JSON.stringify(viewId)},"answers":{"email":"a@b.co","employees":1e400}}`), 400, 'invalid_body');
    assert.deepEqual(overflow.issues?.map((i) => i.field), ['answers.employees']);
  });

  it('a strict data schema refuses an undeclared answer, named as the answer; the form events are declared', async () => {
    const settings = JSON.parse((await adminSend(t, 'GET', '/v1/privacy/settings')).body);
    const strict = { ...(settings.settings ?? settings), schema: { ...(settings.settings ?? settings).schema, mode: 'strict' } };
    const put = await adminSend(t, 'PUT', '/v1/privacy/settings', strict);
    assert.equal(put.statusCode, 200, put.body);
    try {
      // A form of its own: the junk views above taught the drop-off model of `whitepaper`.
      assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'strict', ...WHITEPAPER_FORM_INPUT, alwaysShow: ['email', 'newsletter'] })).statusCode, 201);
      const view = await renderOk(t, 'strict', { anonymousId: 'anon-strict' });
      assert.deepEqual(view.fields.map((f: { key: string }) => f.key), ['email', 'newsletter', 'company', 'plm']);
      const refused = assertError(await t.collect('/v1/forms/strict/submit', { anonymousId: 'anon-strict', viewId: view.viewId, answers: { email: 's@acme.com', plm: 'x', newsletter: true } }), 400, 'invalid_body');
      assert.deepEqual(refused.issues?.map((i) => i.field), ['answers.plm']);
      assert.equal((await adminSend(t, 'GET', '/v1/profiles/anon-strict/consent')).statusCode === 200
        ? JSON.parse((await adminSend(t, 'GET', '/v1/profiles/anon-strict/consent')).body).ledger.length : 0, 0, 'a refused submission records no consent');
      const ok = await t.collect('/v1/forms/strict/submit', { anonymousId: 'anon-strict', viewId: view.viewId, answers: { email: 's@acme.com', company: 'Acme' } });
      assert.equal(ok.statusCode, 200, ok.body);
      const timeline = JSON.parse((await adminSend(t, 'GET', '/v1/profiles/s%40acme.com/events')).body).events.map((e: { event?: string; type: string }) => e.event ?? e.type);
      assert.ok(timeline.includes('Form Submitted') && timeline.includes('Form Viewed'), JSON.stringify(timeline));
    } finally {
      assert.equal((await adminSend(t, 'PUT', '/v1/privacy/settings', settings.settings ?? settings)).statusCode, 200);
    }
  });

  it('admin definitions and reports', async () => {
    for (const junk of JUNK) {
      for (const key of ['id', 'name', 'fields', 'alwaysShow', 'maxNewQuestions', 'thankYou', 'kiosk', 'defaultLocale', 'submitLabel', 'declineCooldownDays', 'dropOffCost']) {
        await noCrash(`${key} ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, [key]: junk }));
      }
      await noCrash(`field ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, fields: [junk] }));
      await noCrash(`field option ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'POST', '/v1/forms', { ...WHITEPAPER_FORM_INPUT, fields: [{ ...WHITEPAPER_FORM_INPUT.fields[3], options: [junk] }] }));
      await noCrash(`put ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'PUT', '/v1/forms/whitepaper', junk ?? 'null'));
      await noCrash(`report ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'GET', `/v1/forms/whitepaper/report?from=${encodeURIComponent(String(junk))}&to=${encodeURIComponent(String(junk))}`));
      await noCrash(`preview ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'GET', `/v1/forms/whitepaper/preview?profile=${encodeURIComponent(String(junk))}`));
      await noCrash(`form id ${JSON.stringify(junk)?.slice(0, 40)}`, adminSend(t, 'GET', `/v1/forms/${encodeURIComponent(String(junk)) || '%20'}`));
    }
    assert.equal(JSON.parse((await adminSend(t, 'GET', '/v1/forms/whitepaper')).body).name, 'Whitepaper download', 'junk never replaced the form');
  });
});
