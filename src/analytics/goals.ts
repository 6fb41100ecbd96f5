/**
 * Analytics goals per workspace (issue 18 §1), kept as one document of the config store (`goals`):
 * id, name, and a step in the funnel step syntax (funnel-query.ts `parseStep`). Ingest counts each
 * visit's first conversion of a goal in the rollups (core/analytics/goal.ts, read through `rules`,
 * cached a few seconds so that a change on another server arrives soon; a change here is seen at once).
 *
 * A goal counts from `countingSince`: its creation, or the last change of its step (which also
 * gives it a new rollup key, so that older counts are never read as the new definition's). There
 * is no backfill: events stored before then never count.
 */
import { LRUCache } from 'lru-cache';
import { TesseraError, type FieldIssue } from '../core/errors.js';
import type { GoalRule } from '../core/analytics/goal.js';
import type { Store } from '../ports/store.js';
import { parseStep } from './funnel-query.js';

export const MAX_GOALS = 20;
export const MAX_GOAL_NAME = 100;
export const GOAL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const TTL_MS = 5_000;
const MAX_ATTEMPTS = 20;

export interface Goal {
  id: string;
  name: string;
  step: string;
  /** Epoch ms: conversions are counted from then on. */
  countingSince: number;
  /** The rollup key of the current definition (core/analytics/goal.ts). */
  key: string;
}

export interface GoalRulesSource {
  rules(workspaceId: string): Promise<readonly GoalRule[]>;
}

export interface GoalService extends GoalRulesSource {
  list(workspaceId: string): Promise<Goal[]>;
  /** The goal, or 404 naming it. */
  get(workspaceId: string, id: string): Promise<Goal>;
  /** Creates or replaces; 400 naming every failing field. `created` tells which. */
  put(workspaceId: string, id: string, body: unknown): Promise<{ goal: Goal; created: boolean }>;
  /** 404 when there is none. */
  delete(workspaceId: string, id: string): Promise<void>;
}

export function createGoalService(deps: { store: Pick<Store, 'configs'>; now: () => number }): GoalService {
  const cache = new LRUCache<string, { value: Promise<readonly GoalRule[]> }>({ max: 10_000, ttl: TTL_MS });
  const goalsOf = (saved: unknown): Goal[] => {
    const goals = (saved as { goals?: Goal[] } | null | undefined)?.goals;
    return Array.isArray(goals) ? goals : [];
  };
  const read = async (workspaceId: string): Promise<Goal[]> => goalsOf(await deps.store.configs.get(workspaceId, 'goals'));
  /**
   * Read, change, write back only if no one wrote in between (else again, from what they wrote): all goals are one
   * document, and two requests changing two goals at once must not lose either change.
   */
  const change = async <T>(workspaceId: string, edit: (goals: Goal[]) => { goals: Goal[]; result: T }): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const saved = await deps.store.configs.get(workspaceId, 'goals');
      const { goals, result } = edit(goalsOf(saved).map((g) => ({ ...g })));
      if (await deps.store.configs.replaceIf(workspaceId, 'goals', saved, { goals }, deps.now())) {
        cache.delete(workspaceId);
        return result;
      }
      if (attempt >= MAX_ATTEMPTS) throw new TesseraError('conflict', { message: 'The goals were changed by others many times at once; nothing was changed. Try again.' });
    }
  };
  const notFound = (id: string) => new TesseraError('not_found', { message: `This workspace has no goal "${id}".` });
  return {
    list: read,
    async get(workspaceId, id) {
      const goal = (await read(workspaceId)).find((g) => g.id === id);
      if (!goal) throw notFound(id);
      return goal;
    },
    async put(workspaceId, id, body) {
      const issues: FieldIssue[] = [];
      if (!GOAL_ID.test(id)) issues.push({ field: 'id', reason: 'must be 1 to 64 letters, digits, _ or -, beginning with a letter or digit' });
      const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) issues.push({ field: 'body', reason: 'must be an object { name, step }' });
      for (const key of Object.keys(b)) if (key !== 'name' && key !== 'step' && key !== 'id') issues.push({ field: key, reason: 'is not a goal field (name, step)' });
      if (b.id !== undefined && b.id !== id) issues.push({ field: 'id', reason: 'must be the id of the path when given' });
      const name = b.name;
      if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_GOAL_NAME) issues.push({ field: 'name', reason: `must be a text of 1 to ${MAX_GOAL_NAME} characters` });
      const step = parseStep(b.step, 'step', issues);
      const invalid = (more: FieldIssue[]) => new TesseraError('invalid_body', { message: 'The goal is invalid; nothing was changed.', issues: [...issues, ...more] });
      if (issues.length > 0 || step === null) {
        const goals = await read(workspaceId);
        const full = !goals.some((g) => g.id === id) && goals.length >= MAX_GOALS;
        throw invalid(full ? [{ field: 'id', reason: `a workspace has at most ${MAX_GOALS} goals; delete one first` }] : []);
      }
      return change(workspaceId, (goals) => {
        const index = goals.findIndex((g) => g.id === id);
        if (index < 0 && goals.length >= MAX_GOALS) throw invalid([{ field: 'id', reason: `a workspace has at most ${MAX_GOALS} goals; delete one first` }]);
        const before = index >= 0 ? goals[index]! : null;
        const now = deps.now();
        const sameStep = before !== null && before.step === step.label;
        const goal: Goal = {
          id, name: (name as string).trim(), step: step.label,
          countingSince: sameStep ? before.countingSince : now,
          key: sameStep ? before.key : `${id}.${now.toString(36)}`,
        };
        if (index >= 0) goals[index] = goal; else goals.push(goal);
        return { goals, result: { goal, created: index < 0 } };
      });
    },
    async delete(workspaceId, id) {
      await change(workspaceId, (goals) => {
        const kept = goals.filter((g) => g.id !== id);
        if (kept.length === goals.length) throw notFound(id);
        return { goals: kept, result: undefined };
      });
    },
    rules(workspaceId) {
      let hit = cache.get(workspaceId);
      if (!hit) {
        hit = { value: read(workspaceId).then(compileRules) };
        hit.value.catch(() => cache.delete(workspaceId));
        cache.set(workspaceId, hit);
      }
      return hit.value;
    },
  };
}

/** The rules ingest matches; a saved step that no longer parses (it never should) is skipped. */
function compileRules(goals: readonly Goal[]): GoalRule[] {
  const rules: GoalRule[] = [];
  for (const g of goals) {
    const step = parseStep(g.step, 'step', []);
    if (step) rules.push({ key: g.key, since: g.countingSince, match: step.match, properties: step.properties });
  }
  return rules;
}
