/**
 * A slot: a place where content varies (a hero banner, a call to action, a newsletter block, a
 * salutation line). The admin writes a `SlotDefinition`; the store keeps it as a `Slot`; decide
 * works on its compiled form (compile-slot.ts).
 *
 * - `variants`: the content. `body` is text or HTML as `format` says; both may use template
 *   placeholders (template.ts), whose values are escaped for the format. `categories` tag a
 *   variant for the score-sorted strategy (strategies/score-sorted.ts).
 * - `defaultVariantId`: shown when nothing else is admitted. It is never capped, and placeholders
 *   deeper than the visitor's allowed depth render their fallback, so it is always safe to show.
 * - `rules`: ordered, first admitted match wins (strategies/rules.ts). A rule's condition is a
 *   segment condition over the profile AND a context condition over the request; either may be
 *   absent (absent = holds). `depth` is declared by the author; the effective depth is the max of
 *   it and what the condition and the variant's templates reveal (creepiness-guard.ts).
 * - `strategy`: how the slot chooses; `{kind:"rules"}` by default. Other kinds come from the
 *   strategy registry (strategy.ts): `score-sorted` here, `recommendation` and experiments later.
 * - `depthCeiling`: the slot never goes deeper than this, whatever the workspace allows.
 * - `explain`: the tracker shows the "Why?" affordance on this slot (the explanation itself is
 *   always part of the decision).
 * - `timing`: caps, cool-down, "not within", quiet hours (timing.ts) for this slot's non-default
 *   content; `tags` are campaign tags whose workspace caps also apply.
 * - `goal`: what counts as a conversion in the slot's report (slot-report.ts): a track event a
 *   person performs within `within` (default 7 days) after viewing the slot.
 */
import type { Condition } from '../segments/condition.js';
import type { EpochMs } from '../time.js';
import type { ContextCondition } from './context-condition.js';
import type { Depth } from './depth.js';
import type { LocalizedText } from './locale.js';
import type { FrequencyCap, SequencePolicy, TimingPolicy } from './timing-policy.js';

export const SLOT_CHANNELS = ['web', 'email', 'any'] as const;
export type SlotChannel = (typeof SLOT_CHANNELS)[number];

export const BODY_FORMATS = ['text', 'html'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

/** Size bounds, enforced by validation (validate-slot.ts). */
export const SLOT_LIMITS = {
  variants: 50,
  rules: 100,
  bodyBytes: 64 * 1024,
  titleChars: 500,
  urlChars: 2000,
  payloadBytes: 16 * 1024,
  idChars: 64,
  nameChars: 200,
  tags: 10,
  categoriesPerVariant: 20,
  capsPerScope: 5,
  notWithin: 10,
  sequenceSteps: 10,
  explanationChars: 300,
} as const;

/** Ids of slots, variants and rules: letters, digits, `_` and `-`, starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface Variant {
  id: string;
  title?: string;
  body: string;
  /** `text`: plain text (escaped as text); `html`: trusted HTML written by the admin (placeholders are escaped). */
  format: BodyFormat;
  /** http(s) only, no control characters. */
  imageUrl?: string;
  linkUrl?: string;
  /** Any JSON for the site's own rendering (≤ 16 KB serialised); returned as is, never templated. */
  payload?: unknown;
  /** Interest categories (page categories) this variant speaks to, for score-sorted slots. */
  categories?: string[];
}

export interface SlotRule {
  id: string;
  name?: string;
  /** The variant shown when the rule fires; exactly one of `variantId` and `sequence`. */
  variantId?: string;
  /** Step the person through variants over visits (timing.ts). */
  sequence?: SequencePolicy;
  /** Over the profile (the segment condition language). Absent: holds (also without a profile). */
  condition?: Condition;
  /** Over the request context. Absent: holds. */
  context?: ContextCondition;
  /** The depth the author declares; the guard uses the max of this and the derived depth. */
  depth: Depth;
  /** Caps on this rule's variant in this slot, on top of the slot's and the tags'. */
  caps?: FrequencyCap[];
  /** Campaign tags (workspace tag caps apply), on top of the slot's tags. */
  tags?: string[];
  /** What the person reads under "Why?"; generated from the condition when absent. */
  explanation?: LocalizedText;
}

/** A strategy's configuration: `kind` names the registry entry; the rest is the strategy's own. */
export interface StrategyConfig {
  kind: string;
  [option: string]: unknown;
}

/** A slot's conversion goal for its report. */
export interface SlotGoal {
  /** A track event name, compared case-insensitively ("Demo Requested"). */
  event: string;
  /** A duration ("7d"), at most 90 days; default DEFAULT_GOAL_WINDOW. */
  within?: string;
}

export const DEFAULT_GOAL_WINDOW = '7d';

/** What an admin writes (POST/PUT /v1/slots). */
export interface SlotDefinition {
  id: string;
  name: string;
  description?: string;
  channel: SlotChannel;
  variants: Variant[];
  defaultVariantId: string;
  rules: SlotRule[];
  strategy: StrategyConfig;
  depthCeiling: Depth;
  explain: boolean;
  timing?: TimingPolicy;
  tags?: string[];
  goal?: SlotGoal;
  /**
   * A running flag experiment (its key) whose variations are this slot's variants (variation id = variant id):
   * a visitor in the experiment sees their arm's variant; outside it (targeting, coverage, namespace, not running)
   * the slot's rules decide (docs/decisions.md, "Slot experiments").
   */
  experiment?: string;
}

/** As the store keeps it. */
export interface Slot extends SlotDefinition {
  workspaceId: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}
