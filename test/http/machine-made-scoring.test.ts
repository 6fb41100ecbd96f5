/**
 * One rule of what is machine-made, on every path (issue 13, item 9): a form submitted by a
 * server-side client (an HTTP library's user agent) scores exactly as a track from that client
 * does; a crawler's form submission and track are both ignored; and the score explanation lists
 * the ignored events with the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { ADMIN_KEY, WRITE_KEY, basicAuth, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, type Json } from './api-helpers.js';
import { adminSend, renderOk, submitOk } from './forms-helpers.js';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('machine-made events: one classification for every path, explained in the score', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
    const scoring = await adminSend(t, 'PUT', '/v1/scoring', {
      engagement: { halfLifeDays: null, rules: [
        { id: 'form', label: 'Form submitted', event: 'Form Submitted', points: 10 },
        { id: 'demo', label: 'Demo requested', event: 'Demo Requested', points: 5 },
      ] },
    });
    assert.equal(scoring.statusCode, 200, scoring.body);
  });
  after(async () => t.close());

  const submitAs = async (anonymousId: string, email: string, userAgent: string) => {
    const view = await renderOk(t, 'whitepaper', { anonymousId });
    const res = await t.inject({
      method: 'POST', url: '/v1/forms/whitepaper/submit',
      headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY), 'user-agent': userAgent },
      payload: JSON.stringify({ anonymousId, viewId: view.viewId, answers: { email } }),
    });
    assert.equal(res.statusCode, 200, res.body);
  };
  const trackAs = async (anonymousId: string, userAgent: string) => {
    assertAccepted(await t.collect('/v1/track', { anonymousId, event: 'Demo Requested', context: { userAgent } }, { 'user-agent': userAgent }));
  };
  const score = async (id: string) => {
    const res = await t.inject({ method: 'GET', url: `/v1/profiles/${encodeURIComponent(id)}/score`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body) as Json;
  };

  for (const userAgent of ['curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1']) {
    it(`a form submitted with "${userAgent}" scores, as a track from the same client does`, async () => {
      const name = userAgent.split('/')[0]!.toLowerCase();
      await submitAs(`anon-${name}`, `${name}@relay.test`, userAgent);
      await trackAs(`anon-${name}`, userAgent);
      const s = await score(`${name}@relay.test`);
      const counts = Object.fromEntries(s.engagement.rules.map((r: Json) => [r.ruleId, r.count]));
      assert.deepEqual(counts, { form: 1, demo: 1 }, JSON.stringify(s));
      assert.equal(s.engagement.score, 15);
      assert.deepEqual(s.engagement.ignored, { count: 0, recent: [] });
      assert.doesNotMatch(s.text, /Ignored/);
    });
  }

  it('a crawler\'s form submission and track are both ignored, and the explanation says which and why', async () => {
    await submitAs('anon-crawler', 'crawled@site.test', GOOGLEBOT);
    await trackAs('anon-crawler', GOOGLEBOT);
    const s = await score('crawled@site.test');
    assert.equal(s.engagement.score, 0);
    assert.deepEqual(s.engagement.rules, []);
    assert.equal(s.engagement.ignored.count, 2);
    assert.deepEqual(s.engagement.ignored.recent.map((e: Json) => [e.event, e.ruleIds, e.reason]).sort(),
      [['Demo Requested', ['demo'], 'bot_user_agent'], ['Form Submitted', ['form'], 'bot_user_agent']]);
    assert.match(s.engagement.ignored.recent[0].detail, /automated user agent/);
    assert.match(s.text, /\nIgnored as machine-made: 2 events matching scoring rules \(.*Form Submitted \d{4}-\d\d-\d\d: automated user agent/);
  });

  it('an event marked machine-made by the email tracking is listed with the verdict\'s reason', async () => {
    await trackAs('anon-marked', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15');
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'anon-marked', event: 'Demo Requested', properties: { machine: true, machineReason: 'scanner_user_agent', machineDetail: 'Mimecast user agent' } }));
    const s = await score('anon-marked');
    assert.equal(s.engagement.score, 5);
    assert.deepEqual(s.engagement.ignored.recent.map((e: Json) => [e.reason, e.detail]), [['scanner_user_agent', 'Mimecast user agent']]);
  });
});
