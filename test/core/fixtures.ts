/**
 * Builders of normalised events for the pure-domain tests: only the fields a test cares about are
 * given; the rest get neutral defaults. Times are epoch ms from a fixed origin, never the clock.
 */
import type { JsonObject, TrackedEvent } from '../../src/core/events/event.js';

/** 2024-05-01T10:00:00.000Z, the origin of every test timeline. */
export const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

let counter = 0;

export function trackedEvent(fields: Partial<TrackedEvent> & { timestamp: number }): TrackedEvent {
  counter++;
  return {
    workspaceId: 'ws-test',
    messageId: `msg-${counter}`,
    type: 'track',
    name: null,
    category: null,
    anonymousId: 'anon-1',
    userId: null,
    previousId: null,
    groupId: null,
    properties: {},
    traits: {},
    context: {},
    integrations: {},
    originalTimestamp: null,
    sentAt: null,
    receivedAt: fields.timestamp,
    ...fields,
  };
}

/** A page view as analytics.js sends it: the page in `properties` and in `context.page`. */
export function pageView(at: number, url: string, extra: { referrer?: string; title?: string; category?: string; name?: string } = {}): TrackedEvent {
  const parsed = new URL(url);
  const page: JsonObject = { url, path: parsed.pathname, search: parsed.search, title: extra.title ?? null, referrer: extra.referrer ?? '' };
  return trackedEvent({
    type: 'page', timestamp: at, name: extra.name ?? null, category: extra.category ?? null,
    properties: { ...page }, context: { page },
  });
}

/** A track event; `url` puts the page it happened on into `context.page`. */
export function track(at: number, name: string, properties: JsonObject = {}, url?: string): TrackedEvent {
  const context: JsonObject = url ? { page: { url, path: new URL(url).pathname } } : {};
  return trackedEvent({ type: 'track', timestamp: at, name, properties, context });
}

/** A deterministic pseudo-random generator (mulberry32), so that a failing seed can be replayed. */
export { seededRandom } from '../../src/core/seeded-random.js';

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
