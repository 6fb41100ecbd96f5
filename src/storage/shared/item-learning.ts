/**
 * What both stores do with ChangeSet.itemLearning inside ingest's write transaction: each person's
 * history (read for update by the adapter) is advanced by their interactions with the core's
 * learnFrom and by the views and clicks of recommended lists (rotation.ts), in time order; the
 * increments of the whole batch are summed per row, so that each pair, each item statistic and
 * each list report row is written once per batch (core/recommendations/co-occurrence.ts).
 */
import { emptyLearned, learnFrom, mergeHistories, type Interaction, type ItemHistory, type Learned } from '../../core/recommendations/co-occurrence.js';
import type { RecommendationFeedback } from '../../core/recommendations/feedback.js';
import { recordClicked, recordShown } from '../../core/recommendations/rotation.js';
import type { ChangeSet } from '../../ports/store.js';
import { dayOf, type ListStatDelta } from '../../ports/recommendation-store.js';

/** The cap used when merging histories outside a learning batch: the largest a setting allows. */
export const MERGE_CAP = 500;

export function profilesLearning(c: ChangeSet): string[] {
  return [...new Set([...(c.itemLearning?.interactions ?? []), ...(c.itemLearning?.feedback ?? [])].map((i) => i.profileId))];
}

/** A rebuild's page, left with the people still live in its write transaction (erased since its events were read: out). */
export function replayLearning(c: ChangeSet, live: ReadonlySet<string>): ChangeSet {
  const learning = c.itemLearning!;
  return { ...c, itemLearning: { ...learning, interactions: learning.interactions.filter((i) => live.has(i.profileId)), ...(learning.feedback ? { feedback: learning.feedback.filter((f) => live.has(f.profileId)) } : {}) } };
}

/** Ingest's batch as it goes into a running rebuild's shadow tables (the serving index is told of the live pass only). */
export function shadowPass(c: ChangeSet): ChangeSet {
  const { learned: _learned, ...learning } = c.itemLearning!;
  return { ...c, itemLearning: learning };
}

type Step = { interaction: Interaction } | { feedback: RecommendationFeedback };
const atOf = (s: Step) => ('interaction' in s ? s.interaction.at : s.feedback.at);

export function learnBatch(c: ChangeSet, held: ReadonlyMap<string, ItemHistory>): { histories: Array<{ profileId: string; history: ItemHistory; at: number }>; learned: Learned; lists: ListStatDelta[] } {
  const learned = emptyLearned();
  const histories: Array<{ profileId: string; history: ItemHistory; at: number }> = [];
  const learning = c.itemLearning;
  if (!learning) return { histories, learned, lists: [] };
  const byProfile = new Map<string, Step[]>();
  const add = (profileId: string, step: Step) => {
    const list = byProfile.get(profileId);
    if (list) list.push(step);
    else byProfile.set(profileId, [step]);
  };
  for (const i of learning.interactions) add(i.profileId, { interaction: i });
  for (const f of learning.feedback ?? []) add(f.profileId, { feedback: f });
  const replay = learning.replay === true;
  for (const [profileId, steps] of byProfile) {
    // Stable sort: events of one moment keep their batch order (interactions before feedback).
    const sorted = [...steps].sort((a, b) => atOf(a) - atOf(b));
    // A rebuild's page learns the person from empty (their held history is what ingest learned since the rebuild began).
    let history: ItemHistory | null = replay ? null : held.get(profileId) ?? null;
    let run: Interaction[] = [];
    const flush = () => { if (run.length > 0) { history = learnFrom(history, run, learning.params, learned); run = []; } };
    for (const step of sorted) {
      if ('interaction' in step) { run.push(step.interaction); continue; }
      flush();
      const f = step.feedback;
      const base: ItemHistory = history ?? { items: [] };
      history = f.action === 'viewed' ? recordShown(base, f.items.map((i) => i.itemId), f.at, learning.params) : recordClicked(base, f.items[0]!.itemId);
    }
    flush();
    const since = replay ? held.get(profileId) : undefined;
    const rebuilt: ItemHistory = history ?? { items: [] };
    histories.push({ profileId, history: since ? mergeHistories(rebuilt, since, MERGE_CAP) : rebuilt, at: atOf(sorted[sorted.length - 1]!) });
  }
  if (learning.learned) {
    for (const p of learned.pairs.values()) { learning.learned.add(p.itemId); learning.learned.add(p.otherId); }
    for (const st of learned.stats.values()) learning.learned.add(st.itemId);
  }
  return { histories, learned, lists: replay ? [] : listDeltas(learning.feedback ?? []) };
}

/** The batch's views and clicks summed per list, strategy, source and day (no person in them). */
export function listDeltas(feedback: readonly RecommendationFeedback[]): ListStatDelta[] {
  const out = new Map<string, ListStatDelta>();
  for (const f of feedback) {
    const day = dayOf(f.at);
    const key = [f.listId, f.strategy, f.source, day].join('\u0000');
    const d = out.get(key) ?? { listId: f.listId, strategy: f.strategy, source: f.source, day, views: 0, impressions: 0, clicks: 0, clickPositions: 0, clickPositionSum: 0 };
    if (f.action === 'viewed') { d.views++; d.impressions += f.items.length; }
    else {
      d.clicks++;
      const position = f.items[0]!.position;
      if (position !== undefined) { d.clickPositions++; d.clickPositionSum += position; }
    }
    out.set(key, d);
  }
  return [...out.values()].sort((a, b) => (a.listId < b.listId ? -1 : a.listId > b.listId ? 1 : a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : a.day - b.day));
}

export { mergeHistories };
