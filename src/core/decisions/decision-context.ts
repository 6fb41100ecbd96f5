/**
 * What a decide request knows about the visit, besides the profile. Every field is optional except
 * `recognised` and `locale`: an embed may send nothing but the page. The HTTP layer parses and
 * bounds these values (strings ≤ 2,000 characters, control characters refused) before they get here;
 * the core trusts the shape, never the content (templates escape, explanations never echo it).
 *
 * `recognised` says how the caller proved who the visitor is, on this device:
 * - `none`: no profile (first visit, or no id sent);
 * - `cookie`: the tracker's anonymous id only — anyone with the device sees what it gets;
 * - `signed`: a valid signed recognition token (an email link) on this device;
 * - `login`: the site vouches for a logged-in user (server key with the `decide` scope).
 */

export const RECOGNITION_LEVELS = ['none', 'cookie', 'signed', 'login'] as const;
export type Recognition = (typeof RECOGNITION_LEVELS)[number];

export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

export interface DecisionContext {
  url?: string;
  path?: string;
  /** The page category as the site names it (the tracker's `category`, else the first path segment). */
  category?: string;
  referrer?: string;
  utm?: Utm;
  deviceClass?: DeviceClass;
  /** 0–23 in the visitor's time zone; derive it with `localTimeOf` when only `timezone` is known. */
  localHour?: number;
  /** 0 = Sunday … 6 = Saturday, in the visitor's time zone. */
  weekday?: number;
  /** ISO 3166-1 alpha-2, when known (never guessed from the IP here). */
  country?: string;
  /** IANA time zone (`Europe/Berlin`); quiet hours fall back to the workspace's. */
  timezone?: string;
  /** The item the page is about (a product page's id; issue 15): also-bought/also-viewed slots start from it. */
  itemId?: string;
  recognised: Recognition;
  /** BCP 47 tag (`de-DE`); explanations and salutations use its language (see locale.ts). */
  locale: string;
}
