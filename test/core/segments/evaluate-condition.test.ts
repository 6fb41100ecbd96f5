import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateProfile } from '../../../src/core/segments/membership.js';
import type { Condition } from '../../../src/core/segments/condition.js';
import { T0, trackedEvent, pageView } from '../fixtures.js';
import { DAY, definitions, isMember, profileWith, segment } from './segment-fixtures.js';

const whitepaper = (at: number, topic = 'smart factory', extra: Record<string, unknown> = {}) =>
  trackedEvent({ timestamp: at, receivedAt: at, name: 'Whitepaper Downloaded', properties: { topic, ...extra } });

const smartFactoryReaders: Condition = {
  and: [
    { event: { name: 'Whitepaper Downloaded', where: [{ property: 'topic', op: 'equals', value: 'smart factory' }], atLeast: 2, within: '30d' } },
    { not: { trait: { key: 'contacted_by_sales', op: 'equals', value: true } } },
  ],
};

describe('segment evaluation', () => {
  test('the issue example: two smart-factory whitepapers in 30 days and not contacted by sales', () => {
    const defs = definitions([segment('sf', smartFactoryReaders)]);
    const one = profileWith([whitepaper(T0)], defs);
    assert.equal(isMember(one, defs, 'sf', T0), false);
    const two = profileWith([whitepaper(T0), whitepaper(T0 + DAY, 'Smart Factory')], defs);
    assert.equal(isMember(two, defs, 'sf', T0 + DAY), true, 'topic compares case-insensitively');
    const otherTopic = profileWith([whitepaper(T0), whitepaper(T0 + DAY, 'logistics')], defs);
    assert.equal(isMember(otherTopic, defs, 'sf', T0 + DAY), false);
    const contacted = profileWith([whitepaper(T0), whitepaper(T0 + DAY)], defs, { contacted_by_sales: true });
    assert.equal(isMember(contacted, defs, 'sf', T0 + DAY), false);
  });

  test('leaves the segment when the window passes, and says when that happens', () => {
    const defs = definitions([segment('sf', smartFactoryReaders)]);
    const p = profileWith([whitepaper(T0), whitepaper(T0 + DAY)], defs);
    const entered = evaluateProfile(p, defs, T0 + DAY);
    assert.deepEqual(entered.changes.map((c) => c.kind), ['entered']);
    assert.match(entered.changes[0]!.reason, /Whitepaper Downloaded \(topic = "smart factory"\) at least 2 times within 30 days/);
    // The first download leaves the window 30 days after it: that is the next moment to look again.
    assert.equal(entered.dueAt, T0 + 30 * DAY + 1);
    const still = evaluateProfile(p, defs, T0 + 30 * DAY);
    assert.deepEqual(still.changes, []);
    const left = evaluateProfile(p, defs, entered.dueAt!);
    assert.deepEqual(left.changes.map((c) => c.kind), ['exited']);
    assert.match(left.changes[0]!.reason, /^no longer: .*\(once\)/);
  });

  test('at most, exactly, and before a window', () => {
    const c = (event: Record<string, unknown>): Condition => ({ event: { name: 'Login', ...event } });
    const defs = definitions([
      segment('rare', c({ atMost: 1, within: '7d' })),
      segment('exact', c({ atLeast: 2, atMost: 2 })),
      segment('old', c({ before: '30d' })),
    ]);
    const login = (at: number) => trackedEvent({ timestamp: at, receivedAt: at, name: 'Login' });
    const p = profileWith([login(T0), login(T0 + DAY)], defs);
    assert.equal(isMember(p, defs, 'rare', T0 + DAY), false);
    assert.equal(isMember(p, defs, 'rare', T0 + 7 * DAY + 1), true, 'the first login left the 7-day window');
    assert.equal(isMember(p, defs, 'exact', T0 + DAY), true);
    assert.equal(isMember(p, defs, 'old', T0 + 10 * DAY), false);
    assert.equal(isMember(p, defs, 'old', T0 + 31 * DAY), true, 'a login older than 30 days counts');
  });

  test('sequence: A then B, in that order, within a window', () => {
    const defs = definitions([segment('seq', { sequence: { steps: [{ name: 'Trial Started' }, { name: 'Pricing Viewed' }], within: '14d' } })]);
    const ev = (name: string, at: number) => trackedEvent({ timestamp: at, receivedAt: at, name });
    assert.equal(isMember(profileWith([ev('Trial Started', T0), ev('Pricing Viewed', T0 + DAY)], defs), defs, 'seq', T0 + DAY), true);
    assert.equal(isMember(profileWith([ev('Pricing Viewed', T0), ev('Trial Started', T0 + DAY)], defs), defs, 'seq', T0 + DAY), false, 'wrong order');
    assert.equal(isMember(profileWith([ev('Trial Started', T0), ev('Pricing Viewed', T0 + DAY)], defs), defs, 'seq', T0 + 20 * DAY), false, 'outside the window');
  });

  test('page, email (machine opens never count), consent, lifecycle, other segments', () => {
    const defs = definitions([
      segment('pricing', { page: { path: '/pricing', atLeast: 2 } }),
      segment('opened', { email: { action: 'opened', where: [{ property: 'campaign_name', op: 'equals', value: 'Spring' }] } }),
      segment('warm', { and: [{ segment: { id: 'pricing' } }, { consent: { purpose: 'marketing', granted: true } }] }),
      segment('mql', { lifecycle: { in: ['mql', 'sql'] } }),
    ]);
    const open = (at: number, machine: boolean) => trackedEvent({ timestamp: at, receivedAt: at, name: 'Email Opened', properties: { campaign_name: 'Spring', ...(machine ? { machine: true } : {}) } });
    const p = profileWith([pageView(T0, 'https://acme.com/pricing'), pageView(T0 + 1000, 'https://acme.com/pricing/'), open(T0, true)], defs);
    assert.equal(isMember(p, defs, 'pricing', T0 + DAY), true);
    assert.equal(isMember(p, defs, 'opened', T0 + DAY), false, 'a scanner open is not a person opening');
    assert.equal(isMember(p, defs, 'warm', T0 + DAY), false, 'no consent yet');
    p.consent = { marketing: { granted: true, at: T0, channel: 'banner', messageId: 'm' } } as typeof p.consent;
    assert.equal(isMember(p, defs, 'warm', T0 + DAY), true);
    p.lifecycle = { stage: 'MQL', since: T0, history: [] };
    assert.equal(isMember(p, defs, 'mql', T0), true);
  });

  test('trait comparisons: in, contains, numeric and date ranges, relative dates with their change time', () => {
    const defs = definitions([
      segment('role', { trait: { key: 'role', op: 'in', values: ['CTO', 'CIO'] } }),
      segment('mid', { trait: { key: 'employees', op: 'between', min: 50, max: 500 } }),
      segment('recent', { trait: { key: 'signed_up_at', op: 'within_last', value: '30d' } }),
      segment('early', { trait: { key: 'signed_up_at', op: 'before', value: '2024-06-01' } }),
      segment('domain', { trait: { key: 'email', op: 'contains', value: '@acme.' } }),
    ]);
    const p = profileWith([], defs, { role: 'cto', employees: '120', signed_up_at: new Date(T0).toISOString(), email: 'k@acme.com' });
    const result = evaluateProfile(p, defs, T0 + DAY);
    assert.deepEqual(Object.keys(p.segments!.member).sort(), ['domain', 'early', 'mid', 'recent', 'role']);
    assert.equal(result.dueAt, T0 + 30 * DAY + 1, 'the relative date condition changes when the sign-up leaves 30 days');
  });

  test('a member stays a member with its first since; deleted segments are dropped without an exit', () => {
    const defs = definitions([segment('a', { trait: { key: 'x', op: 'exists' } })]);
    const p = profileWith([], defs, { x: 1 });
    evaluateProfile(p, defs, T0);
    evaluateProfile(p, defs, T0 + DAY);
    assert.equal(p.segments!.member.a!.since, T0);
    const none = evaluateProfile(p, definitions([]), T0 + 2 * DAY);
    assert.deepEqual(none.changes, []);
    assert.deepEqual(p.segments!.member, {});
  });
});

describe('evaluation limited to what a batch touched', () => {
  const defs = definitions([
    segment('quiet', { not: { event: { name: 'Login', within: '7d' } } }),
    segment('cto', { trait: { key: 'role', op: 'equals', value: 'CTO' } }),
    segment('login', { event: { name: 'Login' } }),
  ]);
  const login = (at: number) => trackedEvent({ timestamp: at, receivedAt: at, name: 'Login' });

  test('a new profile enters segments an empty profile is in, without evaluating the untouched rest', () => {
    const p = profileWith([], defs, { role: 'CTO' });
    const result = evaluateProfile(p, defs, T0, { fresh: true, trackers: new Set(), traits: false, computed: false, consent: false });
    // role was not touched by this (pretend) batch: "cto" answers as for an empty profile.
    assert.deepEqual(result.changes.map((c) => c.segmentId), ['quiet']);
  });

  test('a known profile re-evaluates only segments reading what changed; a due profile everything', () => {
    const p = profileWith([], defs, { role: 'CTO' });
    p.segments = { member: {}, events: {} };
    p.segments.dueAt = evaluateProfile(p, defs, T0).dueAt; // as update-segments keeps it
    assert.deepEqual(Object.keys(p.segments.member).sort(), ['cto', 'quiet']);
    const key = [...defs.trackers.keys()][0]!;
    p.traits.role = 'CEO';
    const events = profileWith([login(T0 + 1000)], defs).segments!.events;
    p.segments!.events = events;
    const touchedLogin = evaluateProfile(p, defs, T0 + 1000, { trackers: new Set([key]), traits: false, computed: false, consent: false });
    assert.deepEqual(touchedLogin.changes.map((c) => `${c.kind}:${c.segmentId}`).sort(), ['entered:login', 'exited:quiet'], 'the role change was not in this batch');
    p.segments!.dueAt = T0;
    const due = evaluateProfile(p, defs, T0 + 2000, { trackers: new Set(), traits: false, computed: false, consent: false });
    assert.deepEqual(due.changes.map((c) => `${c.kind}:${c.segmentId}`), ['exited:cto']);
  });
});
