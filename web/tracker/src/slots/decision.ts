/**
 * What POST /v1/decide answers for one slot (docs/decisions.md, "The decide API"), as far as the
 * slot module reads it, and the request context the module sends.
 */
export interface Variant {
  id: string;
  title?: string;
  body: string;
  format: 'text' | 'html';
  imageUrl?: string;
  linkUrl?: string;
  payload?: unknown;
}

export interface SlotDecision {
  decisionId: string;
  slot: string;
  variant: Variant;
  rule: string;
  depth: string;
  tags: string[];
  explanation: { locale: string; text: string; dataKindLabels: string[] };
  showWhy: boolean;
  whyUrl?: string;
}

export interface DecideAnswer {
  decisions: Record<string, SlotDecision>;
  missing?: string[];
}

/**
 * The item a recommendation slot shows (the chosen variant's `payload.itemId`, when recommendations
 * chose it: rule `recommendation`), sent as `item_id` with `Slot Viewed`/`Slot Clicked` for rotation
 * and the per-list report; {} for any other decision.
 */
export function itemOf(d: Pick<SlotDecision, 'rule' | 'variant'>): { item_id?: string } {
  const id = d.rule === 'recommendation' ? (d.variant.payload as { itemId?: unknown } | undefined)?.itemId : undefined;
  return typeof id === 'string' ? { item_id: id } : {};
}

type Context = Record<string, string | Record<string, string>>;

/** A value the decide API takes as text (≤ 2,000 characters, no control characters), else undefined. */
export function fits(value: string | null | undefined): string | undefined {
  return value && value.length <= 2000 && !/[\u0000-\u001f\u007f]/.test(value) ? value : undefined;
}

const UTM = ['source', 'medium', 'campaign', 'content', 'term'];
const LOCALE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/;

/**
 * The request context of a decision on page `href`: address, path, referrer, campaign (utm_*),
 * language and time zone. A value the API would refuse (too long, not a language tag) is left
 * out rather than failing the whole request, so the slot still gets a decision.
 */
export function contextOf(o: { href: string; referrer: string; locale: string; timezone?: string | undefined }): Context {
  const url = new URL(o.href);
  const context: Context = {};
  const put = (key: string, value: string | undefined) => { if (value) context[key] = value; };
  put('url', fits(url.href));
  put('path', fits(url.pathname));
  put('referrer', fits(o.referrer));
  put('locale', LOCALE.test(o.locale) ? o.locale : undefined);
  put('timezone', fits(o.timezone));
  const utm: Record<string, string> = {};
  for (const key of UTM) {
    const value = fits(url.searchParams.get(`utm_${key}`)?.trim());
    if (value) utm[key] = value;
  }
  if (Object.keys(utm).length > 0) context.utm = utm;
  return context;
}

/** The distinct slot ids of the elements, at most `max` (the API's limit per request). */
export function slotIds(ids: string[], max = 20): string[] {
  return [...new Set(ids.filter((id) => id !== ''))].slice(0, max);
}
