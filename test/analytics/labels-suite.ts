/**
 * Page titles, page categories and custom events' properties as breakdowns and filters (issue 18
 * §1), through the real ingest and API: exact counts, each row clickable as a filter, the caps
 * counting every value beyond them as (other) (rows still add up to the total), and personal
 * property values withheld from the rollups.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue } from '../http/api-helpers.js';
import { CATEGORY_CAP, PROPERTY_CAP, PROPERTY_VALUE_CAP } from '../../src/core/analytics/labels.js';

const DAY = '2026-10-14';
const RANGE = `from=${DAY}&to=${DAY}`;
const AT = Date.parse(`${DAY}T09:00:00Z`);
const SITE = 'https://labels.example';

type Row = { value: string; pageviews: number; events: number; visitors: number | null };
const byValue = (rows: Row[], figure: 'pageviews' | 'events') => Object.fromEntries(rows.map((r) => [r.value, r[figure]]));

const page = (anonymousId: string, path: string, at: number, title: string | null, category?: string) => ({
  type: 'page', anonymousId, timestamp: new Date(at).toISOString(), ...(category ? { category } : {}),
  properties: { path, url: `${SITE}${path}`, ...(title !== null ? { title } : {}) }, context: { page: { path, url: `${SITE}${path}`, referrer: '' } },
});
const track = (anonymousId: string, event: string, at: number, properties: Record<string, unknown>) => ({
  type: 'track', anonymousId, event, timestamp: new Date(at).toISOString(), properties, context: { page: { path: '/signup', url: `${SITE}/signup`, referrer: '' } },
});

export function labelsSuite(start: () => Promise<TesseraUnderTest>): void {
  let t: TesseraUnderTest;
  const get = async (path: string) => {
    const res = await t.admin(path);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };
  const send = async (batch: object[]) => {
    for (let i = 0; i < batch.length; i += 100) {
      const res = await t.collect('/v1/batch', { batch: batch.slice(i, i + 100) });
      assert.equal(res.statusCode, 200, res.body);
    }
  };

  before(async () => {
    t = await start();
    await send([
      page('l1', '/', AT, 'Home'), page('l1', '/pricing', AT + 60_000, 'Pricing'), page('l1', '/blog/a', AT + 120_000, 'Post A'),
      page('l2', '/pricing', AT + 1000, 'Pricing'), page('l2', '/', AT + 2000, null), page('l3', '/docs/x', AT + 3000, 'Docs', 'Manual'),
      track('l1', 'Signup', AT + 180_000, { plan: 'pro', seats: 3, trial: true, email: 'jane@example.com', note: 'write to jane@example.com' }),
      track('l2', 'Signup', AT + 5000, { plan: 'free', seats: 1, orderId: 'ORD-1', order_id: 'ORD-2', paid: 'yes' }),
      track('l3', 'Signup', AT + 6000, { plan: 'pro', nested: { a: 1 } }),
      track('l3', 'Search', AT + 7000, { query: 'shoes' }),
      track('l2', 'Search', AT + 8000, {}),
    ]);
  });
  after(async () => { await t.close(); });

  test('titles and categories: page views per value, (none) for a page without title; each row filters', async () => {
    const titles = await get(`/v1/analytics/breakdown?${RANGE}&dimension=title&limit=100`);
    assert.deepEqual(byValue(titles.rows, 'pageviews'), { Home: 1, Pricing: 2, 'Post A': 1, '(none)': 1, Docs: 1 });
    assert.equal(titles.sortedBy, 'pageviews');
    assert.equal(titles.rows[0].value, 'Pricing');
    assert.equal(titles.rows[0].visitors, null, 'titles keep no visitor sketches');
    // A page view's category is the page event's own, else the path's first segment ((home) for /).
    const categories = await get(`/v1/analytics/breakdown?${RANGE}&dimension=category&limit=100`);
    assert.deepEqual(byValue(categories.rows, 'pageviews'), { '(home)': 2, pricing: 2, blog: 1, Manual: 1 });
    const pricing = await get(`/v1/analytics/metric?${RANGE}&title=Pricing`);
    assert.equal(pricing.metrics.pageviews, 2);
    assert.deepEqual(pricing.filters, { title: 'Pricing' });
    const manual = await get(`/v1/analytics/timeseries?${RANGE}&interval=day&category=Manual`);
    assert.equal(manual.points[0].pageviews, 1);
    const own = await get(`/v1/analytics/breakdown?${RANGE}&dimension=category&category=blog`);
    assert.deepEqual(byValue(own.rows, 'pageviews'), { blog: 1 });
  });

  test('event properties: the values of a chosen property, each row a filter; personal values withheld; non-scalars (none)', async () => {
    const events = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event`);
    assert.deepEqual(byValue(events.rows, 'events'), { Signup: 3, Search: 2 });
    const plans = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=plan`);
    assert.deepEqual(byValue(plans.rows, 'events'), { pro: 2, free: 1 });
    assert.equal(plans.event, 'Signup');
    assert.equal(plans.property, 'plan');
    assert.equal(plans.sortedBy, 'events');
    const seats = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=seats`);
    assert.deepEqual(byValue(seats.rows, 'events'), { 3: 1, 1: 1 });
    assert.deepEqual(byValue((await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=email`)).rows, 'events'), { '(withheld)': 1 });
    assert.deepEqual(byValue((await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=note`)).rows, 'events'), { '(withheld)': 1 });
    assert.deepEqual(byValue((await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=nested`)).rows, 'events'), { '(none)': 1 });
    // Keys naming an identifier are withheld; a key that merely ends in "id" as a word part is not.
    for (const key of ['orderId', 'order_id']) assert.deepEqual(byValue((await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=${key}`)).rows, 'events'), { '(withheld)': 1 });
    assert.deepEqual(byValue((await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Signup&property=paid`)).rows, 'events'), { yes: 1 });
    const pro = await get(`/v1/analytics/metric?${RANGE}&event=Signup&property=plan&property_value=pro`);
    assert.equal(pro.metrics.events, 2);
    assert.deepEqual(pro.filters, { event: 'Signup', property: 'plan', property_value: 'pro' });
    const series = await get(`/v1/analytics/timeseries?${RANGE}&interval=day&event=Signup&property=plan&property_value=free`);
    assert.equal(series.points[0].events, 1);
    // Nothing identifying in the rollups: no property value holds the address.
    for (const property of ['email', 'note']) {
      const rows = await t.tessera.store.analytics.sums({ workspaceId: 'default', dim: `ep:Signup\u0001${property}`, fromHour: 0, toHour: 1e7, slices: {}, groupBy: 'value' });
      assert.ok(rows.every((r) => !r.group.includes('@')), JSON.stringify(rows));
    }
  });

  test('caps: values beyond a dimension\'s cap count as (other), so rows still add up; later batches keep the same decision', async () => {
    const later = AT + 3_600_000;
    // CATEGORY_CAP + 5 new categories (4 are already registered), over two batches.
    const pages = Array.from({ length: CATEGORY_CAP + 5 }, (_, i) => page(`c${i}`, `/c/${i}`, later + i, `T${i}`, `cat-${String(i).padStart(3, '0')}`));
    await send(pages.slice(0, 100));
    await send(pages.slice(100));
    const categories = await get(`/v1/analytics/breakdown?from=${DAY}&to=${DAY}&dimension=category&limit=1000`);
    const total = categories.rows.reduce((n: number, r: Row) => n + r.pageviews, 0);
    assert.equal(total, 6 + CATEGORY_CAP + 5, 'every page view is in a row');
    assert.equal(categories.rows.length, CATEGORY_CAP + 1, 'the cap, and (other)');
    const other = categories.rows.find((r: Row) => r.value === '(other)');
    assert.equal(other.pageviews, 4 + 5, 'the values beyond the cap');
    // A value admitted before stays its own row; one refused stays (other).
    await send([page('c-again', '/c/0', later + 10_000, 'T0', 'cat-000'), page('c-again', '/c/last', later + 20_000, 'T0', `cat-${CATEGORY_CAP + 4}`)]);
    const again = await get(`/v1/analytics/breakdown?${RANGE}&dimension=category&category=cat-000`);
    assert.equal(again.rows[0].pageviews, 2);
    const otherAgain = await get(`/v1/analytics/metric?${RANGE}&category=%28other%29`);
    assert.equal(otherAgain.metrics.pageviews, 10);

    // Property values beyond PROPERTY_VALUE_CAP, and properties beyond PROPERTY_CAP.
    const values = Array.from({ length: PROPERTY_VALUE_CAP + 3 }, (_, i) => track(`v${i}`, 'Pick', later + i, { colour: `c${i}` }));
    await send(values);
    const colours = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Pick&property=colour&limit=1000`);
    assert.equal(colours.rows.length, PROPERTY_VALUE_CAP + 1);
    assert.equal(colours.rows.find((r: Row) => r.value === '(other)').events, 3);
    const wide = Object.fromEntries(Array.from({ length: PROPERTY_CAP + 2 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'x']));
    await send([track('w1', 'Wide', later, wide)]);
    const kept = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Wide&property=k00`);
    assert.deepEqual(byValue(kept.rows, 'events'), { x: 1 });
    const beyond = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Wide&property=k${PROPERTY_CAP}`);
    assert.deepEqual(beyond.rows, [], 'a property beyond the cap has no rows of its own');
    const otherProperty = await get(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&event=Wide&property=%28other%29`);
    assert.deepEqual(byValue(otherProperty.rows, 'events'), { '(other)': 1 }, 'the event is counted once under property (other)');
  });

  test('bad parameters of the new dimensions are 400s naming each', async () => {
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=event_property`), 400, 'invalid_query'), 'property', /event and property/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=event_property&property=plan`), 400), 'event', /give its name/);
    assertIssue(assertError(await t.admin(`/v1/analytics/metric?${RANGE}&property_value=pro`), 400), 'property', /give event and property/);
    const both = assertError(await t.admin(`/v1/analytics/metric?${RANGE}&title=Home&event=Signup&property=plan&property_value=pro`), 400);
    assertIssue(both, 'property_value', /only one/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=channel&title=Home`), 400), 'title', /cannot filter a breakdown by channel/);
    assertIssue(assertError(await t.admin(`/v1/analytics/breakdown?${RANGE}&dimension=title&event=Signup&property=plan&property_value=pro`), 400), 'property_value', /cannot filter/);
  });
}
