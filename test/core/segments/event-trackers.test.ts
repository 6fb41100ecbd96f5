import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBefore, countSince, emptyTracker, recordMatch } from '../../../src/core/segments/event-match.js';

/** Seeded so that a failure repeats. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

test('bounded trackers answer counts exactly up to what they keep, also for events arriving out of order', () => {
  const next = random(42);
  for (let run = 0; run < 200; run++) {
    const needs = { keepRecent: 1 + Math.floor(next() * 4), keepOldest: 1 + Math.floor(next() * 4) };
    const state = emptyTracker();
    const all: number[] = [];
    const events = Math.floor(next() * 30);
    for (let i = 0; i < events; i++) {
      const at = Math.floor(next() * 1000);
      all.push(at);
      recordMatch(state, at, needs);
    }
    assert.equal(state.n, all.length);
    assert.ok(state.recent.length <= needs.keepRecent && state.oldest.length <= needs.keepOldest, 'bounded');
    for (let probe = 0; probe < 10; probe++) {
      const cut = Math.floor(next() * 1000);
      const since = all.filter((t) => t >= cut).length;
      const before = all.filter((t) => t < cut).length;
      if (since <= needs.keepRecent) assert.equal(countSince(state, cut), since, `since ${cut} in ${JSON.stringify({ all, state, needs })}`);
      else assert.ok(countSince(state, cut) >= needs.keepRecent, 'enough to answer "at least keepRecent"');
      if (before <= needs.keepOldest) assert.equal(countBefore(state, cut), before, `before ${cut} in ${JSON.stringify({ all, state, needs })}`);
      else assert.ok(countBefore(state, cut) >= needs.keepOldest);
    }
  }
});
