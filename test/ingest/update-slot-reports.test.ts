/** The slot-report step's translation of events into counter updates (update-slot-reports.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportSpecOf } from '../../src/core/decisions/slot-report.js';
import type { TrackedEvent } from '../../src/core/events/event.js';
import { reportUpdatesOf } from '../../src/ingest/steps/update-slot-reports.js';

const T = Date.UTC(2026, 0, 5, 23, 30);
const spec = reportSpecOf([{ id: 'hero', goal: { event: 'Demo Requested', within: '2d' } }, { id: 'cta', goal: { event: 'demo requested' } }], 'Europe/Berlin')!;
const track = (name: string, properties: Record<string, unknown> = {}) => ({ type: 'track', name, properties, timestamp: T } as unknown as TrackedEvent);

test('a click with slot and variant counts on the local day, with the rule and depth it states when well-formed', () => {
  assert.deepEqual(reportUpdatesOf(track('Slot Clicked', { slot: 'hero', variant: 'a', ruleId: 'r1', depth: 'segment' }), 'p', spec), [
    { kind: 'click', profileId: 'p', slotId: 'hero', at: T, report: { day: '2026-01-06', ruleId: 'r1', depth: 'segment', variantId: 'a' } },
  ]);
  assert.deepEqual(reportUpdatesOf(track('Email Link Clicked', { slot: 'hero', variant: 'a', ruleId: 'bad id!', depth: 'deep' }), 'p', spec), [
    { kind: 'click', profileId: 'p', slotId: 'hero', at: T, report: { day: '2026-01-06', variantId: 'a' } },
  ]);
});

test('clicks without a valid slot and variant, and other events, count nothing', () => {
  assert.deepEqual(reportUpdatesOf(track('Slot Clicked', { slot: 'hero' }), 'p', spec), []);
  assert.deepEqual(reportUpdatesOf(track('Email Link Clicked', { link_url: 'https://x.test' }), 'p', spec), []);
  assert.deepEqual(reportUpdatesOf(track('Page Read'), 'p', spec), []);
});

test('a goal event (any case) adds a goal update for each slot whose goal it is, with its window', () => {
  assert.deepEqual(reportUpdatesOf(track('DEMO REQUESTED'), 'p', spec), [
    { kind: 'goal', profileId: 'p', slotId: 'hero', at: T, withinMs: 2 * 86_400_000, report: { day: '2026-01-06' } },
    { kind: 'goal', profileId: 'p', slotId: 'cta', at: T, withinMs: 7 * 86_400_000, report: { day: '2026-01-06' } },
  ]);
});
