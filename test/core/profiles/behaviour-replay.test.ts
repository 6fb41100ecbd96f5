/**
 * Incremental and recomputed behaviour agree. A merge recomputes a profile with replayBehaviour;
 * ingest folds events one by one (with the state stored between batches). For random realistic
 * streams: replay of any shuffle equals incremental application in time order, storing the state
 * as JSON between events changes nothing, and tracker beacons overtaken by the next page view
 * end up exactly where they would have in time order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { applyEvent, emptyBehaviour, replayBehaviour, type Behaviour } from '../../../src/core/profiles/behaviour.js';
import { MINUTE, SECOND, T0, pageView, seededRandom, shuffle, track, trackedEvent } from '../fixtures.js';

const PATHS = ['/', '/pricing', '/pricing?plan=pro', '/blog/a', '/blog/b/', '/docs/start', '/contact', '/__proto__'];
const REFERRERS = ['', '', 'https://www.google.com/', 'https://t.co/x', 'https://partner.example.org/', 'https://example.com/'];
const CAMPAIGNS = ['', '', '', '?utm_source=newsletter&utm_medium=email', '?gclid=123'];

interface Stream { events: TrackedEvent[]; arrival: TrackedEvent[] }

/**
 * A stream of visits with distinct timestamps. `arrival` is the time order except that some
 * `Page Left` beacons arrive just after the next page view of the visit (as a slow beacon does).
 */
function randomStream(seed: number): Stream {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const events: TrackedEvent[] = [];
  const arrival: TrackedEvent[] = [];
  let overtaken: TrackedEvent | null = null;
  const deliver = (e: TrackedEvent) => {
    events.push(e);
    arrival.push(e);
    if (overtaken && e.type === 'page') { arrival.push(overtaken); overtaken = null; }
  };
  let t = T0;
  const visits = 2 + Math.floor(random() * 4);
  for (let v = 0; v < visits; v++) {
    t += random() < 0.3 ? 20 * MINUTE : 2 * 60 * MINUTE + Math.floor(random() * 1000) * MINUTE;
    const pages = 1 + Math.floor(random() * 6);
    for (let p = 0; p < pages; p++) {
      const url = `https://example.com${pick(PATHS)}${p === 0 ? pick(CAMPAIGNS) : ''}`;
      deliver(pageView(t, url, { referrer: p === 0 ? pick(REFERRERS) : 'https://example.com/' }));
      const stay = (5 + Math.floor(random() * 400)) * SECOND;
      if (random() < 0.4) deliver(track(t + Math.floor(stay / 3), 'Page Ping', { visibleMs: Math.floor(stay / 3) }, url));
      if (random() < 0.3) deliver(track(t + Math.floor(stay / 2), 'Clicked CTA', {}, url));
      if (random() < 0.1) deliver(track(t + Math.floor(stay / 2) + 1, 'Email Opened'));
      if (random() < 0.1) deliver(trackedEvent({ type: 'identify', timestamp: t + Math.floor(stay / 2) + 2, traits: { plan: 'pro' } }));
      if (random() < 0.1) deliver(trackedEvent({ type: 'group', timestamp: t + Math.floor(stay / 2) + 3, groupId: pick(['acme', 'globex']) }));
      if (random() < 0.5) {
        const beacon = track(t + stay - 1, 'Page Left', { visibleMs: Math.floor(stay * random()) }, url);
        // Only a beacon followed by a page view of the same visit can be overtaken: the last page's
        // beacon leaves hours before the next visit (a late event never reopens a closed session).
        if (p < pages - 1 && random() < 0.5) events.push(beacon), overtaken = beacon;
        else deliver(beacon);
      }
      t += stay;
    }
  }
  if (overtaken) arrival.push(overtaken);
  assert.equal(new Set(events.map((e) => e.timestamp)).size, events.length, 'distinct timestamps');
  assert.equal(arrival.length, events.length);
  return { events, arrival };
}

function incremental(events: readonly TrackedEvent[], storeBetween = false): Behaviour {
  let b = emptyBehaviour();
  for (const e of events) {
    applyEvent(b, e);
    if (storeBetween) b = JSON.parse(JSON.stringify(b)) as Behaviour;
  }
  return b;
}

const byTime = (events: readonly TrackedEvent[]) => [...events].sort((x, y) => x.timestamp - y.timestamp);
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

describe('replayBehaviour and applyEvent agree', () => {
  it('replay of any shuffle equals incremental application in time order', () => {
    for (const seed of SEEDS) {
      const { events } = randomStream(seed);
      const expected = incremental(byTime(events));
      assert.deepEqual(replayBehaviour(shuffle(events, seededRandom(seed * 7))), expected, `seed ${seed}`);
      assert.deepEqual(replayBehaviour([...events].reverse()), expected, `seed ${seed}, reversed`);
    }
  });

  it('storing the state as JSON between events changes nothing', () => {
    for (const seed of SEEDS) {
      const { events } = randomStream(seed);
      assert.deepEqual(incremental(byTime(events), true), incremental(byTime(events)), `seed ${seed}`);
    }
  });

  it('beacons overtaken by the next page view give the same behaviour as in time order', () => {
    let overtakenSomewhere = false;
    for (const seed of SEEDS) {
      const { events, arrival } = randomStream(seed);
      overtakenSomewhere ||= arrival.some((e, i) => e !== events[i]);
      assert.deepEqual(incremental(arrival), replayBehaviour(events), `seed ${seed}`);
    }
    assert.ok(overtakenSomewhere, 'the generator did overtake beacons');
  });

  it('keeps the given order for events with the same time', () => {
    const a = pageView(T0, 'https://example.com/a');
    const b = pageView(T0, 'https://example.com/b');
    const c = pageView(T0 + 10 * SECOND, 'https://example.com/c');
    assert.equal(replayBehaviour([a, b, c]).pages['example.com/b']!.timeMs, 10 * SECOND);
    assert.equal(replayBehaviour([b, a, c]).pages['example.com/a']!.timeMs, 10 * SECOND);
  });
});
