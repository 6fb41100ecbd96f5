/**
 * Web analytics by country, lifecycle stage, segment and known/anonymous, and the profiles behind a
 * breakdown row (issue 18), through the real ingest, the real GeoIP database file and the real API,
 * on the store the caller starts. Every figure is checked against a direct count over the raw
 * events the API returns for each person (GET /v1/profiles/{id}/events), not against the code
 * under test.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';
import { ADMIN_KEY, WRITE_KEY } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from '../http/api-helpers.js';
import { jsonRequest, userWithRole } from '../support/sessions.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { SESSION_TIMEOUT_MS } from '../../src/core/profiles/behaviour.js';

const DAY = '2026-11-10';
const RANGE = `from=${DAY}&to=${DAY}`;
const START = Date.parse(`${DAY}T07:00:00Z`);
const PEOPLE = 24;
/** Addresses whose country the shipped database gives (checked by hand against its data). */
const IPS: ReadonlyArray<readonly [string, string]> = [['8.8.8.8', 'US'], ['193.99.144.80', 'DE'], ['81.2.69.142', 'GB'], ['2001:4860:4860::8888', 'US'], ['85.214.132.117', 'DE']];
/** Sent from this address without `context.ip`: the request's address gives the country. */
const REQUEST_IP = ['133.242.0.3', 'JP'] as const;

interface RawEvent { type: string; timestamp: string; context: { location?: { country?: string }; ip?: string } }

export function analyticsPeopleSuite(start: () => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  /** Profile id of each generated person (`pp-<n>`). */
  const profileOf = new Map<string, string>();
  /** Each person's raw events, as the API returns them. */
  const raw = new Map<string, RawEvent[]>();

  const get = async (path: string) => {
    const res = await t.admin(path);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };
  const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

  before(async () => {
    t = await start();
    const random = seededRandom(1810);
    for (let n = 0; n < PEOPLE; n++) {
      const person = `pp-${n}`;
      const known = n % 2 === 0;
      const ids = known ? { userId: person, anonymousId: `a-${person}` } : { anonymousId: `a-${person}` };
      if (known) assert.equal((await t.collect('/v1/identify', { ...ids, traits: { email: `${person}@example.com`, plan: n % 4 === 0 ? 'pro' : 'free' }, timestamp: new Date(START - 3_600_000).toISOString() })).statusCode, 200);
      if (n % 3 === 0) {
        if (!known) assert.equal((await t.collect('/v1/identify', { ...ids, traits: {}, timestamp: new Date(START - 3_600_000).toISOString() })).statusCode, 200);
        const moved = await jsonRequest(t, 'POST', `/v1/profiles/${encodeURIComponent(`a-${person}`)}/lifecycle`, { stage: 'customer' }, { authorization: `Bearer ${ADMIN_KEY}` });
        assert.equal(moved.statusCode, 200, moved.body);
      }
      const fromRequest = n === PEOPLE - 1;
      const [ip] = IPS[n % IPS.length]!;
      let at = START + Math.floor(random() * 4 * 3_600_000);
      const batch: object[] = [];
      for (let visit = 0; visit < 1 + (n % 3); visit++) {
        for (let page = 0; page < 1 + Math.floor(random() * 3); page++) {
          const path = ['/', '/pricing', '/docs'][Math.floor(random() * 3)]!;
          const context = { page: { url: `https://shop.example${path}`, path, referrer: '' }, ...(fromRequest ? {} : { ip }) };
          batch.push({ type: 'page', ...ids, timestamp: new Date(at).toISOString(), properties: context.page, context });
          at += 60_000;
        }
        at += 2 * 3_600_000;
      }
      const res = await t.inject({ method: 'POST', url: '/v1/batch', remoteAddress: fromRequest ? REQUEST_IP[0] : '127.0.0.1', payload: JSON.stringify({ batch }), headers: { 'content-type': 'application/json', authorization: basic } });
      assert.equal(res.statusCode, 200, res.body);
      const profile = JSON.parse((await t.admin(`/v1/profiles/a-${person}`)).body) as { id: string };
      profileOf.set(person, profile.id);
      raw.set(person, (JSON.parse((await t.admin(`/v1/profiles/${profile.id}/events?limit=1000`)).body).events as RawEvent[]).filter((e) => e.type === 'page'));
    }
    const seg = await jsonRequest(t, 'POST', '/v1/segments', { id: 'pro-plan', name: 'Pro plan', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } } }, { authorization: `Bearer ${ADMIN_KEY}` });
    assert.equal(seg.statusCode, 201, seg.body);
  });
  after(async () => { await t.close(); });

  /** Visits (30 minutes apart) of these people, by the country of each visit's first page view, from the raw events. */
  const visitsByCountry = (people: Iterable<string>) => {
    const counts: Record<string, number> = {};
    for (const person of people) {
      const events = [...raw.get(person)!].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      events.forEach((e, i) => {
        if (i > 0 && Date.parse(e.timestamp) - Date.parse(events[i - 1]!.timestamp) <= SESSION_TIMEOUT_MS) return;
        const country = e.context.location?.country ?? '(none)';
        counts[country] = (counts[country] ?? 0) + 1;
      });
    }
    return counts;
  };
  const everyone = () => [...raw.keys()];
  const pageviewsOf = (people: Iterable<string>) => [...people].reduce((n, p) => n + raw.get(p)!.length, 0);
  const rowsOf = (answer: { rows: Array<{ value: string; visits: number }> }) => Object.fromEntries(answer.rows.map((r) => [r.value, r.visits]));

  test('the country comes from the IP through the shipped database; only the code is stored, never the address', async () => {
    for (let n = 0; n < PEOPLE - 1; n++) {
      const [ip, country] = IPS[n % IPS.length]!;
      for (const e of raw.get(`pp-${n}`)!) {
        assert.equal(e.context.location?.country, country, `pp-${n}`);
        assert.notEqual(e.context.ip, ip, 'the address is kept truncated, not as sent');
      }
    }
    const fromRequest = raw.get(`pp-${PEOPLE - 1}`)!;
    assert.ok(fromRequest.every((e) => e.context.location?.country === REQUEST_IP[1] && e.context.ip === undefined), JSON.stringify(fromRequest[0]));
    const exported = (await t.inject({ method: 'GET', url: `/v1/profiles/${profileOf.get(`pp-${PEOPLE - 1}`)}/export`, headers: { authorization: `Bearer ${ADMIN_KEY}` } })).body;
    assert.ok(exported.includes('"country":"JP"'));
    assert.ok(!exported.includes(REQUEST_IP[0]) && !exported.includes('133.242.0'), 'the request address is nowhere in the person\'s data');
  });

  test('breakdown and filter by country equal the raw events\' count', async () => {
    const expected = visitsByCountry(everyone());
    assert.deepEqual(rowsOf(await get(`/v1/analytics/breakdown?${RANGE}&dimension=country&limit=100`)), expected);
    const de = await get(`/v1/analytics/metric?${RANGE}&country=DE`);
    assert.equal(de.metrics.visits, expected.DE);
    assert.deepEqual(de.filters, { country: 'DE' });
    const series = await get(`/v1/analytics/timeseries?${RANGE}&country=JP`);
    assert.equal(series.points.reduce((n: number, p: { visits: number }) => n + p.visits, 0), expected.JP);
  });

  test('lifecycle stage and known/anonymous filters equal the raw events\' count', async () => {
    const customers = everyone().filter((p) => Number(p.slice(3)) % 3 === 0);
    const lifecycle = await get(`/v1/analytics/metric?${RANGE}&lifecycle=customer`);
    assert.equal(lifecycle.metrics.pageviews, pageviewsOf(customers));
    assert.equal(lifecycle.metrics.visits, Object.values(visitsByCountry(customers)).reduce((a, b) => a + b, 0));
    const stages = await get(`/v1/analytics/breakdown?${RANGE}&dimension=lifecycle`);
    assert.deepEqual(stages.rows.map((r: { value: string }) => r.value), ['customer']);
    const known = everyone().filter((p) => Number(p.slice(3)) % 2 === 0);
    const knownAnswer = await get(`/v1/analytics/breakdown?${RANGE}&dimension=country&audience=known&limit=100`);
    assert.deepEqual(rowsOf(knownAnswer), visitsByCountry(known));
  });

  test('the segment filter equals the members\' raw events, and combines with breakdowns and other filters', async () => {
    const members = everyone().filter((p) => Number(p.slice(3)) % 4 === 0);
    const answer = await get(`/v1/analytics/metric?${RANGE}&segment=pro-plan`);
    assert.equal(answer.metrics.pageviews, pageviewsOf(members));
    assert.equal(answer.metrics.visitors, members.length);
    assert.deepEqual(answer.filters, { segment: 'pro-plan' });
    assert.deepEqual(rowsOf(await get(`/v1/analytics/breakdown?${RANGE}&dimension=country&segment=pro-plan&limit=100`)), visitsByCountry(members));
    const usMembers = members.filter((p) => raw.get(p)![0]!.context.location?.country === 'US');
    const us = await get(`/v1/analytics/timeseries?${RANGE}&segment=pro-plan&country=US`);
    assert.equal(us.points.reduce((n: number, p: { pageviews: number }) => n + p.pageviews, 0), pageviewsOf(usMembers));
    const csv = await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=country&segment=pro-plan&format=csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body.split('\r\n')[0]!, /^value,visitors,visits/);
  });

  test('the profiles behind a row: exactly the people of the raw events, paged; admin only; audited', async () => {
    const expected = everyone().filter((p) => visitsByCountry([p]).DE).map((p) => profileOf.get(p)!).sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { profiles: Array<{ profileId: string; userId: string | null; email: string | null; count: number }>; nextCursor: string | null } =
        await get(`/v1/analytics/breakdown/profiles?${RANGE}&dimension=country&value=DE&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.ok(page.profiles.length <= 2);
      for (const p of page.profiles) {
        assert.ok(p.count > 0);
        seen.push(p.profileId);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(seen, expected);
    const known = await get(`/v1/analytics/breakdown/profiles?${RANGE}&dimension=country&value=DE&audience=known`);
    for (const p of known.profiles) assert.match(p.email, /^pp-\d+@example\.com$/);
    const analyst = await userWithRole(t, 'analyst');
    assertError(await jsonRequest(t, 'GET', `/v1/analytics/breakdown/profiles?${RANGE}&dimension=country&value=DE`, undefined, analyst.headers()), 403, 'forbidden');
    assert.equal((await jsonRequest(t, 'GET', `/v1/analytics/breakdown?${RANGE}&dimension=country`, undefined, analyst.headers())).statusCode, 200);
    const audit = JSON.parse((await t.admin('/v1/privacy/audit?limit=200')).body).entries as Array<{ action: string; details: { value?: string; profiles?: number } }>;
    assert.ok(audit.some((e) => e.action === 'analytics.row.profiles' && e.details.value === 'DE' && e.details.profiles === 2));
  });

  test('hostile and bad parameters are 400s naming the parameter', async () => {
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&segment=no-such-segment`), 400, 'invalid_query'), 'segment', /no segment/);
    const both = assertError(await t.admin(`/v1/analytics/breakdown?from=2026-13-01&to=${DAY}&dimension=nope&segment=no-such-segment`), 400, 'invalid_query');
    assertIssue(both, 'segment', /no segment/);
    assertIssue(both, 'from', /date/);
    assertIssue(both, 'dimension', /must be one of/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=page&country=DE`), 400), 'country', /cannot filter a breakdown by page/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&country=DE&lifecycle=customer`), 400), 'lifecycle', /only one/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown/profiles?${RANGE}&dimension=country`), 400), 'value', /.+/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown/profiles?${RANGE}&dimension=country&value=DE&limit=101`), 400), 'limit', /.+/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown/profiles?${RANGE}&dimension=shoe&value=DE`), 400), 'dimension', /must be one of/);
    assertError(await t.admin(`/v1/analytics/metric?${RANGE}&segment=${encodeURIComponent('x\u0000y')}`), 400);
    assertError(await t.admin(`/v1/analytics/metric?${RANGE}&country=${'D'.repeat(400)}`), 400);
  });
}
