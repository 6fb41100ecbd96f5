/**
 * The timeline as a story (admin/src/story.ts): visits split after 30 minutes without an event,
 * seconds per page from the tracker's visible-time reports (the largest, cumulative) or else up to
 * the next page view (an estimate), moments told apart (e-mail, form, segment, stage, consent),
 * machine e-mail opens left out, newest first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventView } from '../../admin/src/api-types.js';
import { tellStory, type Moment, type Visit } from '../../admin/src/story.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number, seconds = 0) => new Date(T0 + minutes * 60_000 + seconds * 1000).toISOString();

function ev(partial: { type: string; event?: string; timestamp: string; properties?: Record<string, unknown>; traits?: Record<string, unknown>; context?: Record<string, unknown> }): EventView {
  return {
    messageId: `m-${Math.random()}`, type: partial.type, ...(partial.event ? { event: partial.event } : {}),
    userId: null, anonymousId: 'a1', properties: partial.properties ?? {}, traits: partial.traits ?? {}, context: partial.context ?? {},
    integrations: {}, timestamp: partial.timestamp, originalTimestamp: null, sentAt: null, receivedAt: partial.timestamp, profileId: 'p1', originalProfileId: 'p1',
  } as unknown as EventView;
}
const page = (minute: number, second: number, path: string, title: string, extra: Record<string, unknown> = {}) =>
  ev({ type: 'page', timestamp: at(minute, second), properties: { path, title, url: `https://acme.com${path}`, ...extra } });
const left = (minute: number, second: number, path: string, visibleMs: number, name = 'Page Left') =>
  ev({ type: 'track', event: name, timestamp: at(minute, second), properties: { path, visibleMs } });

describe('tellStory', () => {
  it('groups page views into visits and gives each page its seconds: reported, else estimated, else none', () => {
    const events = [
      page(0, 0, '/', 'Home', { referrer: 'https://www.google.com/search?q=x' }),
      left(0, 30, '/', 12_000, 'Page Ping'),
      left(0, 40, '/', 21_500),
      page(0, 45, '/pricing', 'Pricing'),
      page(2, 45, '/contact', 'Contact'),
      // 2 hours later: a new visit
      page(122, 0, '/blog', 'Blog'),
    ].reverse(); // the API answers newest first
    const story = tellStory(events);
    const visits = story.filter((s): s is Visit => s.kind === 'visit');
    assert.equal(visits.length, 2);
    const [later, first] = visits;
    assert.deepEqual(later!.pages.map((p) => p.path), ['/blog'], 'newest visit first');
    assert.equal(later!.pages[0]!.seconds, null, 'the last page of a visit without a report has no time');
    assert.equal(first!.source, 'www.google.com');
    assert.deepEqual(first!.pages.map((p) => [p.path, p.seconds, p.estimated]), [
      ['/', 21.5, false], // the largest report wins over the gap to the next page view (45 s)
      ['/pricing', 120, true],
      ['/contact', null, false],
    ]);
    assert.equal(first!.seconds, 141.5);
  });

  it('tells moments apart, keeps the visitor\'s own actions inside the visit, and leaves machine opens out', () => {
    const events = [
      ev({ type: 'identify', timestamp: at(0), traits: { email: 'karoline@acme.com' } }),
      page(1, 0, '/whitepaper', 'Whitepaper'),
      ev({ type: 'track', event: 'Whitepaper Downloaded', timestamp: at(1, 30), properties: { topic: 'smart factory' } }),
      ev({ type: 'track', event: 'Email Opened', timestamp: at(300), properties: { email_subject: 'News', machine: true } }),
      ev({ type: 'track', event: 'Email Opened', timestamp: at(301), properties: { email_subject: 'News' } }),
      ev({ type: 'track', event: 'Email Link Clicked', timestamp: at(302), properties: { link_url: 'https://acme.com/x' } }),
      ev({ type: 'track', event: 'Form Submitted', timestamp: at(400), properties: { formId: 'contact' } }),
      ev({ type: 'system', event: 'Segment Entered', timestamp: at(400, 1), properties: { segmentId: 's1', segmentName: 'Smart factory readers' } }),
      ev({ type: 'system', event: 'Lifecycle Stage Changed', timestamp: at(400, 2), properties: { from: 'lead', to: 'mql', reason: 'score' } }),
      ev({ type: 'consent', event: 'Consent Updated', timestamp: at(500), properties: { purposes: { newsletter: true, ads: false } } }),
    ].reverse();
    const story = tellStory(events);
    const moments = story.filter((s): s is Moment => s.kind === 'moment');
    assert.deepEqual(moments.map((m) => m.what), ['consent', 'stage', 'segmentEntered', 'formSubmitted', 'emailClicked', 'emailOpened', 'identify']);
    assert.deepEqual(moments[0]!.vars, { purposes: 'newsletter ✓, ads ✗' });
    assert.deepEqual(moments[1]!.vars, { from: 'lead', to: 'mql', reason: 'score' });
    assert.equal(moments[2]!.vars.segment, 'Smart factory readers');
    assert.equal(moments.at(-1)!.vars.who, 'karoline@acme.com');
    const visit = story.find((s): s is Visit => s.kind === 'visit')!;
    assert.deepEqual(visit.actions.map((a) => a.vars.event), ['Whitepaper Downloaded']);
  });

  it('tells nothing of an empty timeline', () => {
    assert.deepEqual(tellStory([]), []);
  });
});
