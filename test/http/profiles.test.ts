/**
 * The profile API: one profile by any of its ids, traits with their source and time, behaviour
 * (sessions, pages, time on page, categories, acquisition, email counters, counts by event name),
 * the timeline newest first with cursor pagination, and search.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, assertError, assertIssue, profileOf, timelineOf, type Json } from './api-helpers.js';

let t: TesseraUnderTest;
before(async () => { t = await startTessera(); });
after(async () => { await t.close(); });

const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
const at = (hh: number, mm: number, ss = 0) => `2024-03-10T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}.000Z`;

describe('GET /v1/profiles/{id}', () => {
  before(async () => {
    await send('/v1/identify', { anonymousId: 'anon-lookup', userId: 'user-lookup', traits: { email: 'lookup@example.com', name: 'Lookup' }, timestamp: at(9, 0), messageId: 'lookup-identify' });
    await send('/v1/track', { userId: 'user-lookup', event: 'Upgraded', context: { traits: { plan: 'pro' } }, timestamp: at(9, 5), messageId: 'lookup-upgrade' });
  });

  it('finds the same profile by profile id, anonymousId, userId and email (any case)', async () => {
    const p = await profileOf(t, 'user-lookup');
    for (const id of [p.id, 'anon-lookup', 'lookup@example.com', 'LOOKUP@Example.com']) assert.equal((await profileOf(t, id)).id, p.id, id);
  });

  it('finds a profile by the longest id an event may carry, and by ids with URL characters', async () => {
    const longest = `${'ü'.repeat(256)}${'u'.repeat(256)}`;
    for (const userId of [longest, 'a/b?c#d e%f']) {
      await send('/v1/identify', { userId, traits: { kind: 'odd id' } });
      assert.equal((await profileOf(t, userId)).traits.kind, 'odd id', userId);
    }
  });

  it('answers 404 JSON for an id nobody has', async () => {
    assertError(await t.admin('/v1/profiles/nobody-has-this-id'), 404, 'not_found');
    assertError(await t.admin('/v1/profiles/prf_00000000-0000-0000-0000-000000000000/events'), 404, 'not_found');
  });

  it('shows each trait with its source, the message that set it and when', async () => {
    const p = await profileOf(t, 'anon-lookup');
    assert.deepEqual(p.traits, { email: 'lookup@example.com', name: 'Lookup', plan: 'pro' });
    assert.deepEqual(p.traitSources.name, { source: 'identify', messageId: 'lookup-identify', updatedAt: at(9, 0) });
    assert.deepEqual(p.traitSources.plan, { source: 'track:Upgraded (context.traits)', messageId: 'lookup-upgrade', updatedAt: at(9, 5) });
  });
});

describe('behaviour', () => {
  let b: Json;
  before(async () => {
    const anonymousId = 'anon-behaviour';
    const page = (ts: string, url: string, extra: Json = {}) => send('/v1/page', { anonymousId, timestamp: ts, properties: { url, ...extra } });
    const track = (ts: string, event: string) => send('/v1/track', { anonymousId, timestamp: ts, event });
    // Session 1, from a newsletter: landing 30 s, shoes 150 s (a track in between does not end it), socks open at the end.
    await page(at(10, 0), 'https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring');
    await page(at(10, 0, 30), 'https://shop.example/products/shoes');
    await track(at(10, 2), 'Product Viewed');
    await page(at(10, 3), 'https://shop.example/products/socks');
    // Session 2 (57 minutes later), from Google: one page (a bounce) read for 5 minutes; then email
    // events, which the email system sends: they count, but neither open nor extend a session.
    await page(at(11, 0), 'https://shop.example/blog/post-1', { referrer: 'https://www.google.com/' });
    await track(at(11, 5), 'Article Read');
    for (const [mm, event] of [[1, 'Email Sent'], [2, 'Email Delivered'], [3, 'Email Opened'], [4, 'Email Link Clicked'], [6, 'Email Opened'], [7, 'Unsubscribed']] as const) await track(at(11, mm), event);
    b = (await profileOf(t, anonymousId)).behaviour;
  });

  it('counts events, types, event names, first and last seen', () => {
    assert.equal(b.eventCount, 12);
    assert.deepEqual(b.typeCounts, { page: 4, track: 8 });
    assert.deepEqual(b.eventCounts, { 'Product Viewed': 1, 'Article Read': 1, 'Email Sent': 1, 'Email Delivered': 1, 'Email Opened': 2, 'Email Link Clicked': 1, Unsubscribed: 1 });
    assert.equal(b.firstSeenAt, at(10, 0));
    assert.equal(b.lastSeenAt, at(11, 7));
  });

  it('splits sessions at 30 minutes of silence and counts bounces', () => {
    assert.equal(b.sessions.count, 2);
    assert.equal(b.sessions.totalDurationSeconds, 180 + 300);
    assert.equal(b.sessions.bounces, 1);
    assert.deepEqual(b.sessions.current, { startedAt: at(11, 0), lastEventAt: at(11, 5), pageViews: 1 });
  });

  it('lists pages with views and time on page, and sums categories', () => {
    const pages = Object.fromEntries(b.pages.map((p: Json) => [p.path, [p.views, p.timeOnPageSeconds, p.category]]));
    assert.deepEqual(pages, {
      '/landing': [1, 30, 'landing'], '/products/shoes': [1, 150, 'products'], '/products/socks': [1, 0, 'products'], '/blog/post-1': [1, 0, 'blog'],
    });
    assert.equal(b.pageViews, 4);
    assert.equal(b.distinctPages, 4);
    assert.equal(b.timeOnPagesSeconds, 180);
    assert.deepEqual(b.categories, { landing: { views: 1, timeOnPageSeconds: 30 }, products: { views: 2, timeOnPageSeconds: 150 }, blog: { views: 1, timeOnPageSeconds: 0 } });
  });

  it('names the acquisition channel of the first and the latest visit from UTM tags and the referrer', () => {
    const { firstTouch, lastTouch } = b.acquisition;
    assert.deepEqual([firstTouch.channel, firstTouch.source, firstTouch.medium, firstTouch.campaign, firstTouch.at], ['email', 'newsletter', 'email', 'spring', at(10, 0)]);
    assert.match(firstTouch.landingPage, /\/landing\?utm_source=newsletter/);
    assert.deepEqual([lastTouch.channel, lastTouch.source, lastTouch.referrer], ['organic_search', 'www.google.com', 'https://www.google.com/']);
  });

  it('counts Segment email events', () => {
    assert.deepEqual(b.email, { sent: 1, delivered: 1, opened: 2, clicked: 1, bounced: 0, unsubscribed: 1, lastOpenedAt: at(11, 6), lastClickedAt: at(11, 4) });
  });
});

describe('GET /v1/profiles/{id}/events', () => {
  before(async () => {
    // 23 events: 20 at distinct times, sent out of order, and 3 sharing one timestamp (ties).
    const minutes = Array.from({ length: 20 }, (_, i) => (i * 7) % 20);
    for (const m of minutes) await send('/v1/track', { anonymousId: 'anon-pages', event: 'Tick', messageId: `tick-${m}`, timestamp: at(12, m) });
    for (const n of [0, 1, 2]) await send('/v1/track', { anonymousId: 'anon-pages', event: 'Tie', messageId: `tie-${n}`, timestamp: at(12, 10) });
  });

  it('is newest first; walking every page with a small limit returns each event exactly once', async () => {
    const all = await timelineOf(t, 'anon-pages');
    assert.equal(all.length, 23);
    for (const limit of [1, 4, 7, 23, 50]) {
      const walked = await timelineOf(t, 'anon-pages', limit);
      assert.deepEqual(walked.map((e) => e.messageId), all.map((e) => e.messageId), `limit ${limit}`);
    }
    const times = all.map((e) => Date.parse(e.timestamp));
    assert.deepEqual(times, [...times].sort((x, y) => y - x));
    assert.equal(all[0].messageId, 'tick-19');
    assert.equal(all[22].messageId, 'tick-0');
    assert.equal(new Set(all.map((e) => e.messageId)).size, 23);
  });

  it('returns a null cursor on the last page and `limit` events per page', async () => {
    const first = JSON.parse((await t.admin('/v1/profiles/anon-pages/events?limit=20')).body);
    assert.equal(first.events.length, 20);
    assert.equal(typeof first.nextCursor, 'string');
    const last = JSON.parse((await t.admin(`/v1/profiles/anon-pages/events?limit=20&cursor=${first.nextCursor}`)).body);
    assert.equal(last.events.length, 3);
    assert.equal(last.nextCursor, null);
  });

  it('refuses a cursor it did not issue with 400 naming `cursor`', async () => {
    for (const cursor of ['zzz', Buffer.from('a:b').toString('base64url'), 'x'.repeat(600), '%00']) {
      assertIssue(assertError(await t.admin(`/v1/profiles/anon-pages/events?cursor=${encodeURIComponent(cursor)}`), 400), 'cursor', /./);
    }
  });

  it('refuses a limit out of range with 400 naming `limit`', async () => {
    for (const limit of ['0', '-1', '1001', 'abc', '1.5', '']) {
      assertIssue(assertError(await t.admin(`/v1/profiles/anon-pages/events?limit=${limit}`), 400, 'invalid_query'), 'limit', /./);
    }
  });
});

describe('GET /v1/profiles (search)', () => {
  before(async () => {
    for (const [name, email] of [['Karoline Berg', 'karoline@berg.example'], ['Karl Nord', 'karl@nord.example'], ['Maren Berg', 'maren@berg.example']]) {
      await send('/v1/identify', { userId: `search-${email}`, traits: { name, email } });
    }
  });

  const search = async (query: string) => {
    const res = await t.admin(`/v1/profiles?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body) as { profiles: Json[]; nextCursor: string | null };
  };
  const names = (r: { profiles: Json[] }) => r.profiles.map((p) => p.traits.name).sort();

  it('matches a trait exactly (email in any case)', async () => {
    assert.deepEqual(names(await search('trait.email=KAROLINE@berg.example')), ['Karoline Berg']);
    assert.deepEqual(names(await search(`trait.name=${encodeURIComponent('Karl Nord')}`)), ['Karl Nord']);
    assert.deepEqual(names(await search(`trait.name=${encodeURIComponent(' karl NORD ')}`)), ['Karl Nord'], 'trait values compare as conditions do: case-insensitively, trimmed');
    assert.deepEqual(names(await search('trait.email=nobody@example.com')), []);
    assert.deepEqual(names(await search('trait.__proto__=x&q=.example')), [], 'a filter on a trait nobody has matches nobody');
  });

  it('matches free text against identities and traits, combined with trait filters', async () => {
    assert.deepEqual(names(await search('q=berg')), ['Karoline Berg', 'Maren Berg']);
    assert.deepEqual(names(await search('q=KAR')), ['Karl Nord', 'Karoline Berg']);
    assert.deepEqual(names(await search('q=berg&trait.name=Maren%20Berg')), ['Maren Berg']);
    assert.deepEqual(names(await search('q=%25berg')), [], 'LIKE wildcards are matched literally');
    assert.deepEqual(names(await search('q=_arl')), []);
  });

  it('pages through results with a cursor', async () => {
    const first = await search('q=.example&limit=2');
    assert.equal(first.profiles.length, 2);
    assert.ok(first.nextCursor);
    const second = await search(`q=.example&limit=2&cursor=${first.nextCursor}`);
    assert.equal(second.nextCursor, null);
    assert.deepEqual([...names(first), ...names(second)].sort(), ['Karl Nord', 'Karoline Berg', 'Maren Berg']);
  });

  it('refuses bad parameters with 400 naming them', async () => {
    assertIssue(assertError(await t.admin('/v1/profiles?trait.email=a&trait.email=b'), 400), 'trait.email', /once/);
    assertIssue(assertError(await t.admin('/v1/profiles?limit=0'), 400, 'invalid_query'), 'limit', />= 1/);
    assertIssue(assertError(await t.admin('/v1/profiles?cursor=zzz'), 400, 'invalid_query'), 'cursor', /./);
    assertIssue(assertError(await t.admin(`/v1/profiles?q=${'x'.repeat(201)}`), 400, 'invalid_query'), 'q', /200/);
  });
});
