/**
 * A workspace's decision settings (the store keeps them with the workspace; the HTTP layer
 * validates them with `validateDecisionSettings` in validate-settings.ts).
 */
import type { Depth } from './depth.js';
import type { Locale } from './locale.js';
import type { FrequencyCap, QuietHours } from './timing-policy.js';

export const SALUTATION_STYLES = ['formal', 'informal'] as const;
export type SalutationStyle = (typeof SALUTATION_STYLES)[number];

export interface DecisionSettings {
  /** No slot of the workspace goes deeper than this. */
  depthCeiling: Depth;
  /** How `{{salutation}}` addresses people. */
  salutation: SalutationStyle;
  /** Rules naming a smaller segment are usable only at `individual` depth with consent. */
  minSegmentSize: number;
  /** IANA time zone for quiet hours when the request carries none. */
  timezone: string;
  /** Explanations in this language when the request's locale is not one we speak. */
  defaultLocale: Locale;
  /** Caps on all slots and message webhooks together (core/decisions/message-timing.ts). */
  globalCaps: FrequencyCap[];
  /** Caps per campaign tag (lower-case tag → caps). */
  tagCaps: Record<string, FrequencyCap[]>;
  /** Quiet hours for messages; null: none. */
  quietHours: QuietHours | null;
  /**
   * The site's page where a person sees, corrects or deletes their data (or the privacy notice
   * naming the contact), linked from the "Why am I seeing this?" page; null: the page asks the
   * person to contact the site's operator.
   */
  privacyUrl: string | null;
}

export const DEFAULT_DECISION_SETTINGS: DecisionSettings = {
  depthCeiling: 'individual',
  salutation: 'formal',
  minSegmentSize: 20,
  timezone: 'UTC',
  defaultLocale: 'en',
  globalCaps: [],
  tagCaps: {},
  quietHours: { from: '21:00', to: '08:00' },
  privacyUrl: null,
};
