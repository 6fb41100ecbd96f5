/**
 * The incremental behaviour reducer: sessions and bounces, late events, pages and categories,
 * caps, email counters, groups, and keys from clients that must not reach a prototype.
 * Time on page, acquisition and replay have their own files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { SESSION_TIMEOUT_MS, applyEvent, emptyBehaviour, type Behaviour } from '../../../src/core/profiles/behaviour.js';
import { MINUTE, SECOND, T0, pageView, track, trackedEvent } from '../fixtures.js';

const site = (path: string) => `https://example.com${path}`;

function run(events: TrackedEvent[], b: Behaviour = emptyBehaviour()): Behaviour {
  for (const e of events) applyEvent(b, e);
  return b;
}

describe('sessions', () => {
  it('continue while events are at most 30 minutes apart, and split after that', () => {
    const b = run([
      pageView(T0, site('/a')),
      pageView(T0 + SESSION_TIMEOUT_MS, site('/b')), // exactly 30 min: same session
      pageView(T0 + 2 * SESSION_TIMEOUT_MS + 1, site('/c')), // 30 min + 1 ms: a new one
    ]);
    assert.equal(b.sessions.count, 2);
    assert.equal(b.sessions.closedMs, SESSION_TIMEOUT_MS);
    assert.deepEqual(b.sessions.current, { start: T0 + 2 * SESSION_TIMEOUT_MS + 1, last: T0 + 2 * SESSION_TIMEOUT_MS + 1, pageViews: 1 });
  });

  it('measure inactivity from the last event, not from the start', () => {
    const events = [0, 25, 50, 75, 100].map((m) => track(T0 + m * MINUTE, 'Scrolled', {}, site('/long-read')));
    const b = run(events);
    assert.equal(b.sessions.count, 1);
    assert.deepEqual([b.sessions.current!.start, b.sessions.current!.last], [T0, T0 + 100 * MINUTE]);
  });

  it('count a closed session with at most one page view as a bounce', () => {
    const b = run([
      pageView(T0, site('/landing')), // visit 1: one page → bounce
      pageView(T0 + 2 * 60 * MINUTE, site('/a')), // visit 2: two pages → no bounce
      pageView(T0 + 2 * 60 * MINUTE + 30 * SECOND, site('/b')),
      pageView(T0 + 5 * 60 * MINUTE, site('/c')), // visit 3: still open
    ]);
    assert.deepEqual([b.sessions.count, b.sessions.bounces], [3, 1]);
    assert.equal(b.sessions.current!.pageViews, 1, 'the open session is judged when it closes');
  });

  it('are opened by events without page information too (a server-side call), as a session without a touch', () => {
    const b = run([trackedEvent({ type: 'identify', timestamp: T0, traits: { plan: 'pro' } })]);
    assert.equal(b.sessions.count, 1);
    assert.deepEqual([b.firstTouch, b.lastTouch], [null, null]);
  });

  it('are kept alive by Page Ping / Page Left but never opened by them', () => {
    const b = run([
      pageView(T0, site('/article')),
      track(T0 + 20 * MINUTE, 'Page Ping', { visibleMs: 20 * MINUTE }, site('/article')), // extends
      track(T0 + 80 * MINUTE, 'Page Left', { visibleMs: 25 * MINUTE }, site('/article')), // tab closed long after: no new visit
    ]);
    assert.equal(b.sessions.count, 1);
    assert.equal(b.sessions.bounces, 0);
    assert.equal(b.sessions.current!.last, T0 + 20 * MINUTE);
    assert.equal(b.lastSeenAt, T0 + 80 * MINUTE, 'the event was still seen');
  });
});

describe('late events', () => {
  it('still count, but do not move sessions or the last seen time', () => {
    const b = run([
      pageView(T0 + 60 * MINUTE, site('/a')),
      pageView(T0 + 61 * MINUTE, site('/b')),
      track(T0, 'Signed Up', {}, site('/signup')), // an hour older than what was seen
    ]);
    assert.equal(b.eventCount, 3);
    assert.equal(b.counts['track:Signed Up'], 1);
    assert.equal(b.sessions.count, 1);
    assert.deepEqual([b.sessions.current!.start, b.sessions.current!.last], [T0 + 60 * MINUTE, T0 + 61 * MINUTE]);
    assert.deepEqual([b.firstSeenAt, b.lastSeenAt], [T0, T0 + 61 * MINUTE]);
  });

  it('a late page view counts as a view, without time, and towards its session only if it lies inside the open one', () => {
    const b = run([
      pageView(T0 + 60 * MINUTE, site('/a')),
      pageView(T0 + 62 * MINUTE, site('/c')),
      pageView(T0 + 61 * MINUTE, site('/b')), // late, inside the open session
      pageView(T0, site('/old')), // late, before it
    ]);
    assert.equal(b.pageViews, 4);
    assert.equal(b.sessions.current!.pageViews, 3);
    assert.equal(b.pages['example.com/b']!.views, 1);
    assert.equal(b.pages['example.com/b']!.timeMs, 0);
    assert.equal(b.pages['example.com/a']!.timeMs, 2 * MINUTE, 'the late view does not cut the open estimate short');
    assert.equal(b.pages['example.com/old']!.firstAt, T0);
  });

  it('a late second page view saves its session from being a bounce', () => {
    const b = run([
      pageView(T0 + 2 * MINUTE, site('/b')),
      pageView(T0, site('/a')), // late, but before the session's start: cannot be placed
      pageView(T0 + 3 * MINUTE, site('/c')),
    ]);
    assert.equal(b.sessions.current!.pageViews, 2);
  });
});

describe('pages and categories', () => {
  it('aggregate views of one page whatever its query string, keeping the latest title and URL', () => {
    const b = run([
      pageView(T0, site('/pricing?plan=basic'), { title: 'Pricing (old)' }),
      pageView(T0 + MINUTE, site('/pricing?plan=pro'), { title: 'Pricing' }),
    ]);
    assert.deepEqual(Object.keys(b.pages), ['example.com/pricing']);
    assert.deepEqual(b.pages['example.com/pricing'], {
      url: site('/pricing?plan=pro'), path: '/pricing', title: 'Pricing', category: 'pricing', views: 2, timeMs: MINUTE, firstAt: T0, lastAt: T0 + MINUTE,
    });
  });

  it('count categories by the explicit category, else the first path segment', () => {
    const b = run([
      pageView(T0, site('/blog/one')),
      pageView(T0 + 10 * SECOND, site('/blog/two'), { category: 'Stories' }),
      pageView(T0 + 30 * SECOND, site('/')),
    ]);
    assert.deepEqual(b.categories, { blog: { views: 1, timeMs: 10 * SECOND }, Stories: { views: 1, timeMs: 20 * SECOND }, '(home)': { views: 1, timeMs: 0 } });
  });

  it('count screens of an app as pages', () => {
    const b = run([
      trackedEvent({ type: 'screen', timestamp: T0, name: 'Cart', category: 'Shop' }),
      trackedEvent({ type: 'screen', timestamp: T0 + 5 * SECOND, name: 'Checkout' }),
    ]);
    assert.deepEqual([b.pageViews, b.pages['screen:Cart']!.timeMs, b.categories.Shop!.views, b.categories['(other)']!.views], [2, 5 * SECOND, 1, 1]);
  });

  it('ignore a page event without any page information, but count it', () => {
    const b = run([trackedEvent({ type: 'page', timestamp: T0 })]);
    assert.deepEqual([b.pageViews, b.counts.page, Object.keys(b.pages).length], [0, 1, 0]);
  });

  it('cap distinct pages at 1000: later pages share one neutral "(other)" entry', () => {
    const events = Array.from({ length: 1003 }, (_, i) => pageView(T0 + i * SECOND, site(`/p/${i}`)));
    const b = run(events);
    assert.equal(Object.keys(b.pages).length, 1001);
    const other = b.pages['(other)']!;
    assert.deepEqual([other.views, other.url, other.path, other.title], [3, null, '(other)', null]);
    assert.equal(b.pages['example.com/p/0']!.views, 1);
    run([pageView(T0 + 2000 * SECOND, site('/p/5'))], b);
    assert.equal(b.pages['example.com/p/5']!.views, 2, 'a page already known keeps counting');
  });

  it('cap distinct event names at 1000: later names count under "(other)"', () => {
    const b = run(Array.from({ length: 1005 }, (_, i) => track(T0 + i, `Event ${i}`)));
    // 1000 keys: the type `track` and 999 names; the remaining 6 names share "(other)".
    assert.equal(Object.keys(b.counts).length, 1001);
    assert.equal(b.counts['(other)'], 6);
    assert.equal(b.counts['track:Event 998'], 1);
    assert.equal(b.counts['track:Event 999'], undefined);
    assert.equal(b.eventCount, 1005);
  });
});

describe('keys from clients', () => {
  it('a page, a category or an event named like an object internal stays data', () => {
    const b = run([
      trackedEvent({ type: 'page', timestamp: T0, properties: { path: '__proto__' } }),
      trackedEvent({ type: 'page', timestamp: T0 + 1, category: '__proto__', properties: { path: '/x' } }),
      trackedEvent({ type: 'page', timestamp: T0 + 2, category: 'constructor', properties: { path: '/y' } }),
      track(T0 + 3, 'constructor'), track(T0 + 4, '__proto__'), track(T0 + 5, 'toString'), track(T0 + 6, 'hasOwnProperty'),
    ]);
    const probe = {} as Record<string, unknown>;
    assert.equal(probe.views, undefined, 'Object.prototype untouched');
    assert.equal((Object as unknown as Record<string, unknown>).views, undefined, 'Object untouched');
    assert.equal(Object.getPrototypeOf(b.categories), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(b.categories, '__proto__')?.value.views, 2);
    assert.equal(Object.getOwnPropertyDescriptor(b.categories, 'constructor')?.value.views, 1);
    assert.equal(b.counts['track:constructor'], 1);
    assert.deepEqual(b.email, emptyBehaviour().email, 'an event called "constructor" is no email event');
    assert.ok(JSON.stringify(b.categories).includes('"__proto__":{"views":2'), 'the key survives serialisation');
  });
});

describe('email counters', () => {
  const at = (m: number) => T0 + m * MINUTE;

  it("count Segment's email events, whatever the case of their names", () => {
    const b = run([
      track(at(0), 'Email Sent'), track(at(1), 'email delivered'), track(at(5), 'Email Opened'), track(at(3), 'Email Opened'),
      track(at(6), 'Email Link Clicked'), track(at(7), 'EMAIL BOUNCED'), track(at(8), 'Unsubscribed'),
    ]);
    assert.deepEqual(b.email, { sent: 1, delivered: 1, opened: 2, clicked: 1, bounced: 1, unsubscribed: 1, lastOpenedAt: at(5), lastClickedAt: at(6) });
  });

  it('never open or extend a session: the email system sends them, not a visit', () => {
    const b = run([track(at(0), 'Email Delivered'), track(at(60), 'Email Opened'), track(at(61), 'Email Link Clicked')]);
    assert.equal(b.sessions.count, 0);
    assert.equal(b.lastTouch, null);
    const visit = run([pageView(at(0), site('/')), track(at(20), 'Email Opened'), pageView(at(45), site('/b'))]);
    assert.equal(visit.sessions.count, 2, 'the open at minute 20 did not keep the visit alive');
  });

  it('Sent, Delivered and Bounced do not count as seeing the person; opens, clicks and unsubscribes do', () => {
    const b = run([pageView(at(0), site('/')), track(at(60 * 24), 'Email Sent'), track(at(60 * 24 + 1), 'Email Delivered'), track(at(60 * 24 + 2), 'Email Bounced')]);
    assert.deepEqual([b.firstSeenAt, b.lastSeenAt], [at(0), at(0)]);
    run([track(at(60 * 48), 'Email Opened')], b);
    assert.equal(b.lastSeenAt, at(60 * 48));
    const before = run([track(at(0), 'Email Sent'), pageView(at(10), site('/'))]);
    assert.equal(before.firstSeenAt, at(10));
  });
});

describe('other counts', () => {
  it('count events by type and track events by name', () => {
    const b = run([track(T0, 'Signed Up'), track(T0 + 1, 'Signed Up'), trackedEvent({ type: 'identify', timestamp: T0 + 2 }), pageView(T0 + 3, site('/'))]);
    assert.deepEqual(b.counts, { track: 2, 'track:Signed Up': 2, identify: 1, page: 1 });
    assert.deepEqual([b.eventCount, b.firstSeenAt, b.lastSeenAt], [4, T0, T0 + 3]);
  });

  it('collect group ids once each', () => {
    const b = run(['acme', 'globex', 'acme'].map((groupId, i) => trackedEvent({ type: 'group', timestamp: T0 + i, groupId })));
    assert.deepEqual(b.groups, ['acme', 'globex']);
  });

  it('cap groups at 100', () => {
    const b = run(Array.from({ length: 105 }, (_, i) => trackedEvent({ type: 'group', timestamp: T0 + i, groupId: `g${i}` })));
    assert.equal(b.groups.length, 100);
  });

  it('ignore system timeline entries entirely', () => {
    const b = run([trackedEvent({ type: 'system', timestamp: T0, name: 'Profiles Merged' })]);
    assert.deepEqual(b, emptyBehaviour());
  });
});
