/**
 * Acquisition: the first and the last touch of a profile, from the event that opened each visit —
 * UTM tags, click ids and referrers; internal navigation and server-side calls are not sources.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedEvent } from '../../../src/core/events/event.js';
import { applyEvent, emptyBehaviour, type Behaviour } from '../../../src/core/profiles/behaviour.js';
import { MINUTE, T0, pageView, trackedEvent } from '../fixtures.js';

const HOUR = 60 * MINUTE;
const site = (path: string) => `https://www.example.com${path}`;

function run(events: TrackedEvent[]): Behaviour {
  const b = emptyBehaviour();
  for (const e of events) applyEvent(b, e);
  return b;
}

describe('first and last touch', () => {
  it('record how the first and the latest visit arrived', () => {
    const b = run([
      pageView(T0, site('/spring?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale'), { referrer: 'https://www.google.com/' }),
      pageView(T0 + MINUTE, site('/pricing'), { referrer: site('/spring') }),
      pageView(T0 + 3 * HOUR, site('/blog/post'), { referrer: 'https://t.co/xyz' }),
    ]);
    assert.deepEqual(b.firstTouch, {
      channel: 'paid_search', source: 'google', medium: 'cpc', campaign: 'spring-sale', referrer: 'https://www.google.com/',
      landingPage: site('/spring?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale'), at: T0,
    });
    assert.deepEqual(b.lastTouch, {
      channel: 'social', source: 't.co', medium: null, campaign: null, referrer: 'https://t.co/xyz', landingPage: site('/blog/post'), at: T0 + 3 * HOUR,
    });
  });

  it('change only when a new visit starts', () => {
    const b = run([pageView(T0, site('/')), pageView(T0 + MINUTE, site('/x?utm_source=news&utm_medium=email'), { referrer: 'https://mail.google.com/' })]);
    assert.equal(b.lastTouch!.channel, 'direct');
  });

  it('read click ids and campaign context', () => {
    const gclid = run([pageView(T0, site('/?gclid=abc'), { referrer: 'https://www.google.com/' })]);
    assert.deepEqual([gclid.firstTouch!.channel, gclid.firstTouch!.source], ['paid_search', 'www.google.com']);
    const tagged = pageView(T0, site('/'));
    tagged.context.campaign = { source: 'newsletter', medium: 'email', name: 'may' };
    assert.deepEqual(run([tagged]).firstTouch!.campaign, 'may');
  });

  it('classify referrers: search, social, referral, and no referrer as direct', () => {
    const channelOf = (referrer: string) => run([pageView(T0, site('/'), { referrer })]).firstTouch!.channel;
    assert.equal(channelOf('https://www.bing.com/search?q=tessera'), 'organic_search');
    assert.equal(channelOf('https://www.linkedin.com/feed/'), 'social');
    assert.equal(channelOf('https://news.ycombinator.com/item?id=1'), 'referral');
    assert.equal(channelOf(''), 'direct');
  });

  it('a referrer on the own site is no source: a visit that outlived the timeout keeps its last touch', () => {
    const b = run([
      pageView(T0, site('/'), { referrer: 'https://www.google.com/' }),
      pageView(T0 + 45 * MINUTE, site('/pricing'), { referrer: site('/') }), // back from lunch, clicks a link
    ]);
    assert.equal(b.sessions.count, 2);
    assert.deepEqual([b.lastTouch!.channel, b.lastTouch!.source, b.lastTouch!.at], ['organic_search', 'www.google.com', T0]);
  });

  it('with no touch known yet, own-site navigation is a direct touch without a source (also across www.)', () => {
    const b = run([pageView(T0, site('/pricing'), { referrer: 'https://example.com/' })]);
    assert.deepEqual([b.firstTouch!.channel, b.firstTouch!.source, b.firstTouch!.referrer], ['direct', null, 'https://example.com/']);
  });

  it('a tagged internal link still counts as a campaign', () => {
    const b = run([pageView(T0, site('/?utm_source=banner&utm_medium=display'), { referrer: site('/') })]);
    assert.equal(b.firstTouch!.channel, 'display');
  });

  it('a server-side call says nothing about acquisition: the first web visit is the first touch', () => {
    const b = run([
      trackedEvent({ type: 'identify', timestamp: T0, traits: { email: 'karo@example.com' } }),
      pageView(T0 + 2 * HOUR, site('/'), { referrer: 'https://duckduckgo.com/' }),
      trackedEvent({ type: 'track', name: 'Invoice Paid', timestamp: T0 + 30 * HOUR }),
    ]);
    assert.equal(b.sessions.count, 3);
    assert.deepEqual([b.firstTouch!.channel, b.lastTouch!.channel], ['organic_search', 'organic_search']);
  });

  it('a server-side call with campaign context is a touch', () => {
    const b = run([trackedEvent({ type: 'track', name: 'Lead Imported', timestamp: T0, context: { campaign: { source: 'trade-fair', medium: 'offline' } } })]);
    assert.deepEqual([b.firstTouch!.channel, b.firstTouch!.source, b.firstTouch!.landingPage], ['other_campaign', 'trade-fair', null]);
  });
});
