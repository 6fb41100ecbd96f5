/**
 * Serving recommendations through the API (run against both stores: recommendations*.test.ts): a
 * small shop whose buyers teach co-purchases and co-views; also-bought with its reason in en and de,
 * unavailable and current items left out, for-you from the person's recent views without what they
 * bought, popular by category, and the 400s that name the field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, WRITE_KEY, basicAuth, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertError, assertIssue, type Json } from './api-helpers.js';

export function recommendationsSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  describe('recommendations API', () => {
    let t: TesseraUnderTest;
    const get = async (query: string) => {
      const res = await t.inject({ method: 'GET', url: `/v1/recommendations?${query}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.statusCode, 200, res.body);
      return JSON.parse(res.body) as Json;
    };
    before(async () => {
      t = await start({});
      const items = [
        { id: 'drill', title: 'Drill', categories: ['Tools'], price: 99 }, { id: 'bits', title: 'Drill bits', categories: ['Tools'], price: 9 },
        { id: 'gloves', title: 'Gloves', categories: ['Safety'], price: 15 }, { id: 'old', title: 'Old drill', categories: ['Tools'], available: false },
        { id: 'ladder', title: 'Ladder', categories: ['Outdoor'], price: 60 },
      ];
      const put = await t.inject({ method: 'POST', url: '/v1/items/batch', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ items }) });
      assert.equal(put.statusCode, 200, put.body);
      const batch: Json[] = [];
      const buyer = (id: string, products: string[]) => {
        for (const p of products) batch.push({ type: 'track', event: 'Product Viewed', anonymousId: id, properties: { product_id: p } });
        batch.push({ type: 'track', event: 'Order Completed', anonymousId: id, properties: { products: products.map((product_id) => ({ product_id })) } });
      };
      for (const id of ['b1', 'b2', 'b3']) buyer(id, ['drill', 'bits']);
      for (const id of ['b4', 'b5']) buyer(id, ['drill', 'gloves', 'old']);
      buyer('b6', ['ladder']);
      const res = await t.collect('/v1/batch', { batch });
      assert.equal(res.statusCode, 200, res.body);
    });
    after(async () => { await t.close(); });

    it('also-bought: neighbours by cosine with their reason and evidence; the unavailable and the current item are left out', async () => {
      const answer = await get('kind=also-bought&item=drill');
      assert.deepEqual(answer.items.map((i: Json) => i.item.id), ['bits', 'gloves']);
      assert.equal(answer.items[0].reason.text, 'Customers who bought "Drill" also bought this');
      assert.deepEqual(answer.items[0].evidence, { together: 3, cosine: Math.round((3 / Math.sqrt(5 * 3)) * 1e4) / 1e4 });
      const de = await get('kind=also-bought&item=drill&locale=de');
      assert.equal(de.items[0].reason.text, 'Kunden, die „Drill“ gekauft haben, kauften auch das');
      assert.deepEqual((await get('kind=also-bought&item=drill&maxPrice=10')).items.map((i: Json) => i.item.id), ['bits']);
      assert.deepEqual((await get('kind=also-bought&item=ladder')).items, [], 'no co-purchase, no neighbour');
    });

    it('for-you: from the person\'s recent views, without what they bought; a stranger to the shop gets the popular items', async () => {
      const sent = await t.collect('/v1/batch', { batch: [
        { type: 'track', event: 'Product Viewed', anonymousId: 'me', properties: { product_id: 'drill' } },
      ] });
      assert.equal(sent.statusCode, 200);
      const mine = await get('kind=for-you&profile=me');
      assert.equal(mine.items[0].item.id, 'bits');
      assert.equal(mine.items[0].reason.text, 'Because you viewed "Drill"');
      const bought = await t.collect('/v1/track', { anonymousId: 'me', event: 'Order Completed', properties: { products: [{ product_id: 'bits' }] } });
      assert.equal(bought.statusCode, 200);
      assert.ok(!(await get('kind=for-you&profile=me')).items.some((i: Json) => i.item.id === 'bits'), 'bought items disappear from for-you');
      const cold = await get('kind=for-you');
      assert.equal(cold.items[0].item.id, 'drill');
      assert.equal(cold.items[0].reason.text, 'Popular right now');
    });

    it('popular and trending, by category; diversity caps a category', async () => {
      const all = await get('kind=popular&limit=10&maxPerCategory=1');
      assert.deepEqual(all.items.map((i: Json) => i.item.categories[0]), [...new Set(all.items.map((i: Json) => i.item.categories[0]))], 'one per category');
      const tools = await get('kind=popular&category=Tools&locale=de');
      assert.deepEqual(tools.items.map((i: Json) => i.item.id), ['drill', 'bits']);
      assert.equal(tools.items[0].reason.text, 'Beliebt in Tools');
      assert.ok((await get('kind=trending')).items.length > 0);
    });

    it('as a slot strategy: the slot shows the variant of the best recommended item, with its reason; the guard still decides the depth', async () => {
      const admin = (method: 'POST' | 'PUT', url: string, body: unknown) => t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      const variants = [
        { id: 'none', body: 'Our range', format: 'text' },
        ...['drill', 'bits', 'gloves', 'ladder'].map((itemId) => ({ id: `v-${itemId}`, body: `Teaser ${itemId}`, format: 'text', payload: { itemId } })),
      ];
      const bad = await admin('POST', '/v1/slots', { id: 'recs-bad', name: 'Bad', channel: 'web', variants: [variants[0]], defaultVariantId: 'none', strategy: { kind: 'recommendation', recommend: 'also-nothing' } });
      assertIssue(assertError(bad, 400), 'strategy.recommend', /for-you, popular, trending/);
      assertIssue(assertError(bad, 400), 'variants', /payload.itemId/);
      for (const [id, recommend] of [['recs-popular', 'popular'], ['recs-for-you', 'for-you']]) {
        const created = await admin('POST', '/v1/slots', { id, name: id, channel: 'web', variants, defaultVariantId: 'none', strategy: { kind: 'recommendation', recommend } });
        assert.equal(created.statusCode, 201, created.body);
      }
      const preview = async (slot: string, body: unknown) => {
        const res = await admin('POST', `/v1/slots/${slot}/preview`, body);
        assert.equal(res.statusCode, 200, res.body);
        return JSON.parse(res.body).decision as Json;
      };
      const popular = await preview('recs-popular', { context: { locale: 'de' } });
      assert.equal(popular.variant.id, 'v-drill');
      assert.equal(popular.ruleId, 'recommendation');
      assert.match(JSON.stringify(popular.explanation), /Gerade beliebt/);
      const mine = await preview('recs-for-you', { profile: 'me' });
      assert.equal(mine.variant.id, 'none', 'for-you is individual: without consent to personalization the guard refuses it');
      assert.ok(mine.trace.some((e: Json) => e.source === 'recommendation' && e.outcome === 'too-deep'), JSON.stringify(mine.trace));
    });

    it('public decide loads what a recommendation slot needs: popular for anyone, also-bought from the page\'s context.itemId', async () => {
      const admin = (method: 'POST' | 'PUT', url: string, body: unknown) => t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      assert.equal((await admin('PUT', '/v1/experiment-settings', { holdoutShare: 0 })).statusCode, 200);
      const variants = [{ id: 'none', body: 'Our range', format: 'text' }, ...['drill', 'bits', 'gloves'].map((itemId) => ({ id: `v-${itemId}`, body: `Teaser ${itemId}`, format: 'text', payload: { itemId } }))];
      const created = await admin('POST', '/v1/slots', { id: 'pdp-also', name: 'Also bought', channel: 'web', variants, defaultVariantId: 'none', strategy: { kind: 'recommendation', recommend: 'also-bought' } });
      assert.equal(created.statusCode, 201, created.body);
      const decide = async (body: Json) => {
        const res = await t.collect('/v1/decide', body);
        assert.equal(res.statusCode, 200, res.body);
        return JSON.parse(res.body).decisions as Json;
      };
      const onPage = await decide({ slots: ['pdp-also', 'recs-popular'], anonymousId: 'shopper-1', context: { itemId: 'drill', locale: 'de' } });
      assert.equal(onPage['pdp-also'].variant.id, 'v-bits');
      assert.equal(onPage['pdp-also'].explanation.text, 'Kunden, die „Drill“ gekauft haben, kauften auch das');
      assert.equal(onPage['recs-popular'].variant.id, 'v-bits', 'the current item is never recommended on its own page');
      const home = await decide({ slots: ['pdp-also', 'recs-popular'], anonymousId: 'shopper-1' });
      assert.equal(home['pdp-also'].variant.id, 'none', 'no current item: the default');
      assert.equal(home['recs-popular'].variant.id, 'v-drill');
      assertIssue(assertError(await t.collect('/v1/decide', { slots: ['pdp-also'], context: { itemId: ' bad ' } }), 400), 'context.itemId', /./);
    });

    it('similar: content similarity (Jaccard over categories and tags) for an item nobody bought with another yet', async () => {
      const put = await t.inject({ method: 'POST', url: '/v1/items/batch', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ items: [
        { id: 'rope', title: 'Rope', categories: ['Outdoor'], tags: ['climbing', 'red'] }, { id: 'harness', title: 'Harness', categories: ['Outdoor'], tags: ['climbing'] },
        { id: 'tent', title: 'Tent', categories: ['Outdoor'], tags: ['camping'] },
      ] }) });
      assert.equal(put.statusCode, 200, put.body);
      const similar = await get('kind=similar&item=rope');
      assert.deepEqual(similar.items.map((i: Json) => [i.item.id, i.evidence.jaccard]), [['harness', 0.6667], ['tent', 0.25], ['ladder', 0.3333]].sort((a, b) => (b[1] as number) - (a[1] as number)));
      assert.equal(similar.items[0].reason.text, 'Similar to "Rope"');
      assert.deepEqual((await get('kind=also-bought&item=rope')).items.map((i: Json) => i.item.id), ['harness', 'ladder', 'tent'], 'a cold item: also-bought falls back on content');
    });

    it('rotation: an item shown five times without a click sinks behind the others; a click brings it back; the report counts CTR per list', async () => {
      const viewed = { type: 'track', event: 'Recommendation Viewed', anonymousId: 'rot', properties: { list_id: 'home', strategy: 'popular', items: [{ item_id: 'drill' }, { item_id: 'bits' }] } };
      const sent = await t.collect('/v1/batch', { batch: Array.from({ length: 5 }, () => viewed) });
      assert.equal(sent.statusCode, 200, sent.body);
      // Ingest may answer before the batch is written (PostgreSQL's queue): wait for it.
      const until = async (query: string, done: (answer: Json) => boolean) => {
        for (let i = 0; i < 100; i++) {
          const res = await t.inject({ method: 'GET', url: `/v1/recommendations?${query}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
          if (res.statusCode === 200 && done(JSON.parse(res.body))) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        return get(query);
      };
      const list = await until('kind=popular&profile=rot&maxPerCategory=10', (a) => a.items.some((i: Json) => i.evidence.rotated === 1));
      const ids = list.items.map((i: Json) => i.item.id);
      assert.ok(ids.indexOf('drill') > ids.indexOf('gloves') && ids.indexOf('bits') > ids.indexOf('gloves'), ids.join());
      assert.equal(list.items.find((i: Json) => i.item.id === 'drill').evidence.rotated, 1);
      const click = await t.collect('/v1/track', { anonymousId: 'rot', event: 'Recommendation Clicked', properties: { list_id: 'home', strategy: 'popular', item_id: 'drill', position: 1 } });
      assert.equal(click.statusCode, 200);
      assert.equal((await until('kind=popular&profile=rot&maxPerCategory=10', (a) => a.items[0].item.id === 'drill')).items[0].item.id, 'drill');
      const report = await t.inject({ method: 'GET', url: '/v1/recommendations/report', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(report.statusCode, 200, report.body);
      assert.deepEqual(JSON.parse(report.body).lists.find((l: Json) => l.listId === 'home'), { listId: 'home', strategy: 'popular', source: 'tracker', views: 5, impressions: 10, clicks: 1, ctr: 0.1, meanClickPosition: 1 });
      const exported = await t.inject({ method: 'GET', url: '/v1/profiles/rot/export', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(exported.statusCode, 200, exported.body);
      assert.deepEqual(JSON.parse(exported.body).itemHistory[0].shownInRecommendations.map((x: Json) => x.item), ['bits'], 'what lists showed the person is in their export');
      const call = (query: string) => t.inject({ method: 'GET', url: `/v1/recommendations/report?${query}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assertIssue(assertError(await call('from=2026-02-30'), 400), 'from', /calendar date/);
      assertIssue(assertError(await call('from=2026-03-02&to=2026-03-01'), 400), 'from', /after/);
      assertIssue(assertError(await call('to=yesterday'), 400), 'to', /./);
    });

    it('the visitor route (write key): the page\'s lists for anyone, no evidence; for-you needs a recognised, consenting visitor; nobody else is reachable', async () => {
      const call = (query: string) => t.inject({ method: 'GET', url: `/v1/recommendations/visitor?${query}`, headers: { authorization: basicAuth(WRITE_KEY) } });
      const res = await call('kind=also-bought&item=drill&anonymousId=me');
      assert.equal(res.statusCode, 200, res.body);
      const body = JSON.parse(res.body);
      assert.equal(body.personal, false);
      assert.deepEqual(body.items.map((i: Json) => i.id), ['bits', 'gloves']);
      assert.deepEqual(Object.keys(body.items[0]).sort(), ['categories', 'id', 'price', 'reason', 'title']);
      assertIssue(assertError(await call('kind=for-you&anonymousId=me'), 403), 'kind', /recognition/);
      assertIssue(assertError(await call('kind=popular&email=eve@example.test'), 400), 'email', /./);
      assertIssue(assertError(await call('kind=popular&profile=me'), 400), 'profile', /./);
      assertIssue(assertError(await call('kind=similar'), 400), 'item', /required/);
      assertIssue(assertError(await call('kind=popular&recognition=abc'), 400), 'anonymousId', /recognition/);
      assertError(await t.inject({ method: 'GET', url: '/v1/recommendations/visitor?kind=popular' }), 401);
      assertError(await t.inject({ method: 'GET', url: '/v1/recommendations/visitor?kind=popular', headers: { authorization: `Bearer ${ADMIN_KEY}` } }), 401);
    });

    it('settings: rotation, pairCap and segment filters round-trip; bad ones are a 400 naming each field', async () => {
      const put = (body: unknown) => t.inject({ method: 'PUT', url: '/v1/recommendations/settings', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      const bad = assertError(await put({ rotationImpressions: 'five', pairCap: 0, segmentFilters: [{ segment: 5, type: 'x' }, { segment: 'b2b' }] }), 400);
      for (const field of ['rotationImpressions', 'pairCap', 'segmentFilters[0].segment', 'segmentFilters[1]']) assertIssue(bad, field, /./);
      const ok = await put({ rotationImpressions: 3, rotationHalfLife: '2d', pairCap: 5, segmentFilters: [{ segment: 'b2b', type: 'whitepaper' }] });
      assert.equal(ok.statusCode, 200, ok.body);
      const read = JSON.parse((await t.inject({ method: 'GET', url: '/v1/recommendations/settings', headers: { authorization: `Bearer ${ADMIN_KEY}` } })).body);
      assert.deepEqual([read.rotationImpressions, read.rotationHalfLife, read.pairCap, read.segmentFilters], [3, '2d', 5, [{ segment: 'b2b', type: 'whitepaper' }]]);
      assert.equal((await put({})).statusCode, 200);
    });

    it('refuses what it cannot answer, naming the field', async () => {
      const call = (query: string) => t.inject({ method: 'GET', url: `/v1/recommendations?${query}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assertIssue(assertError(await call('kind=also-bought'), 400, 'invalid_query'), 'item', /required/);
      assertIssue(assertError(await call('kind=best'), 400), 'kind', /./);
      assertIssue(assertError(await call('minPrice=5&maxPrice=1'), 400), 'maxPrice', /minPrice/);
      assertError(await call('kind=for-you&profile=nobody-at-all'), 404, 'not_found');
    });

    it('learned in real time, though the lists are held in memory: a purchase changes the next answer, also for an item its event does not name', async () => {
      const order = (anonymousId: string, product: string) => t.collect('/v1/track', { anonymousId, event: 'Order Completed', properties: { products: [{ product_id: product }] } });
      // The co-purchased ones (the rest of a list is filled with similar and popular items).
      const ids = async (query: string) => (await get(query)).items.filter((i: Json) => i.reason.kind === 'bought-with').map((i: Json) => i.item.id);
      for (const buyer of ['c1', 'c2']) assert.equal((await order(buyer, 'tent')).statusCode, 200);
      assert.deepEqual(await ids('kind=also-bought&item=tent'), [], 'read (and held): nothing bought with the tent yet');
      // Later orders name only the lamp: the tent's list changes through the buyers' recent items.
      assert.equal((await order('c1', 'lamp')).statusCode, 200);
      assert.deepEqual(await ids('kind=also-bought&item=tent'), [], 'one buyer is below the minimum support of 2');
      assert.equal((await order('c2', 'lamp')).statusCode, 200);
      assert.deepEqual(await ids('kind=also-bought&item=tent'), ['lamp']);
      assert.deepEqual(await ids('kind=also-bought&item=lamp'), ['tent']);
    });
  });
}
