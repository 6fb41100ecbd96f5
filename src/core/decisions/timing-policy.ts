/**
 * The timing vocabulary shared by slots, rules and workspace settings (timing.ts applies it).
 * One policy for site and messages: webhooks that trigger emails count as messages.
 *
 * - Frequency caps: at most `max` exposures in any rolling `window` ("1d", "7d"); several caps on
 *   one scope all apply (3 per day AND 10 per week). Scopes: a slot, a rule's variant in its slot,
 *   a campaign tag, and all slots and message webhooks together (global; message-timing.ts).
 * - `notWithin`: nothing from this slot within `window` after the person's last `event`
 *   ("no sign-up prompt within 10 minutes of a Form Submitted").
 * - `dismissCooldown`: nothing from this slot within this window after `Slot Dismissed` for it.
 * - `quietHours`: for messages (the email channel) only: no personalised message between `from`
 *   and `to` (local wall-clock "HH:MM", may wrap midnight) in the person's time zone.
 * - Sequences: a rule steps the person through variants over visits: step k (k ≥ 2) only after step
 *   k−1 was seen at least once, `advanceAfter` has passed since it was first seen, and the person
 *   did not convert (`conversion` event) within `within` after it. Once converted, the sequence
 *   stops (the rule no longer applies); after the last step, the last step stays.
 */

export interface FrequencyCap {
  /** 1–100 exposures. */
  max: number;
  /** A duration ("1d"), at most MAX_CAP_WINDOW. */
  window: string;
}

export interface NotWithin {
  /** A track event name, compared case-insensitively. */
  event: string;
  window: string;
}

export interface QuietHours {
  /** "HH:MM", 24-hour, local time. */
  from: string;
  to: string;
}

export interface TimingPolicy {
  caps?: FrequencyCap[];
  notWithin?: NotWithin[];
  dismissCooldown?: string;
  /** Overrides the workspace's quiet hours for this slot; null: none for this slot. */
  quietHours?: QuietHours | null;
}

export interface SequencePolicy {
  /** Variant ids, in order (2–10). */
  steps: string[];
  /** The event that ends the sequence ("Demo Requested"). */
  conversion: string;
  /** A conversion within this window after a step counts ("14d"). */
  within: string;
  /** The least time between first seeing a step and the next step ("1d"); default: none. */
  advanceAfter?: string;
}

/** The event the tracker sends when a person closes a slot. */
export const DISMISS_EVENT = 'Slot Dismissed';
/** The event the tracker sends when a slot was seen (≥ 50% visible for 1 s). */
export const VIEW_EVENT = 'Slot Viewed';
export const CLICK_EVENT = 'Slot Clicked';
/** The longest cap window; exposure history older than this is never needed. */
export const MAX_CAP_WINDOW_MS = 90 * 86_400_000;
export const MAX_CAP = 100;
