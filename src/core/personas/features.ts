/**
 * A profile's persona feature vector (issue 17 §1). Two stages, both reproducible:
 *
 * 1. `extractFeatures`: raw values, each with a stated transform —
 *    - `share`: a fraction in [0, 1] (content-category affinity as the decayed share of page views:
 *      each page's views weigh `2^(-age / halfLife)` by the age of its last view; channel mix over
 *      the first and the last touch; device, daypart and weekend shares of the person's actions in
 *      the workspace's local time, activity.ts);
 *    - `log1p`: counts and amounts, `ln(1 + x)` (recency in days, sessions, page views, pages per
 *      session, minutes per page view, email opens, forms submitted, engagement score, monetary value);
 *    - `rate`: a ratio in [0, 1] (bounce rate, email open and click rates, form completion);
 *    - `position`: the lifecycle stage's place in the ordered stages, in (0, 1]; none = 0;
 *    - `one-hot`: a categorical trait, one column per value of the definition and "(other)";
 *    - `value`: a numeric trait as it is; missing is NaN, which standardisation replaces by the
 *      mean (mean imputation), so a missing value says nothing either way.
 * 2. `standardise`: `(x − mean) / sqrt(variance)` with the means and variances stored with the
 *    model (`fitScaling`), so the same profile always maps to the same vector under one model.
 *
 * A profile without a legal basis for profiling gets no vector (`{ ok: false, reason }`).
 */
import type { DataSchema } from '../privacy/data-schema.js';
import { isGranted } from '../privacy/consent.js';
import type { Purpose } from '../privacy/purposes.js';
import type { Channel } from '../profiles/channel.js';
import type { Profile } from '../profiles/profile.js';
import { scoresAt } from '../scoring/scores.js';
import type { EpochMs } from '../time.js';
import { DAYPARTS, DEVICE_CLASSES, localActivity } from './activity.js';
import { isSensitiveTrait, type FeatureDefinition } from './feature-definition.js';

const DAY_MS = 86_400_000;
export const CHANNEL_GROUPS = ['direct', 'search', 'social', 'email', 'paid', 'other'] as const;
export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];
const CHANNEL_GROUP: Record<Channel, ChannelGroup> = {
  direct: 'direct', organic_search: 'search', social: 'social', email: 'email',
  paid_search: 'paid', paid_social: 'paid', display: 'paid',
  affiliate: 'other', referral: 'other', other_campaign: 'other',
};

export type FeatureTransform = 'share' | 'log1p' | 'rate' | 'position' | 'one-hot' | 'value';

export interface FeatureSpec {
  /** Stable machine name: `category:Smart Factory`, `channel:email`, `trait:role=CTO`. */
  key: string;
  /** Plain words for labels and reports: "share of Smart Factory content". */
  label: string;
  transform: FeatureTransform;
}

export type FeatureResult = { ok: true; values: number[] } | { ok: false; reason: string };

export interface FeatureContext {
  definition: FeatureDefinition;
  privacy: { purposes: readonly Purpose[]; schema: DataSchema };
  /** The moment the features describe (recency, decay). */
  at: EpochMs;
}

/** The features a definition yields, in vector order. */
export function featureSpecs(definition: FeatureDefinition, schema: DataSchema): FeatureSpec[] {
  const specs: FeatureSpec[] = [];
  const add = (key: string, label: string, transform: FeatureTransform) => specs.push({ key, label, transform });
  for (const c of usableCategories(definition)) add(`category:${c}`, `share of ${c} content`, 'share');
  add('recency', 'days since last visit', 'log1p');
  add('sessions', 'visits', 'log1p');
  add('page_views', 'page views', 'log1p');
  if (definition.monetaryTrait !== null && !isSensitiveTrait(definition.monetaryTrait, definition, schema)) add('monetary', `${definition.monetaryTrait} (monetary value)`, 'log1p');
  add('session_depth', 'pages per visit', 'log1p');
  add('dwell', 'minutes per page view', 'log1p');
  add('bounce_rate', 'share of one-page visits', 'rate');
  for (const g of CHANNEL_GROUPS) add(`channel:${g}`, `arrives via ${g}`, 'share');
  for (const d of [...DEVICE_CLASSES, 'unknown']) add(`device:${d}`, `on ${d}`, 'share');
  for (const p of DAYPARTS) add(`time:${p}`, `active in the ${p}`, 'share');
  add('time:weekend', 'active at weekends', 'share');
  add('email:opens', 'email opens', 'log1p');
  add('email:open_rate', 'email open rate', 'rate');
  add('email:click_rate', 'email click rate', 'rate');
  add('lifecycle', 'lifecycle stage', 'position');
  add('forms:submitted', 'forms submitted', 'log1p');
  add('forms:completion', 'form completion rate', 'rate');
  add('engagement', 'engagement score', 'log1p');
  for (const t of usableTraits(definition, schema)) {
    if (t.kind === 'numeric') add(`trait:${t.key}`, t.key, t.log ? 'log1p' : 'value');
    else for (const v of [...t.values, '(other)']) add(`trait:${t.key}=${v}`, `${t.key} is ${v}`, 'one-hot');
  }
  return specs;
}

/**
 * Why a profile may not be profiled, or null when it may: one of the profiling purposes rests on
 * legitimate interest, or on consent the person has granted.
 */
export function profilingRefusal(profile: Pick<Profile, 'consent'>, definition: FeatureDefinition, purposes: readonly Purpose[]): string | null {
  for (const key of definition.profilingPurposes) {
    const purpose = purposes.find((p) => p.key === key);
    if (!purpose) continue;
    if (purpose.legalBasis === 'legitimate_interest') return null;
    if (purpose.legalBasis === 'consent' && isGranted(profile.consent, key)) return null;
  }
  return `no legal basis for profiling: consent to ${definition.profilingPurposes.map((p) => `"${p}"`).join(' or ')} not granted`;
}

/** The raw (transformed, not yet standardised) feature values of a profile, in `featureSpecs` order. */
export function extractFeatures(profile: Profile, context: FeatureContext): FeatureResult {
  const { definition, privacy, at } = context;
  const refusal = profilingRefusal(profile, definition, privacy.purposes);
  if (refusal !== null) return { ok: false, reason: refusal };
  const b = profile.behaviour;
  const values: number[] = [];

  const categories = usableCategories(definition);
  const weights = decayedCategoryWeights(profile, definition.categoryHalfLifeDays, at);
  const totalWeight = [...weights.values()].reduce((s, w) => s + w, 0);
  for (const c of categories) values.push(totalWeight > 0 ? (weights.get(c) ?? 0) / totalWeight : 0);

  const lastSeen = b.lastSeenAt ?? profile.updatedAt;
  values.push(log1p(Math.max(0, at - lastSeen) / DAY_MS));
  values.push(log1p(b.sessions.count));
  values.push(log1p(b.pageViews));
  if (definition.monetaryTrait !== null && !isSensitiveTrait(definition.monetaryTrait, definition, privacy.schema)) {
    const money = numericTrait(profile, definition.monetaryTrait);
    values.push(Number.isNaN(money) ? 0 : log1p(Math.max(0, money)));
  }
  values.push(log1p(b.sessions.count > 0 ? b.pageViews / b.sessions.count : 0));
  const timeMs = Object.values(b.categories).reduce((s, c) => s + c.timeMs, 0);
  values.push(log1p(b.pageViews > 0 ? timeMs / 60_000 / b.pageViews : 0));
  const closed = b.sessions.count - (b.sessions.current ? 1 : 0);
  values.push(closed > 0 ? Math.min(1, b.sessions.bounces / closed) : 0);

  const touches = [b.firstTouch, b.lastTouch].filter((t) => t !== null);
  for (const g of CHANNEL_GROUPS) values.push(touches.length > 0 ? touches.filter((t) => CHANNEL_GROUP[t.channel] === g).length / touches.length : 0);

  const activity = localActivity(b, definition.utcOffsetMinutes);
  const devices = DEVICE_CLASSES.reduce((s, d) => s + activity.devices[d], 0);
  for (const d of DEVICE_CLASSES) values.push(devices > 0 ? activity.devices[d] / devices : 0);
  values.push(devices > 0 ? 0 : 1);
  for (const p of DAYPARTS) values.push(activity.total > 0 ? activity.dayparts[p] / activity.total : 0);
  values.push(activity.total > 0 ? activity.weekend / activity.total : 0);

  const email = b.email;
  values.push(log1p(email.opened));
  values.push(rate(email.opened, Math.max(email.delivered, email.sent)));
  values.push(rate(email.clicked, email.opened));

  const stage = profile.lifecycle?.stage;
  const position = stage === undefined ? -1 : definition.lifecycleStages.indexOf(stage);
  values.push(position < 0 ? 0 : (position + 1) / definition.lifecycleStages.length);

  const submitted = count(profile, 'track:Form Submitted');
  values.push(log1p(submitted));
  values.push(rate(submitted, Math.max(submitted, count(profile, 'track:Form Started'), count(profile, 'track:Form Viewed'))));
  values.push(log1p(Math.max(0, scoresAt(profile, at).engagement)));

  for (const t of usableTraits(definition, privacy.schema)) {
    if (t.kind === 'numeric') {
      const v = numericTrait(profile, t.key);
      values.push(Number.isNaN(v) ? Number.NaN : t.log ? log1p(Math.max(0, v)) : v);
    } else {
      const raw = Object.hasOwn(profile.traits, t.key) ? profile.traits[t.key] : undefined;
      const v = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : null;
      const index = v === null || v === '' ? -2 : t.values.indexOf(v);
      for (let i = 0; i <= t.values.length; i++) values.push(index === i || (index === -1 && i === t.values.length) ? 1 : 0);
    }
  }
  return { ok: true, values };
}

/** Stored standardisation of a model: per feature mean and variance of the fitted sample. */
export interface FeatureScaling {
  means: number[];
  variances: number[];
}

/** Variances below this count as constant features: they standardise to 0 instead of dividing by ~0. */
export const MIN_FEATURE_VARIANCE = 1e-12;

/** Means and (population) variances per column, ignoring NaN (missing) values. */
export function fitScaling(rows: readonly (readonly number[])[]): FeatureScaling {
  const width = rows[0]?.length ?? 0;
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((v, j) => { if (Number.isFinite(v)) { sums[j]! += v; counts[j]!++; } });
  const means = sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : 0));
  const squares = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((v, j) => { if (Number.isFinite(v)) squares[j]! += (v - means[j]!) ** 2; });
  const variances = squares.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : 0));
  return { means, variances };
}

/** `(x − mean) / sd`; a missing value (NaN) and a constant feature give 0. */
export function standardise(values: readonly number[], scaling: FeatureScaling): number[] {
  return values.map((v, j) => {
    const variance = scaling.variances[j]!;
    if (!Number.isFinite(v) || variance < MIN_FEATURE_VARIANCE) return 0;
    return (v - scaling.means[j]!) / Math.sqrt(variance);
  });
}

function usableCategories(definition: FeatureDefinition): string[] {
  const sensitive = new Set(definition.sensitiveCategories);
  return definition.categories.filter((c) => !sensitive.has(c));
}

/** Defence in depth: a definition is validated, but a trait marked sensitive later is still skipped. */
function usableTraits(definition: FeatureDefinition, schema: DataSchema) {
  return definition.traits.filter((t) => !isSensitiveTrait(t.key, definition, schema));
}

function decayedCategoryWeights(profile: Profile, halfLifeDays: number, at: EpochMs): Map<string, number> {
  const weights = new Map<string, number>();
  for (const page of Object.values(profile.behaviour.pages)) {
    const age = Math.max(0, at - page.lastAt) / DAY_MS;
    const w = page.views * 2 ** (-age / halfLifeDays);
    const key = page.category ?? '(none)';
    weights.set(key, (weights.get(key) ?? 0) + w);
  }
  return weights;
}

function numericTrait(profile: Profile, key: string): number {
  const raw = Object.hasOwn(profile.traits, key) ? profile.traits[key] : undefined;
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(v) ? v : Number.NaN;
}

function count(profile: Profile, key: string): number {
  return Object.hasOwn(profile.behaviour.counts, key) ? profile.behaviour.counts[key]! : 0;
}

function rate(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 0;
}

function log1p(x: number): number {
  return Math.log1p(Math.max(0, x));
}
