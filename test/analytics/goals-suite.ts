/**
 * Analytics goals through the real ingest and API (issue 18 §1), on the store the caller starts:
 * goals defined, generated traffic with known conversions, conversions and rates per channel and
 * device exact (visits) or within the sketch's error (visitors), a goal defined after the fact
 * counting nothing before its creation, and hostile parameters named.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';
import { ADMIN_KEY } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from '../http/api-helpers.js';
import { HLL_STANDARD_ERROR } from '../../src/core/analytics/hll.js';
import { MAX_GOALS } from '../../src/analytics/goals.js';
import { GOAL_DAY, GOALS, generateGoalTraffic, type GoalCounts, type GoalName, type GoalTruth } from './goal-traffic.js';

const VISITORS = 150;
const RANGE = `from=${GOAL_DAY}&to=${GOAL_DAY}`;
const rate = (a: number, b: number) => Math.round((a / b) * 1e4) / 1e4;

type Start = (extras: { now: () => number }) => Promise<TesseraUnderTest>;

export function goalsSuite(start: Start): void {
  let t: TesseraUnderTest;
  let truth: GoalTruth;
  // Goals are defined before the traffic's day, then the clock is the real one again for ingest.
  let clock = Date.parse(`${GOAL_DAY}T00:00:00Z`) - 86_400_000;

  const request = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = async (path: string) => {
    const res = await t.admin(path);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };

  before(async () => {
    t = await start({ now: () => clock });
    for (const [id, step] of Object.entries(GOALS)) {
      const res = await request('PUT', `/v1/analytics/goals/${id}`, { name: `Goal ${id}`, step });
      assert.equal(res.statusCode, 201, res.body);
    }
    clock = Date.now();
    const generated = generateGoalTraffic(VISITORS);
    truth = generated.truth;
    for (let i = 0; i < generated.events.length; i += 89) {
      const res = await t.collect('/v1/batch', { batch: generated.events.slice(i, i + 89) });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
  after(async () => { await t.close(); });

  const withinSketch = (got: number, want: number, what: string) =>
    assert.ok(Math.abs(got - want) <= 3 * HLL_STANDARD_ERROR * want + 1, `${what}: ${got} vs ${want}`);

  const checkRow = (row: Record<string, number | null>, want: GoalCounts, goal: GoalName, what: string) => {
    assert.equal(row.visits, want.visits, `${what} visits`);
    assert.equal(row.conversions, want.conversions[goal], `${what} conversions`);
    assert.equal(row.conversionRate, rate(want.conversions[goal], want.visits), `${what} conversion rate`);
    withinSketch(row.convertingVisitors as number, want.convertingVisitors[goal].size, `${what} converting visitors`);
    const wantRate = want.convertingVisitors[goal].size / want.visitors.size;
    // Both figures are sketches: the rate is within the error of each (3 standard errors, plus rounding).
    assert.ok(Math.abs((row.visitorConversionRate as number) - wantRate) <= 6 * HLL_STANDARD_ERROR * wantRate + 2 / want.visitors.size, `${what} visitor rate ${row.visitorConversionRate} vs ${wantRate}`);
  };

  test('the goals are listed with the instant they count from', async () => {
    const { goals } = await get('/v1/analytics/goals');
    assert.deepEqual(goals.map((g: { id: string; step: string }) => [g.id, g.step]), Object.entries(GOALS));
    assert.equal(goals[0].countingSince, new Date(Date.parse(`${GOAL_DAY}T00:00:00Z`) - 86_400_000).toISOString());
    const one = await get('/v1/analytics/goals/pro');
    assert.equal(one.name, 'Goal pro');
  });

  test('conversions per channel and per device are the generated truth, for both goals', async () => {
    // The traffic converts in every row, and not every visit: a rate of 0 or 1 would prove little.
    for (const c of Object.values(truth.byChannel)) for (const goal of ['checkout', 'pro'] as const) assert.ok(c.conversions[goal] > 0 && c.conversions[goal] < c.visits);
    for (const goal of ['checkout', 'pro'] as const) {
      for (const [dimension, want] of [['channel', truth.byChannel], ['device', truth.byDevice]] as const) {
        const answer = await get(`/v1/analytics/breakdown?${RANGE}&dimension=${dimension}&goal=${goal}&limit=100`);
        assert.equal(answer.goal.id, goal);
        assert.equal(answer.goal.step, GOALS[goal]);
        assert.deepEqual(answer.rows.map((r: { value: string }) => r.value).sort(), Object.keys(want).sort());
        for (const row of answer.rows) checkRow(row, want[row.value]!, goal, `${goal} ${dimension}=${row.value}`);
      }
    }
  });

  test('conversions per entry page: the landing page\'s visits (its entries) and their conversions, exactly; a page filter gives the same', async () => {
    for (const goal of ['checkout', 'pro'] as const) {
      for (const dimension of ['entry', 'page']) {
        const answer = await get(`/v1/analytics/breakdown?${RANGE}&dimension=${dimension}&goal=${goal}&limit=100`);
        for (const row of answer.rows) {
          const want = truth.byEntry[row.value]!;
          assert.equal(row.visits, want.visits, `${goal} ${dimension}=${row.value} visits (entries)`);
          assert.equal(row.conversions, want.conversions[goal], `${goal} ${dimension}=${row.value} conversions`);
          assert.equal(row.conversionRate, rate(want.conversions[goal], want.visits));
        }
        assert.deepEqual(answer.rows.map((r: { value: string }) => r.value).sort(), Object.keys(truth.byEntry).sort());
      }
    }
    const { metrics } = await get(`/v1/analytics/metric?${RANGE}&goal=pro&page=%2Fpricing`);
    assert.equal(metrics.conversions, truth.byEntry['/pricing']!.conversions.pro);
    assert.ok(truth.byEntry['/pricing']!.conversions.pro > 0 && truth.byEntry['/pricing']!.conversions.pro < truth.byEntry['/pricing']!.visits);
  });

  test('conversions per exit page, title, event and event property value are the generated truth', async () => {
    const exactRow = (row: Record<string, number | null>, want: GoalCounts, goal: GoalName, base: number, what: string) => {
      assert.equal(base, want.visits, `${what} visits`);
      assert.equal(row.conversions, want.conversions[goal], `${what} conversions`);
      assert.equal(row.conversionRate, rate(want.conversions[goal], want.visits), `${what} conversion rate`);
      assert.equal(row.convertingVisitors, null, `${what}: sums only`);
    };
    for (const goal of ['checkout', 'pro'] as const) {
      // Exit: the visits that left on the page (its exits); a conversion follows the visit's exit as it moves.
      const exits = await get(`/v1/analytics/breakdown?${RANGE}&dimension=exit&goal=${goal}&limit=100`);
      assert.deepEqual(exits.rows.map((r: { value: string }) => r.value).sort(), Object.keys(truth.byExit).sort());
      for (const row of exits.rows) exactRow(row, truth.byExit[row.value]!, goal, row.exits, `${goal} exit=${row.value}`);
      // Titles, events and property values: the visits that touched the value (visitsWith), converting before or after.
      for (const [query, want] of [['dimension=title', truth.byTitle], ['dimension=event', truth.byEvent], ['dimension=event_property&event=Purchased&property=plan', truth.byPlan]] as const) {
        const answer = await get(`/v1/analytics/breakdown?${RANGE}&${query}&goal=${goal}&limit=100`);
        assert.deepEqual(answer.rows.map((r: { value: string }) => r.value).sort(), Object.keys(want).sort(), query);
        for (const row of answer.rows) exactRow(row, want[row.value]!, goal, row.visitsWith, `${goal} ${query} ${row.value}`);
      }
    }
    // The rates are not trivial: some titles' visits convert the checkout goal, not all.
    const pricing = truth.byTitle['/pricing']!;
    assert.ok(pricing.conversions.checkout > 0 && pricing.conversions.checkout < pricing.visits);
    assert.ok(truth.byPlan.free!.conversions.pro > 0, 'a visit with a free purchase converted pro in another purchase');
  });

  test('totals and the time series answer the same conversions; a channel filter narrows them', async () => {
    const { metrics, goal } = await get(`/v1/analytics/metric?${RANGE}&goal=checkout`);
    assert.equal(goal.countingSince, new Date(Date.parse(`${GOAL_DAY}T00:00:00Z`) - 86_400_000).toISOString());
    checkRow(metrics, truth.total, 'checkout', 'total');
    const email = await get(`/v1/analytics/metric?${RANGE}&goal=pro&channel=email`);
    checkRow(email.metrics, truth.byChannel.email!, 'pro', 'email total');
    const series = await get(`/v1/analytics/timeseries?${RANGE}&interval=hour&goal=pro`);
    assert.equal(series.points.reduce((n: number, p: { conversions: number }) => n + p.conversions, 0), truth.total.conversions.pro);
    for (const p of series.points) assert.ok(p.conversions <= p.visits, `${p.period}: ${p.conversions} conversions of ${p.visits} visits`);
    const csv = await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=channel&goal=pro&format=csv`);
    assert.equal(csv.statusCode, 200, csv.body);
    const [header, ...lines] = csv.body.trim().split('\r\n');
    const column = header!.split(',').indexOf('conversions');
    assert.ok(column > 0, header);
    assert.equal(lines.reduce((n, l) => n + Number(l.split(',')[column]), 0), truth.total.conversions.pro);
  });

  test('a goal defined after the fact counts nothing before its creation (no backfill)', async () => {
    const res = await request('PUT', '/v1/analytics/goals/late', { name: 'Late', step: 'page:/pricing' });
    assert.equal(res.statusCode, 201, res.body);
    const { metrics, goal } = await get(`/v1/analytics/metric?${RANGE}&goal=late`);
    assert.equal(goal.countingSince, new Date(clock).toISOString());
    assert.equal(metrics.conversions, 0);
    assert.ok(metrics.visits > 0);
    // Renaming keeps the count and the instant; deleting makes the goal unknown.
    const renamed = await request('PUT', '/v1/analytics/goals/checkout', { name: 'Checkout', step: GOALS.checkout });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(JSON.parse(renamed.body).countingSince, new Date(Date.parse(`${GOAL_DAY}T00:00:00Z`) - 86_400_000).toISOString());
    assert.equal((await get(`/v1/analytics/metric?${RANGE}&goal=checkout`)).metrics.conversions, truth.total.conversions.checkout);
    assert.equal((await request('DELETE', '/v1/analytics/goals/late')).statusCode, 200);
    assertError(await request('GET', '/v1/analytics/goals/late'), 404, 'not_found');
    assertError(await request('DELETE', '/v1/analytics/goals/late'), 404, 'not_found');
  });

  test('goals created and deleted at the same moment are all kept or all gone (no change lost)', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `together-${i}`);
    const created = await Promise.all(ids.map((id) => request('PUT', `/v1/analytics/goals/${id}`, { name: id, step: `page:/${id}` })));
    assert.deepEqual(created.map((r) => r.statusCode), ids.map(() => 201), created.map((r) => r.body).join('\n'));
    const listed = new Set((await get('/v1/analytics/goals')).goals.map((g: { id: string }) => g.id));
    assert.deepEqual(ids.filter((id) => !listed.has(id)), [], 'every goal created at once is kept');
    const deleted = await Promise.all(ids.map((id) => request('DELETE', `/v1/analytics/goals/${id}`)));
    assert.deepEqual(deleted.map((r) => r.statusCode), ids.map(() => 200));
    const left = (await get('/v1/analytics/goals')).goals.map((g: { id: string }) => g.id);
    assert.deepEqual(left.filter((id: string) => id.startsWith('together-')), [], 'every goal deleted at once is gone');
  });

  test('hostile parameters and bodies are named', async () => {
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=channel&goal=nope`), 400, 'invalid_query'), 'goal', /no goal "nope"/);
    const both = assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=pages&goal=nope&timezone=Mars/Base`), 400, 'invalid_query');
    assertIssue(both, 'goal', /no goal/);
    assertIssue(both, 'dimension', /must be one of/);
    assertIssue(both, 'timezone', /IANA/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&event=Purchased&goal=pro`), 400, 'invalid_query'), 'goal', /event filter/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&segment=s1&goal=pro`), 400, 'invalid_query'), 'goal', /segment/);
    const body = assertError(await request('PUT', '/v1/analytics/goals/bad:id', { name: '', step: 'click:/x', colour: 'red' }), 400, 'invalid_body');
    for (const [field, reason] of [['id', /letters, digits/], ['name', /1 to 100/], ['step', /page: or event:/], ['colour', /not a goal field/]] as const) assertIssue(body, field, reason);
    assertIssue(assertError(await request('PUT', '/v1/analytics/goals/x', { name: 'x', step: 'event:Buy;plan' }), 400, 'invalid_body'), 'step', /property/);
    // At most MAX_GOALS: the ones beyond are refused, naming the id.
    const have = (await get('/v1/analytics/goals')).goals.length;
    for (let i = have; i < MAX_GOALS; i++) assert.equal((await request('PUT', `/v1/analytics/goals/g${i}`, { name: `g${i}`, step: `page:/p${i}` })).statusCode, 201);
    assertIssue(assertError(await request('PUT', '/v1/analytics/goals/one-too-many', { name: 'x', step: 'page:/x' }), 400, 'invalid_body'), 'id', /at most 20 goals/);
  });
}
