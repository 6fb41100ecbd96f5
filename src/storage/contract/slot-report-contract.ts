/**
 * Contract: slot reports (ports/slot-report-store.ts), counted by the real ingest pipeline in the
 * batch's write transaction, read back per slot and range; no person ids, untouched by erasure.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { reportSpecOf, type ReportRow, type ReportSpec } from '../../core/decisions/slot-report.js';
import { createIdentityGuard } from '../../core/identity/identity-key.js';
import { createProcessBatch } from '../../ingest/process-batch.js';
import type { Store } from '../../ports/store.js';
import { T0, events, newWorkspace, privacyContexts, profileOf, type StoreSubject } from './contract-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ingest as the server runs it with slots: `hero` (goal "Demo Requested" within 2 days) and `cta` (no goal), days in `zone`. */
async function sendReported(store: Store, workspaceId: string, inputs: Parameters<typeof events>[1], zone = 'UTC') {
  const spec: ReportSpec = reportSpecOf([{ id: 'hero', goal: { event: 'Demo Requested', within: '2d' } }, { id: 'cta' }], zone)!;
  const processBatch = createProcessBatch({
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`,
    slots: { watchedEvents: async () => new Set<string>(), reportSpec: async () => spec },
  });
  const privacy = await privacyContexts(store).get(workspaceId);
  return store.write((tx) => processBatch(tx, workspaceId, events(workspaceId, inputs), privacy));
}

const viewed = (who: Record<string, string>, at: number, variant: string, ruleId: string, depth = 'segment', slot = 'hero') =>
  ({ type: 'track', ...who, event: 'Slot Viewed', properties: { slot, variant, ruleId, depth, decisionId: `dcs_${randomUUID()}` }, at });
const goal = (who: Record<string, string>, at: number) => ({ type: 'track', ...who, event: 'demo requested', at });

/** The rows as `variant/rule/depth@day:impressions,clicks,dismissals,conversions`, for exact comparison. */
const brief = (rows: readonly ReportRow[]) => rows.map((r) => `${r.variantId}/${r.ruleId}/${r.depth}@${r.day}:${r.impressions},${r.clicks},${r.dismissals},${r.conversions}`);
const ALL = { from: '2023-01-01', to: '2025-12-31' };

export function slotReportContract(subject: () => StoreSubject): void {
  test('impressions, clicks and dismissals per variant, rule, depth and day; a click or dismissal without its rule takes the viewed one', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const a = { anonymousId: 'sr-a' }, b = { anonymousId: 'sr-b' };
    await sendReported(store, ws, [
      viewed(a, T0 + HOUR, 'topic', 'readers'),
      viewed(b, T0 + 2 * HOUR, 'topic', 'readers'),
      viewed(b, T0 + 3 * HOUR, 'plain', 'default', 'none'),
      { type: 'track', ...a, event: 'Slot Clicked', properties: { slot: 'hero', variant: 'topic', ruleId: 'readers', url: 'https://x.test/' }, at: T0 + HOUR + 5 },
      { type: 'track', ...b, event: 'Slot Clicked', properties: { slot: 'hero', variant: 'plain' }, at: T0 + 3 * HOUR + 5 },
      { type: 'track', ...b, event: 'Slot Dismissed', properties: { slot: 'hero', variant: 'topic' }, at: T0 + 3 * HOUR + 6 },
      viewed(a, T0 + DAY + HOUR, 'topic', 'readers'),
      viewed(a, T0 + DAY + 2 * HOUR, 'x', 'r9', 'individual', 'cta'),
      { type: 'track', ...a, event: 'Slot Viewed', properties: { slot: 'hero', variant: 'bad id!' }, at: T0 + DAY },
    ]);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', ALL)), [
      'plain/default/none@2024-01-01:1,1,0,0',
      'topic/readers/segment@2024-01-01:2,1,0,0',
      // b's latest view showed `plain`: a dismissal of `topic` cannot take its rule from it.
      'topic/unknown/unknown@2024-01-01:0,0,1,0',
      'topic/readers/segment@2024-01-02:1,0,0,0',
    ]);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'cta', ALL)), ['x/r9/individual@2024-01-02:1,0,0,0']);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', { from: '2024-01-02', to: '2024-01-02' })), ['topic/readers/segment@2024-01-02:1,0,0,0'], 'the range is inclusive and filters by day');
    assert.deepEqual(await store.slotReports.rows(ws, 'nothing', ALL), []);
    assert.deepEqual(await store.slotReports.rows(await newWorkspace(store), 'hero', ALL), [], 'rows belong to their workspace');
  });

  test('days are local days in the workspace\'s time zone', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    // 23:30 UTC on 1 January is 00:30 on 2 January in Berlin.
    await sendReported(store, ws, [viewed({ anonymousId: 'sr-tz' }, T0 + 23.5 * HOUR, 'topic', 'readers')], 'Europe/Berlin');
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', ALL)), ['topic/readers/segment@2024-01-02:1,0,0,0']);
  });

  test('conversions: a goal within the window converts the latest view before it, once; credited on the goal\'s day', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const a = { anonymousId: 'sc-a' }, b = { anonymousId: 'sc-b' }, c = { anonymousId: 'sc-c' }, d = { anonymousId: 'sc-d' };
    // One batch, in order: a sees `topic`, converts, then sees `plain`: the goal belongs to `topic`.
    await sendReported(store, ws, [
      viewed(a, T0 + HOUR, 'topic', 'readers'),
      goal(a, T0 + 2 * HOUR),
      viewed(a, T0 + 3 * HOUR, 'plain', 'default', 'none'),
      goal(b, T0 + HOUR), // no view before: nothing
      viewed(c, T0 + HOUR, 'plain', 'default', 'none'),
    ]);
    await sendReported(store, ws, [
      goal(a, T0 + 4 * HOUR), // converts a's `plain` view
      goal(a, T0 + 5 * HOUR), // a's latest view converted already
      goal(c, T0 + 2 * DAY + 2 * HOUR), // 2 days and 1 hour after c's view: outside the window
      viewed(d, T0 + DAY, 'topic', 'readers'),
      goal(d, T0 + 3 * DAY), // exactly the window after the view: inside
      { type: 'track', ...d, event: 'Something Else', at: T0 + 3 * DAY },
    ]);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', ALL)), [
      'plain/default/none@2024-01-01:2,0,0,1',
      'topic/readers/segment@2024-01-01:1,0,0,1',
      'topic/readers/segment@2024-01-02:1,0,0,0',
      'topic/readers/segment@2024-01-04:0,0,0,1',
    ]);
    assert.deepEqual(await store.slotReports.rows(ws, 'cta', ALL), [], 'a slot without a goal counts no conversions');
  });

  test('conversions follow the person through a merge: a view on the phone, the goal after logging in on the laptop', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendReported(store, ws, [{ type: 'identify', anonymousId: 'sm-laptop', userId: 'sm-user', at: T0 }]);
    await sendReported(store, ws, [viewed({ anonymousId: 'sm-phone' }, T0 + HOUR, 'topic', 'readers')]);
    await sendReported(store, ws, [
      { type: 'identify', anonymousId: 'sm-phone', userId: 'sm-user', at: T0 + 2 * HOUR },
      goal({ userId: 'sm-user' }, T0 + 3 * HOUR),
    ]);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', ALL)), ['topic/readers/segment@2024-01-01:1,0,0,1']);
    const counters = await store.decisions.getCounters(ws, await profileOf(store, ws, 'sm-user'));
    assert.equal(counters?.lastViews?.hero?.convertedAt, T0 + 3 * HOUR, 'the person\'s record says the view converted');
  });

  test('a goal or click by a person with no views writes no counters record', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendReported(store, ws, [
      goal({ userId: 'sn-user' }, T0),
      { type: 'track', userId: 'sn-user', event: 'Slot Clicked', properties: { slot: 'hero', variant: 'topic' }, at: T0 },
    ]);
    assert.equal(await store.decisions.getCounters(ws, await profileOf(store, ws, 'sn-user')), null);
    assert.deepEqual(brief(await store.slotReports.rows(ws, 'hero', ALL)), ['topic/unknown/unknown@2024-01-01:0,1,0,0']);
  });

  test('erasure leaves the reports as they are: they hold counts, no person ids', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await sendReported(store, ws, [
      viewed({ userId: 'se-user' }, T0 + HOUR, 'topic', 'readers'),
      goal({ userId: 'se-user' }, T0 + 2 * HOUR),
    ]);
    const person = await profileOf(store, ws, 'se-user');
    const before = await store.slotReports.rows(ws, 'hero', ALL);
    assert.deepEqual(brief(before), ['topic/readers/segment@2024-01-01:1,0,0,1']);
    assert.ok(!JSON.stringify(before).includes(person) && !JSON.stringify(before).includes('se-user'), 'no person id in a row');
    await store.privacy.erase(ws, person, { tombstone: null, at: T0 + 10 * HOUR });
    assert.equal(await store.decisions.getCounters(ws, person), null, 'the person\'s views go with them');
    assert.deepEqual(await store.slotReports.rows(ws, 'hero', ALL), before);
  });
}
