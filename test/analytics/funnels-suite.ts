/**
 * Funnels and retention through the real ingest and the real API (issue 18 §5), on the store the
 * caller starts: people with a known furthest step and known weekly returns (funnel-traffic.ts),
 * checked exactly; CSV; and bad parameters named.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from '../http/api-helpers.js';
import { FUNNEL, RANGE_FROM, RANGE_TO, generateFunnelTraffic, type FunnelTruth } from './funnel-traffic.js';

const PEOPLE = 180;
const RANGE = `from=${RANGE_FROM}&to=${RANGE_TO}`;
const STEPS = `step1=${encodeURIComponent(FUNNEL.step1)}&step2=${encodeURIComponent(FUNNEL.step2)}&step3=${encodeURIComponent(FUNNEL.step3)}`;

/** People who reached step k = those whose furthest step is k or beyond. */
const atLeast = (reached: number[]) => reached.map((_, k) => reached.slice(k).reduce((n, c) => n + c, 0));

export function funnelsSuite(start: () => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let truth: FunnelTruth;

  const get = async (path: string) => {
    const res = await t.admin(path);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };

  before(async () => {
    t = await start();
    const generated = generateFunnelTraffic(PEOPLE);
    truth = generated.truth;
    for (let i = 0; i < generated.events.length; i += 89) {
      const res = await t.collect('/v1/batch', { batch: generated.events.slice(i, i + 89) });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
  after(async () => { await t.close(); });

  test('a funnel counts the people at each step exactly: order, property, time limit, a later start, the range', async () => {
    const funnel = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=${FUNNEL.within}`);
    const expected = atLeast(truth.reached);
    assert.deepEqual(funnel.steps.map((s: { people: number }) => s.people), expected);
    assert.deepEqual(funnel.steps.map((s: { label: string }) => s.label), [FUNNEL.step1, FUNNEL.step2, FUNNEL.step3]);
    assert.equal(funnel.completed, expected[2]);
    const [first, second, third] = funnel.steps;
    assert.equal(first.conversionFromPrevious, 1);
    assert.equal(second.dropOff, expected[0]! - expected[1]!);
    assert.equal(third.conversionFromPrevious, Math.round((expected[2]! / expected[1]!) * 1e4) / 1e4);
    assert.equal(third.conversionFromFirst, Math.round((expected[2]! / expected[0]!) * 1e4) / 1e4);
    assert.equal(funnel.conversionRate, third.conversionFromFirst);
    assert.equal(funnel.within, '7d');
  });

  test('without a time limit the late ones complete too; known visitors are counted apart', async () => {
    const open = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}`);
    // Without the limit a "late" person (sign-up 7 days and an hour after) goes all the way.
    const late = Math.floor(PEOPLE / 9) + (PEOPLE % 9 > 6 ? 1 : 0);
    const expected = atLeast(truth.reached);
    assert.deepEqual(open.steps.map((s: { people: number }) => s.people), [expected[0], expected[1]! + late, expected[2]! + late]);
    const known = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&audience=known`);
    assert.deepEqual(known.steps.map((s: { people: number }) => s.people), atLeast(truth.reachedKnown));
    assert.deepEqual(known.filters, { audience: 'known' });
  });

  test('filters: the people with a visit of a channel, who read a page, who are in a segment — funnels and retention alike', async () => {
    const email = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&channel=email`);
    assert.deepEqual(email.steps.map((s: { people: number }) => s.people), atLeast(truth.reachedEmail));
    assert.deepEqual(email.filters, { channel: 'email' });
    const campaign = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&utm_source=newsletter&utm_campaign=autumn&audience=known`);
    const knownEmail = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&channel=email&audience=known`);
    assert.deepEqual(campaign.steps.map((s: { people: number }) => s.people), knownEmail.steps.map((s: { people: number }) => s.people));
    assert.ok(knownEmail.steps[0].people > 0 && knownEmail.steps[0].people < email.steps[0].people, 'known is a part of them');
    const blog = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&page=%2Fblog`);
    assert.deepEqual(blog.steps.map((s: { people: number }) => s.people), atLeast(truth.reachedBlog));
    const none = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&channel=email&device=tablet`);
    assert.deepEqual(none.steps.map((s: { people: number }) => s.people), [0, 0, 0]);
    const cohorts = await get(`/v1/analytics/retention?${RANGE}&interval=week&page=%2Fblog`);
    assert.deepEqual(cohorts.cohorts.map((c: { people: number; returning: number[] }) => ({ people: c.people, returning: c.returning })), truth.cohortsBlog);
    // A segment of the people who signed up (pro): the funnel's later steps are all theirs.
    const created = await t.inject({ method: 'POST', url: '/v1/segments', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ id: 'signed-up-pro', name: 'Signed up pro', condition: { event: { name: 'Signed Up', where: [{ property: 'plan', op: 'equals', value: 'pro' }] } } }) });
    assert.equal(created.statusCode, 201, created.body);
    await t.tessera.segments.backfills.idle();
    const members = await get(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=7d&segment=signed-up-pro`);
    const all = atLeast(truth.reached);
    assert.equal(members.steps[1].people, all[1]);
    assert.ok(members.steps[0].people < all[0]!, 'people who only viewed the pricing page are not members');
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&segment=nope`), 400), 'segment', /no segment/);
    assertIssue(assertError(await t.admin(`/v1/analytics/retention?${RANGE}&title=Home`), 400), 'title', /page titles/);
  });

  test('retention: weekly cohorts of newcomers and the share back in each later week, exactly', async () => {
    const answer = await get(`/v1/analytics/retention?${RANGE}&interval=week`);
    assert.deepEqual(answer.cohorts.map((c: { cohort: string }) => c.cohort), ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26']);
    assert.deepEqual(answer.cohorts.map((c: { people: number; returning: number[] }) => ({ people: c.people, returning: c.returning })), truth.cohorts);
    const first = answer.cohorts[0];
    assert.deepEqual(first.rates, first.returning.map((n: number) => Math.round((n / first.people) * 1e4) / 1e4));
    const daily = await get(`/v1/analytics/retention?${RANGE}&interval=day`);
    assert.equal(daily.cohorts.length, 28);
    assert.equal(daily.cohorts.reduce((n: number, c: { people: number }) => n + c.people, 0), truth.cohorts.reduce((n, c) => n + c.people, 0));
  });

  test('CSV: a row per funnel step, a row per cohort', async () => {
    const funnel = await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&format=csv`);
    assert.equal(funnel.statusCode, 200, funnel.body);
    assert.match(String(funnel.headers['content-type']), /^text\/csv/);
    const lines = funnel.body.trim().split('\r\n');
    assert.equal(lines[0], 'step,label,people,conversionFromPrevious,conversionFromFirst,dropOff,dropOffRate');
    assert.equal(lines.length, 4);
    const retention = await t.admin(`/v1/analytics/retention?${RANGE}&format=csv`);
    const rows = retention.body.trim().split('\r\n');
    assert.match(rows[0]!, /^cohort,start,people,returning_0,returning_1,returning_2,returning_3,rate_0/);
    assert.equal(rows.length, 5);
  });

  test('bad steps, limits, ranges, intervals and filters are 400s naming the parameter', async () => {
    const step1 = `step1=${encodeURIComponent('page:/pricing')}`;
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${step1}`), 400, 'invalid_query'), 'steps', /2 to 8 steps/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${step1}&step3=page:/a`), 400), 'step3', /without gaps/);
    const nine = Array.from({ length: 9 }, (_, i) => `step${i + 1}=page:/p${i}`).join('&');
    assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${nine}`), 400);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${step1}&step2=shoe:42`), 400), 'step2', /page: or event:/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${step1}&step2=${encodeURIComponent('event:X;=1')}`), 400), 'step2', /property/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=soon`), 400), 'within', /minutes, hours or days/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&within=400d`), 400), 'within', /366d/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?from=2026-11-05&to=2026-11-01&${STEPS}`), 400), 'to', /after from/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&property=plan`), 400), 'event', /give its name/);
    assertIssue(assertError(await t.admin(`/v1/analytics/funnel?${RANGE}&${STEPS}&audience=robots`), 400), 'audience', /known or anonymous/);
    assertIssue(assertError(await t.admin('/v1/analytics/retention?from=2025-06-01&to=2026-11-01&interval=day'), 400), 'interval', /too many/);
    assertIssue(assertError(await t.admin(`/v1/analytics/retention?${RANGE}&compare=previous`), 400), 'compare', /one range/);
    assertError(await t.admin(`/v1/analytics/retention?${RANGE}&interval=hour`), 400);
    assert.equal((await t.inject({ method: 'GET', url: `/v1/analytics/funnel?${RANGE}&${STEPS}` })).statusCode, 401);
  });
}
