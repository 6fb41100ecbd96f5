/**
 * Slot reports through the real API on a real store (issue 14 §4, §6): a slot with a goal, events
 * sent through the collection API and counted by the real ingest, then GET /v1/slots/{id}/report
 * with exact numbers per variant, rule, depth and local day (the workspace's time zone), weeks, CSV,
 * validation naming the parameter, and the report unchanged by the erasure of a person in it.
 * Run against both stores (slot-reports*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, type Json } from './api-helpers.js';

const DAY_MS = 86_400_000;
/** 12 UTC days before today: every event lies in the past, the goal window fits before today. */
const D0 = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 12 * DAY_MS;
const day = (n: number) => new Date(D0 + n * DAY_MS).toISOString().slice(0, 10);
/** An ISO time `hours` after 00:00 UTC of day n. */
const at = (n: number, hours: number) => new Date(D0 + n * DAY_MS + hours * 3_600_000).toISOString();

export function slotReportsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  before(async () => { t = await start({ segmentScheduler: false }); });
  after(async () => { await t.close(); });

  const send = async (body: Json) => assertAccepted(await t.collect('/v1/track', body));
  const call = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const json = (res: { statusCode: number; body: string }, status = 200): Json => {
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };

  const hero = {
    id: 'hero', name: 'Hero banner', channel: 'any', defaultVariantId: 'general',
    variants: [{ id: 'general', body: 'Welcome', format: 'text' }, { id: 'topic', body: 'Smart factories', format: 'text' }],
    rules: [{ id: 'r-topic', context: { field: 'category', op: 'equals', value: 'factory' }, variantId: 'topic', depth: 'contextual' }],
    goal: { event: 'Demo Requested', within: '7d' },
  };
  const view = (anonymousId: string, time: string, variant: string, ruleId: string, depth: string) =>
    send({ anonymousId, event: 'Slot Viewed', timestamp: time, properties: { slot: 'hero', variant, ruleId, depth, decisionId: `dcs_${anonymousId}_${time}` } });

  describe('the goal in the slot definition', () => {
    it('refuses a bad goal, naming each field', async () => {
      const error = assertError(await call('POST', '/v1/slots', { ...hero, id: 'bad-goal', goal: { event: '', within: '400d', extra: 1 } }), 400, 'invalid_body');
      assertIssue(error, 'goal.event', /non-empty/);
      assertIssue(error, 'goal.within', /at most 90 days/);
      assertIssue(error, 'goal.extra', /not a field/);
      assertIssue(assertError(await call('POST', '/v1/slots', { ...hero, id: 'bad-goal', goal: 'Demo' }), 400, 'invalid_body'), 'goal', /object/);
    });

    it('keeps a goal and gives the default window in the report', async () => {
      const created = json(await call('POST', '/v1/slots', hero), 201);
      assert.deepEqual(created.goal, { event: 'Demo Requested', within: '7d' });
      json(await call('PUT', '/v1/personalization/settings', { timezone: 'Europe/Berlin' }));
    });
  });

  describe('counted at ingest, read per variant, rule, depth and day', () => {
    before(async () => {
      // p1 sees the topic variant, clicks it, clicks it again in an email and requests a demo the next day.
      await view('rp-1', at(0, 10), 'topic', 'r-topic', 'contextual');
      await send({ anonymousId: 'rp-1', event: 'Slot Clicked', timestamp: at(0, 10.1), properties: { slot: 'hero', variant: 'topic', ruleId: 'r-topic', decisionId: 'dcs_x', url: 'https://example.com/demo' } });
      await send({ anonymousId: 'rp-1', event: 'Email Link Clicked', timestamp: at(1, 8), properties: { slot: 'hero', variant: 'topic', decisionId: 'dcs_y', link_url: 'https://example.com/' } });
      await send({ anonymousId: 'rp-1', event: 'Demo Requested', timestamp: at(1, 9) });
      await send({ anonymousId: 'rp-1', event: 'Demo Requested', timestamp: at(1, 9.5) });
      // p2 sees the default and dismisses it; a demo request 8 days later is outside the window.
      await view('rp-2', at(0, 11), 'general', 'default', 'none');
      await send({ anonymousId: 'rp-2', event: 'Slot Dismissed', timestamp: at(0, 11.1), properties: { slot: 'hero', variant: 'general', decisionId: 'dcs_z' } });
      await send({ anonymousId: 'rp-2', event: 'Demo Requested', timestamp: at(8, 12) });
      // p3's view at 23:30 UTC is 00:30 the next day in Berlin.
      await view('rp-3', at(1, 23.5), 'topic', 'r-topic', 'contextual');
    });

    it('answers totals, series and breakdowns with exact numbers', async () => {
      const report = json(await call('GET', `/v1/slots/hero/report?from=${day(0)}&to=${day(2)}`));
      assert.equal(report.timezone, 'Europe/Berlin');
      assert.deepEqual(report.goal, { event: 'Demo Requested', within: '7d' });
      assert.deepEqual(report.totals, { impressions: 3, clicks: 2, dismissals: 1, conversions: 1, ctr: 0.6667, conversionRate: 0.3333, depthMix: { contextual: 2, none: 1 } });
      assert.deepEqual(report.series.map((p: Json) => [p.period, p.impressions, p.clicks, p.dismissals, p.conversions]), [
        [day(0), 2, 1, 1, 0], [day(1), 0, 1, 0, 1], [day(2), 1, 0, 0, 0],
      ]);
      const topic = report.variants.find((v: Json) => v.id === 'topic');
      assert.deepEqual([topic.totals.impressions, topic.totals.clicks, topic.totals.conversions, topic.totals.ctr, topic.totals.conversionRate], [2, 2, 1, 1, 0.5]);
      assert.deepEqual(report.rules.map((r: Json) => [r.id, r.totals.impressions, r.totals.clicks, r.totals.dismissals, r.totals.conversions]), [
        ['default', 1, 0, 1, 0], ['r-topic', 2, 2, 0, 1],
      ], 'the email click took its rule from the person\'s view');
      assert.deepEqual(report.depths.map((d: Json) => [d.id, d.totals.impressions]), [['contextual', 2], ['none', 1]]);
      const none = report.rules.find((r: Json) => r.id === 'default');
      assert.equal(none.totals.ctr, 0);
      assert.equal(report.series[1].ctr, null, 'no impressions: no rate');
    });

    it('groups by ISO week and answers CSV', async () => {
      const weekly = json(await call('GET', `/v1/slots/hero/report?from=${day(0)}&to=${day(13)}&interval=week`));
      assert.equal(weekly.series.reduce((n: number, p: Json) => n + p.impressions, 0), 3);
      assert.ok(weekly.series.every((p: Json) => new Date(`${p.period}T00:00:00Z`).getUTCDay() === 1), 'periods start on Mondays');
      assert.ok(weekly.series.length === 2 || weekly.series.length === 3, JSON.stringify(weekly.series.map((p: Json) => p.period)));
      const csv = await call('GET', `/v1/slots/hero/report?from=${day(0)}&to=${day(2)}&format=csv`);
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.body, [
        'period,variant,rule,depth,impressions,clicks,dismissals,conversions,ctr,conversion_rate',
        `${day(0)},general,default,none,1,0,1,0,0,0`,
        `${day(0)},topic,r-topic,contextual,1,1,0,0,1,0`,
        `${day(1)},topic,r-topic,contextual,0,1,0,1,,`,
        `${day(2)},topic,r-topic,contextual,1,0,0,0,0,0`,
        '',
      ].join('\r\n'));
    });

    it('refuses a bad range, naming the parameter; an unknown slot is 404', async () => {
      assertIssue(assertError(await call('GET', `/v1/slots/hero/report?from=${day(2)}&to=${day(0)}`), 400, 'invalid_query'), 'from', /after/);
      assertIssue(assertError(await call('GET', '/v1/slots/hero/report?to=2026-02-30'), 400, 'invalid_query'), 'to', /YYYY-MM-DD/);
      assertIssue(assertError(await call('GET', '/v1/slots/hero/report?from=2020-01-01&to=2024-01-01'), 400, 'invalid_query'), 'from', /731 days/);
      assertIssue(assertError(await call('GET', '/v1/slots/hero/report?interval=month'), 400), 'interval', /allowed/);
      assertError(await call('GET', '/v1/slots/nope/report'), 404, 'not_found');
      const defaults = json(await call('GET', '/v1/slots/hero/report'));
      assert.equal(defaults.series.length, 30, 'the 30 days up to today');
    });

    it('the person\'s latest view is in their export; the report is unchanged by their erasure', async () => {
      const exported = json(await call('GET', '/v1/profiles/rp-1/export'));
      assert.deepEqual(exported.exposureCounters[0].lastViews.hero, { at: at(0, 10), variant: 'topic', rule: 'r-topic', depth: 'contextual', convertedAt: at(1, 9) });
      const before = (await call('GET', `/v1/slots/hero/report?from=${day(0)}&to=${day(2)}`)).body;
      json(await call('DELETE', '/v1/profiles/rp-1'));
      assert.equal((await call('GET', `/v1/slots/hero/report?from=${day(0)}&to=${day(2)}`)).body, before);
    });
  });
}
