/**
 * Time on page: estimated from the next page view of the session (capped), replaced by the
 * tracker's visible time (`Page Left` / `Page Ping`, cumulative `visibleMs`) without ever counting
 * a page view's time twice — also when the report arrives after the next page view.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { MAX_ESTIMATED_PAGE_MS, applyEvent, emptyBehaviour, replayBehaviour, type Behaviour } from '../../../src/core/profiles/behaviour.js';
import { MINUTE, SECOND, T0, pageView, track } from '../fixtures.js';

const site = (path: string) => `https://example.com${path}`;
const s = (seconds: number) => T0 + seconds * SECOND;
const left = (at: number, path: string, visibleMs: unknown) => track(at, 'Page Left', { visibleMs }, site(path));
const ping = (at: number, path: string, visibleMs: number) => track(at, 'Page Ping', { visibleMs }, site(path));

function run(events: TrackedEvent[]): Behaviour {
  const b = emptyBehaviour();
  for (const e of events) applyEvent(b, e);
  return b;
}

/** Seconds on each page, by path. */
function secondsOn(b: Behaviour): Record<string, number> {
  return Object.fromEntries(Object.values(b.pages).map((p) => [p.path, p.timeMs / SECOND]));
}

describe('the estimate from the next page view', () => {
  it('credits each page with the time until the next page view; the open page has none yet', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(45), site('/b')), pageView(s(120), site('/c'))]);
    assert.deepEqual(secondsOn(b), { '/a': 45, '/b': 75, '/c': 0 });
  });

  it('adds the time of every view of a page', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(10), site('/b')), pageView(s(30), site('/a')), pageView(s(35), site('/c'))]);
    assert.deepEqual(secondsOn(b), { '/a': 15, '/b': 20, '/c': 0 });
  });

  it('is capped when other events kept the session alive for longer', () => {
    const events = [pageView(T0, site('/a'))];
    for (let m = 10; m <= 50; m += 10) events.push(track(T0 + m * MINUTE, 'Video Progress', {}, site('/a')));
    events.push(pageView(T0 + 55 * MINUTE, site('/b')));
    assert.equal(run(events).pages['example.com/a']!.timeMs, MAX_ESTIMATED_PAGE_MS);
  });

  it('gives the last page of a session nothing: the next page view belongs to another visit', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(0) + 2 * 60 * MINUTE, site('/b'))]);
    assert.equal(b.pages['example.com/a']!.timeMs, 0);
  });
});

describe("the tracker's visible time", () => {
  it('Page Left replaces the estimate', () => {
    const b = run([pageView(s(0), site('/a')), left(s(25), '/a', 20_000), pageView(s(30), site('/b'))]);
    assert.deepEqual(secondsOn(b), { '/a': 20, '/b': 0 });
  });

  it('Page Ping is cumulative: each report adds only what is new', () => {
    const b = run([pageView(s(0), site('/a')), ping(s(10), '/a', 10_000), ping(s(25), '/a', 25_000), left(s(33), '/a', 32_000), pageView(s(60), site('/b'))]);
    assert.equal(secondsOn(b)['/a'], 32);
  });

  it('a stale, smaller report changes nothing', () => {
    const b = run([pageView(s(0), site('/a')), ping(s(25), '/a', 25_000), ping(s(26), '/a', 10_000)]);
    assert.equal(secondsOn(b)['/a'], 25);
  });

  it('credits the category as well', () => {
    const b = run([pageView(s(0), site('/docs/a')), left(s(12), '/docs/a', 12_000)]);
    assert.deepEqual(b.categories.docs, { views: 1, timeMs: 12_000 });
  });

  it('a report without page information is about the open page', () => {
    const b = run([pageView(s(0), site('/a')), track(s(9), 'Page Left', { visibleMs: 9_000 })]);
    assert.equal(secondsOn(b)['/a'], 9);
  });

  it('ignores a report without a usable visibleMs', () => {
    for (const visibleMs of [-5, 'ten', Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) {
      const b = run([pageView(s(0), site('/a')), left(s(10), '/a', visibleMs), pageView(s(30), site('/b'))]);
      assert.equal(secondsOn(b)['/a'], 30, `visibleMs ${String(visibleMs)}: the estimate stands`);
    }
  });

  it('counts a report that arrives an hour later, without opening a visit', () => {
    const b = run([pageView(s(0), site('/a')), left(T0 + 60 * MINUTE, '/a', 95_000)]);
    assert.deepEqual([secondsOn(b)['/a'], b.sessions.count], [95, 1]);
  });
});

describe('a report that arrives after the next page view', () => {
  it('corrects the estimate already credited instead of adding to it (the beacon overtaken)', () => {
    // The Page Left for /a was sent at 59 s but reaches us after /b's page view at 60 s.
    const arrival = [pageView(s(0), site('/a')), pageView(s(60), site('/b')), left(s(59), '/a', 40_000)];
    const b = run(arrival);
    assert.deepEqual(secondsOn(b), { '/a': 40, '/b': 0 });
    assert.deepEqual(b.categories.a, { views: 1, timeMs: 40_000 });
    assert.deepEqual(b.pages, replayBehaviour(arrival).pages, 'the same as in time order');
  });

  it('may raise the estimate too', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(30), site('/b')), left(s(29), '/a', 45_000)]);
    assert.equal(secondsOn(b)['/a'], 45);
  });

  it('after pings, adds only what the final report adds', () => {
    const b = run([pageView(s(0), site('/a')), ping(s(15), '/a', 15_000), pageView(s(31), site('/b')), left(s(30), '/a', 29_000)]);
    assert.deepEqual(secondsOn(b), { '/a': 29, '/b': 0 });
  });

  it('of a page viewed twice in a row corrects the first view, not the second', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(60), site('/a')), left(s(59), '/a', 40_000), pageView(s(90), site('/b'))]);
    assert.equal(secondsOn(b)['/a'], 40 + 30);
  });

  it('reaches the last page of the previous visit', () => {
    const b = run([pageView(s(0), site('/a')), pageView(T0 + 2 * 60 * MINUTE, site('/b')), left(s(50), '/a', 50_000)]);
    assert.deepEqual(secondsOn(b), { '/a': 50, '/b': 0 });
  });

  it('is ignored for any older page view, rather than risk counting it twice', () => {
    const b = run([pageView(s(0), site('/a')), pageView(s(20), site('/b')), pageView(s(50), site('/c')), left(s(19), '/a', 90_000)]);
    assert.deepEqual(secondsOn(b), { '/a': 20, '/b': 30, '/c': 0 });
  });
});
