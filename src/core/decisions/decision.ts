/**
 * What decide (decide.ts) answers per slot. The decide API returns `variant`, `decisionId` (made
 * by the caller), `explanation` and `showWhy` to the public; `trace`, `allowedDepth` and
 * `limitedBy` are for the admin preview only and must not be sent with the public write key.
 */
import type { DataKind } from './data-kinds.js';
import type { Depth } from './depth.js';
import type { DepthLimit } from './creepiness-guard.js';
import type { Locale } from './locale.js';
import type { Variant } from './slot.js';
import type { DecisionReason } from './decision-id.js';

/** A variant as shown: its `title` and `body` with templates applied (placeholder values escaped for `format`). */
export type RenderedVariant = Omit<Variant, 'categories'>;

export interface Explanation {
  locale: Locale;
  /** One short sentence ("Because you read 3 articles about smart factories."). */
  text: string;
  dataKinds: DataKind[];
  /** The kinds in words, in `locale`. */
  dataKindLabels: string[];
}

/**
 * One step of the trace. Outcomes:
 * `chosen`; `no-match` (the conditions did not hold); `no-profile` (a profile condition, no
 * profile); `too-deep` (the guard: depth above the allowed one); `segment-too-small`; `capped`
 * (a frequency cap; `detail` names the scope and window); `not-within`; `cool-down`;
 * `quiet-hours`; `converted` / `sequence-waiting` (sequences); `variant-missing`; `holdout` (the person is in
 * the global holdout: no personalization at all). An experiment's arm is `chosen` with source `experiment:<key>`.
 */
export type TraceOutcome =
  | 'chosen' | 'no-match' | 'no-profile' | 'too-deep' | 'segment-too-small' | 'capped'
  | 'not-within' | 'cool-down' | 'quiet-hours' | 'converted' | 'sequence-waiting' | 'variant-missing'
  | 'holdout';

export interface TraceEntry {
  /** A rule id, a strategy kind, or `default`. */
  source: string;
  outcome: TraceOutcome;
  variantId?: string;
  detail?: string;
  /** With `trace: 'full'` (the preview): the clauses that decided a profile condition. */
  reasons?: string[];
}

export interface Decision {
  slotId: string;
  variant: RenderedVariant;
  /** The rule that fired, the strategy kind, or `default`. */
  ruleId: string;
  depth: Depth;
  allowedDepth: Depth;
  /** What limited the allowed depth below the workspace ceiling (preview / reports). */
  limitedBy: DepthLimit[];
  /** Campaign tags of the shown content: the tracker echoes them in `Slot Viewed` for tag caps. */
  tags: string[];
  explanation: Explanation;
  /** What the explanation was built from, compact and serialisable: the decision id keeps it, so /why can explain in any language. */
  reason: DecisionReason;
  /** Whether the tracker offers the "Why?" affordance on this slot. */
  showWhy: boolean;
  /** Set when the visitor's arm of the slot's experiment chose the variant (variation id = variant id). */
  experiment?: { key: string; variation: string };
  /** The person is in the global holdout: the default, depth `none`. */
  holdout?: true;
  trace: TraceEntry[];
}
