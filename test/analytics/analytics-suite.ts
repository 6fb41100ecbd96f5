/**
 * Web analytics through the real ingest and the real API (issue 18 §5), on the store the caller
 * starts: generated traffic with known truth checked figure by figure (visitors within the
 * sketch's error), the rollups checked against the raw events, erasure leaving the aggregates,
 * and bad parameters named.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';
import { ADMIN_KEY } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from '../http/api-helpers.js';
import { HLL_STANDARD_ERROR } from '../../src/core/analytics/hll.js';
import { DAY, generateTraffic, type Truth } from './traffic.js';

const VISITORS = 120;
const RANGE = `from=${DAY}&to=${DAY}`;

export function analyticsSuite(start: () => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  let truth: Truth;

  const get = async (path: string) => {
    const res = await t.admin(path);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };

  before(async () => {
    t = await start();
    const generated = generateTraffic(VISITORS);
    truth = generated.truth;
    // Sent in batches of mixed visitors, out of order across visitors, as a real site's traffic.
    for (let i = 0; i < generated.events.length; i += 97) {
      const res = await t.collect('/v1/batch', { batch: generated.events.slice(i, i + 97) });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
  after(async () => { await t.close(); });

  test('the totals of the day are the generated truth (visitors within 3 standard errors of the sketch)', async () => {
    const { metrics } = await get(`/v1/analytics/metric?${RANGE}`);
    assert.equal(metrics.visits, truth.visits);
    assert.equal(metrics.pageviews, truth.pageviews);
    assert.equal(metrics.bounces, truth.bounces);
    assert.equal(metrics.events, truth.events);
    assert.equal(metrics.visibleMs, truth.visibleMs);
    assert.equal(metrics.avgVisitDurationMs, Math.round(truth.durationMs / truth.visits));
    assert.equal(metrics.bounceRate, Math.round((truth.bounces / truth.visits) * 1e4) / 1e4);
    assert.ok(Math.abs(metrics.visitors - truth.visitors) <= 3 * HLL_STANDARD_ERROR * truth.visitors + 1, `visitors ${metrics.visitors} vs ${truth.visitors}`);
  });

  test('the channel of every visit, the device, the pages, entries and exits are exact', async () => {
    const channels = await get(`/v1/analytics/breakdown?${RANGE}&dimension=channel&limit=100`);
    assert.deepEqual(Object.fromEntries(channels.rows.map((r: { value: string; visits: number }) => [r.value, r.visits])), truth.visitsByChannel);
    const devices = await get(`/v1/analytics/breakdown?${RANGE}&dimension=device`);
    assert.deepEqual(Object.fromEntries(devices.rows.map((r: { value: string; visits: number }) => [r.value, r.visits])), truth.visitsByDevice);
    const pages = await get(`/v1/analytics/breakdown?${RANGE}&dimension=page&limit=100`);
    assert.deepEqual(Object.fromEntries(pages.rows.map((r: { value: string; pageviews: number }) => [r.value, r.pageviews])), truth.pageviewsByPath);
    const shares = pages.rows.reduce((n: number, r: { share: number }) => n + r.share, 0);
    assert.ok(Math.abs(shares - 1) < 0.001, `shares add up to ${shares}`);
    const entries = await get(`/v1/analytics/breakdown?${RANGE}&dimension=entry&limit=100`);
    assert.deepEqual(Object.fromEntries(entries.rows.map((r: { value: string; entries: number }) => [r.value, r.entries])), truth.entriesByPath);
    const exits = await get(`/v1/analytics/breakdown?${RANGE}&dimension=exit&limit=100`);
    assert.deepEqual(Object.fromEntries(exits.rows.map((r: { value: string; exits: number }) => [r.value, r.exits])), truth.exitsByPath);
    const events = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event`);
    assert.deepEqual(Object.fromEntries(events.rows.map((r: { value: string; events: number }) => [r.value, r.events])), truth.eventsByName);
  });

  test('filters: a channel, known visitors, a page', async () => {
    const email = await get(`/v1/analytics/metric?${RANGE}&channel=email`);
    assert.equal(email.metrics.visits, truth.visitsByChannel.email);
    const known = await get(`/v1/analytics/metric?${RANGE}&audience=known`);
    const anonymous = await get(`/v1/analytics/metric?${RANGE}&audience=anonymous`);
    assert.equal(known.metrics.visits + anonymous.metrics.visits, truth.visits);
    assert.ok(Math.abs(known.metrics.visitors - truth.knownVisitors) <= 1, `known visitors ${known.metrics.visitors} vs ${truth.knownVisitors}`);
    const pricing = await get(`/v1/analytics/metric?${RANGE}&page=%2Fpricing`);
    assert.equal(pricing.metrics.pageviews, truth.pageviewsByPath['/pricing']);
    assert.equal(pricing.metrics.entries, truth.entriesByPath['/pricing'] ?? 0);
    const pricingByChannel = await get(`/v1/analytics/breakdown?${RANGE}&dimension=page&page=%2Fpricing`);
    assert.deepEqual(pricingByChannel.rows.map((r: { value: string }) => r.value), ['/pricing']);
  });

  test('the hourly series is the raw events counted by hour; the daily series adds up to the day', async () => {
    const hourly = await get(`/v1/analytics/timeseries?${RANGE}&interval=hour`);
    assert.equal(hourly.points.length, 24);
    const byHour = Object.fromEntries(hourly.points.filter((p: { pageviews: number }) => p.pageviews > 0).map((p: { start: string; pageviews: number }) => [p.start, p.pageviews]));
    assert.deepEqual(byHour, truth.pageviewsByHour);
    const daily = await get(`/v1/analytics/timeseries?from=2026-11-01&to=2026-11-07&interval=day`);
    assert.deepEqual(daily.points.map((p: { period: string }) => p.period), ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07']);
    assert.equal(daily.points.reduce((n: number, p: { visits: number }) => n + p.visits, 0), truth.visits);
    // In New York the day of 06:00–22:00 UTC is one local day too (01:00–17:00 EST).
    const ny = await get(`/v1/analytics/timeseries?from=2026-11-01&to=2026-11-07&interval=day&timezone=America%2FNew_York`);
    assert.equal(ny.points.find((p: { period: string }) => p.period === DAY).pageviews, truth.pageviews);
  });

  test('rollups agree with a direct count over the raw events (page views by path, events by name)', async () => {
    const byPath: Record<string, number> = {};
    const byName: Record<string, number> = {};
    for (let v = 0; v < VISITORS; v++) {
      const res = await t.admin(`/v1/profiles/${encodeURIComponent(`anon-18-${v}`)}/events?limit=1000`);
      assert.equal(res.statusCode, 200, res.body);
      for (const e of JSON.parse(res.body).events as Array<{ type: string; event?: string; properties: { path?: string } }>) {
        if (e.type === 'page') byPath[e.properties.path!] = (byPath[e.properties.path!] ?? 0) + 1;
        if (e.type === 'track' && e.event !== 'Page Left') byName[e.event!] = (byName[e.event!] ?? 0) + 1;
      }
    }
    const pages = await get(`/v1/analytics/breakdown?${RANGE}&dimension=page&limit=100`);
    assert.deepEqual(Object.fromEntries(pages.rows.map((r: { value: string; pageviews: number }) => [r.value, r.pageviews])), byPath);
    const events = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event`);
    assert.deepEqual(Object.fromEntries(events.rows.map((r: { value: string; events: number }) => [r.value, r.events])), byName);
  });

  test('compare=previous answers the previous period; CSV has a header and a row per value', async () => {
    const answer = await get(`/v1/analytics/metric?${RANGE}&compare=previous`);
    assert.equal(answer.previous.visits, 0);
    assert.equal(answer.change.visits, null);
    const res = await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=channel&format=csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = res.body.trim().split('\r\n');
    assert.match(lines[0]!, /^value,visitors,visits,pageviews/);
    assert.equal(lines.length, 1 + Object.keys(truth.visitsByChannel).length);
  });

  test('bad ranges, unknown dimensions, too many groups and clashing filters are 400s naming the parameter', async () => {
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?from=2026-11-31&to=${DAY}`), 400, 'invalid_query'), 'from', /date/);
    assertIssue(assertError(await t.admin('/v1/analytics/metric?from=2026-11-05&to=2026-11-01'), 400), 'to', /after from/);
    assertIssue(assertError(await t.admin('/v1/analytics/metric?from=2020-01-01&to=2026-11-01'), 400), 'from', /longer than/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&timezone=Mars%2FOlympus`), 400), 'timezone', /IANA/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=shoe_size`), 400), 'dimension', /must be one of/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=page&limit=5000`), 400), 'limit', /.+/);
    assertIssue(assertError(await t.admin('/v1/analytics/timeseries?from=2026-01-01&to=2026-11-01&interval=hour'), 400), 'interval', /too many/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=channel&page=%2F`), 400), 'page', /cannot filter a breakdown by channel/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&page=%2F&referrer=x`), 400), 'referrer', /only one/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&audience=robots`), 400), 'audience', /known or anonymous/);
    const noKey = await t.inject({ method: 'GET', url: `/v1/analytics/metric?${RANGE}` });
    assert.equal(noKey.statusCode, 401);
  });

  test('realtime: visitors of the last five minutes and their pages', async () => {
    const now = new Date().toISOString();
    const context = { page: { url: 'https://shop.example/live', path: '/live', referrer: '' } };
    const res = await t.collect('/v1/batch', { batch: [
      { type: 'page', anonymousId: 'live-1', timestamp: now, properties: context.page, context },
      { type: 'page', anonymousId: 'live-2', timestamp: now, properties: context.page, context },
    ] });
    assert.equal(res.statusCode, 200, res.body);
    const live = await get('/v1/analytics/realtime');
    assert.equal(live.visitors, 2);
    assert.deepEqual(live.pages, [{ path: '/live', visitors: 2 }]);
  });

  test('erasing a person leaves the aggregate counts and removes their open visit', async () => {
    const beforeErasure = await get(`/v1/analytics/metric?${RANGE}`);
    const profile = JSON.parse((await t.admin(`/v1/profiles/${truth.someKnownAnonymousId}`)).body) as { id: string };
    assert.equal((await t.tessera.store.analytics.visitsOf('default', [profile.id])).length, 1);
    const indexed = await t.tessera.store.analytics.personVisits('default', [profile.id], 0, Number.MAX_SAFE_INTEGER);
    assert.ok(indexed.length >= 1, 'the person\'s visits are indexed');
    const exported = JSON.parse((await t.admin(`/v1/profiles/${profile.id}/export`)).body);
    assert.deepEqual(exported.analyticsPersonVisits, indexed.map((v) => ({ ...v, start: new Date(v.start).toISOString() })), 'the export lists them');
    assert.equal(exported.analyticsVisits.length, 1, 'and the open visit');
    const erased = await t.inject({ method: 'DELETE', url: `/v1/profiles/${profile.id}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(erased.statusCode, 200, erased.body);
    const afterErasure = await get(`/v1/analytics/metric?${RANGE}`);
    assert.deepEqual(afterErasure.metrics, beforeErasure.metrics);
    assert.deepEqual(await t.tessera.store.analytics.visitsOf('default', [profile.id]), []);
    assert.deepEqual(await t.tessera.store.analytics.personVisits('default', [profile.id], 0, Number.MAX_SAFE_INTEGER), [], 'the indexed visits are erased');
  });
}
