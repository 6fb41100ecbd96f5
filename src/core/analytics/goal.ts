/**
 * Goals (issue 18 §1): a page or a custom event (with property conditions), written in the funnel
 * step syntax (analytics/funnel-query.ts). Ingest's rollup step counts a visit's conversion of a
 * goal once, in the hour the visit began, under every row the visit counts under (its cells), in
 * rows of their own dimension `g:<key>:<dimension>` — so a breakdown by channel reads the
 * conversions per channel as it reads the visits per channel, and the visitors who converted from
 * the same sketches as every other visitor count.
 *
 * A goal's `key` changes when its step changes (and on every new goal, even one reusing an id), so
 * rows counted under an older definition are never read as the new one's. Events before the goal's
 * `since` (its creation or last step change) never convert: there is no backfill.
 */
import type { Cell } from './dimensions.js';
import type { Hit, HitMatch } from './hit-key.js';

/** A property condition: the event's top-level property, as JSON text, is one of `json`. */
export interface GoalProperty { key: string; json: readonly string[] }

export interface GoalRule {
  /** The rows' key (see above). */
  key: string;
  /** Epoch ms: events before it do not convert. */
  since: number;
  match: HitMatch;
  properties: readonly GoalProperty[];
}

export const GOAL_DIM_PREFIX = 'g:';

/** The rollup dimension of a goal's conversions by `dim` (`all` for the totals). */
export const goalDimension = (key: string, dim: string): `g:${string}` => `${GOAL_DIM_PREFIX}${key}:${dim}`;

/** Whether a rollup dimension holds a goal's totals (kept per slice, as `all`; rollup.ts `see`). */
export const isGoalTotal = (dim: string): boolean => dim.startsWith(GOAL_DIM_PREFIX) && dim.endsWith(':all');

/** The cells of a goal's conversion: one per cell the visit counts under. */
export function goalCells(key: string, visitCells: readonly Cell[]): Cell[] {
  return visitCells.map(([dim, value]) => [goalDimension(key, dim) as `g:${string}`, value] as const);
}

/** The keys of the goals a hit converts (its event's properties for event goals). */
export function goalsOfHit(rules: readonly GoalRule[], hit: Hit, properties: Readonly<Record<string, unknown>> | undefined): string[] {
  const keys: string[] = [];
  for (const rule of rules) if (hit.at >= rule.since && matches(rule, hit, properties)) keys.push(rule.key);
  return keys;
}

function matches(rule: GoalRule, hit: Hit, properties: Readonly<Record<string, unknown>> | undefined): boolean {
  const m = rule.match;
  if (m.kind === 'page') {
    if (hit.kind !== 'page' || hit.path === null) return false;
    return m.prefix ? hit.path.startsWith(m.path) : hit.path === m.path;
  }
  if (hit.kind !== 'event' || hit.name !== m.name) return false;
  for (const p of rule.properties) {
    const value = properties?.[p.key];
    if (value === undefined || !p.json.includes(JSON.stringify(value))) return false;
  }
  return true;
}
