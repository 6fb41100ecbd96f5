/**
 * `GET /metrics`: Prometheus text with what an operator needs to see ingest working (stored,
 * duplicate and refused events, flush times and sizes, the queue), every answered request by
 * route pattern and status, and who may read it (a bearer token, or this machine only).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { VERSION } from '../../src/version.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { basicAuth, startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError } from './api-helpers.js';

async function scrape(t: TesseraUnderTest, headers: Record<string, string> = {}) {
  const res = await t.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(res.body);
}

describe('GET /metrics', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  it('counts stored and duplicate events, flushes, and requests by route pattern and status', async () => {
    const item = (messageId: string) => ({ type: 'track', anonymousId: 'anon-metrics', event: 'Counted', messageId });
    assertAccepted(await t.collect('/v1/batch', { batch: [item('m-1'), item('m-2'), item('m-3')] }));
    assertAccepted(await t.collect('/v1/track', item('m-3')));
    assertError(await t.collect('/v1/track', { event: 'No Ids' }), 400, 'invalid_event');
    assert.equal((await t.inject({ method: 'GET', url: '/no/such/route' })).statusCode, 404);

    const m = await scrape(t);
    assert.equal(m.get('tessera_ingest_events_total{outcome="stored"}'), 3);
    assert.equal(m.get('tessera_ingest_events_total{outcome="duplicate"}'), 1);
    assert.equal(m.get('tessera_ingest_events_total{outcome="withheld"}'), 0);
    assert.equal(m.get('tessera_ingest_refused_events_total{reason="overloaded"}'), 0);
    assert.equal(m.get('tessera_ingest_flush_events_count'), 2, 'two flushes: the batch, then the duplicate');
    assert.equal(m.get('tessera_ingest_flush_events_sum'), 4);
    assert.equal(m.get('tessera_ingest_flush_duration_seconds_count'), 2);
    assert.ok(m.get('tessera_ingest_flush_duration_seconds_sum')! > 0);
    assert.equal(m.get('tessera_ingest_pending_events'), 0);
    assert.equal(m.get('tessera_http_requests_total{method="POST",route="/v1/batch",status="200"}'), 1);
    assert.equal(m.get('tessera_http_requests_total{method="POST",route="/v1/track",status="200"}'), 1);
    assert.equal(m.get('tessera_http_requests_total{method="POST",route="/v1/track",status="400"}'), 1);
    assert.equal(m.get('tessera_http_requests_total{method="GET",route="unmatched",status="404"}'), 1, 'a 404 is counted without its URL');
    assert.equal(m.get('tessera_http_request_duration_seconds_count{route="/v1/track"}'), 2);
    assert.equal(m.get(`tessera_build_info{version="${VERSION}",store="sqlite"}`), 1);
  });

  it('labels a route by its pattern, never by the id in the URL', async () => {
    await t.admin('/v1/profiles/anon-metrics');
    await t.admin('/v1/profiles/somebody-else');
    const m = await scrape(t);
    assert.equal(m.get('tessera_http_requests_total{method="GET",route="/v1/profiles/:id",status="200"}'), 1);
    assert.equal(m.get('tessera_http_requests_total{method="GET",route="/v1/profiles/:id",status="404"}'), 1);
    assert.ok(![...m.keys()].some((k) => k.includes('anon-metrics') || k.includes('somebody-else')), 'no id in any label');
  });

  it('serves this machine only when no token is configured', async () => {
    const res = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    const error = assertError(res, 403, 'forbidden');
    assert.match(error.message, /TESSERA_METRICS_TOKEN/);
    for (const local of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      assert.equal((await t.inject({ method: 'GET', url: '/metrics', remoteAddress: local })).statusCode, 200, local);
    }
  });

  it('counts a request through a proxy on this machine as remote', async () => {
    // nginx in front of Tessera connects from loopback; what it forwards comes from anywhere.
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }]) {
      assertError(await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers }), 403, 'forbidden');
    }
  });
});

describe('GET /metrics with a token', () => {
  const token = 'metrics-token-0123456789abcdef';
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera({ metricsToken: token }); });
  after(async () => { await t.close(); });

  it('needs the token as a bearer token, from any address', async () => {
    assertError(await t.inject({ method: 'GET', url: '/metrics' }), 401, 'unauthorized');
    assertError(await t.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}x` } }), 401, 'unauthorized');
    assertError(await t.inject({ method: 'GET', url: '/metrics', headers: { authorization: basicAuth(token) } }), 401, 'unauthorized');
    const res = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /^# HELP tessera_/m);
  });

  it('refuses a token shorter than 16 characters at start', () => {
    assert.throws(() => loadConfig({ env: { TESSERA_METRICS_TOKEN: 'short' } }), /metricsToken.*16 characters/s);
  });
});

describe('refused events', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera({ ingest: { maxBatchEvents: 5000, maxPendingEvents: 2, maxInFlight: 1 } }); });
  after(async () => { await t.close(); });

  it('counts events refused because the queue was full', async () => {
    const batch = (anon: string) => ({ batch: [{ type: 'track', anonymousId: anon, event: 'A' }, { type: 'track', anonymousId: anon, event: 'B' }] });
    const answers = await Promise.all(['anon-q1', 'anon-q2', 'anon-q3'].map((anon) => t.collect('/v1/batch', batch(anon))));
    const refused = answers.filter((r) => r.statusCode === 429).length;
    assert.ok(refused >= 1, `with room for 2 waiting events, concurrent batches of 2 are refused: ${answers.map((r) => r.statusCode)}`);
    const m = await scrape(t);
    assert.equal(m.get('tessera_ingest_refused_events_total{reason="overloaded"}'), refused * 2);
    assert.equal(m.get('tessera_ingest_events_total{outcome="stored"}'), (3 - refused) * 2);
    assert.equal(m.get('tessera_http_requests_total{method="POST",route="/v1/batch",status="429"}'), refused);
  });
});

