/**
 * A workspace's recommendation settings (`PUT /v1/recommendations/settings`; docs/recommendations.md),
 * validated here; every field has a default, so a workspace that never saved any learns from
 * e-commerce events and `page` events with `properties.item_id` as is.
 *
 * - `urlPatterns`: page paths that name an item (`/blog/:id`), for sites whose page events carry no
 *   item id; `urlPatternType`: the type given to stubs found so (default `article`).
 * - `historyWindow`, `historyCap`: a person's recent items (for-you starts from them; issue 15 §2):
 *   within this window and at most this many, newest first; `pairCap`: a new interaction
 *   co-occurs with at most this many of the newest of them in its family (the ingest cost).
 * - `halfLife`: co-occurrence and popularity weights halve in this time; `trendingHalfLife`: the
 *   short memory trending compares against the long one.
 * - `neighbours`: the top-K neighbours kept per item; `minSupport`: co-occurrences (decayed) a pair
 *   needs before it is recommended.
 * - `rotationImpressions`, `rotationHalfLife`: an item shown to a person this many times (decayed
 *   with the half-life) without a click sinks behind fresher items in their lists for a half-life
 *   (rotation.ts); 0 turns rotation off.
 * - `segmentFilters`: filters that apply only to members of a segment, e.g. members of `b2b` see
 *   only items of type `whitepaper`: `[{"segment":"b2b","type":"whitepaper"}]` (recommend.ts).
 */
import type { FieldIssue } from '../errors.js';
import { DURATION_RULE, parseDuration } from '../segments/duration.js';
import { compileUrlPattern, URL_PATTERN_RULE, type UrlPattern } from './interactions.js';
import { ITEM_TYPE_PATTERN } from './item.js';
import type { RecommendationFilters } from './recommend.js';

export interface RecommendationSettings {
  urlPatterns: string[];
  urlPatternType: string;
  historyWindow: string;
  historyCap: number;
  pairCap: number;
  halfLife: string;
  trendingHalfLife: string;
  neighbours: number;
  minSupport: number;
  rotationImpressions: number;
  rotationHalfLife: string;
  segmentFilters: SegmentFilter[];
}

/** Filters for the members of one segment (each field as the request's filters). */
export interface SegmentFilter extends RecommendationFilters {
  segment: string;
}

export const MAX_SEGMENT_FILTERS = 20;
const FILTER_FIELDS = ['segment', 'category', 'type', 'tag', 'minPrice', 'maxPrice'] as const;

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = {
  urlPatterns: [], urlPatternType: 'article', historyWindow: '30d', historyCap: 20, pairCap: 10, halfLife: '90d', trendingHalfLife: '3d', neighbours: 20, minSupport: 2,
  rotationImpressions: 5, rotationHalfLife: '7d', segmentFilters: [],
};

export interface CompiledRecommendationSettings {
  settings: RecommendationSettings;
  patterns: UrlPattern[];
  historyWindowMs: number;
  halfLifeMs: number;
  trendingHalfLifeMs: number;
  rotationHalfLifeMs: number;
}

export const MAX_URL_PATTERNS = 20;

export function parseRecommendationSettings(input: unknown): { ok: true; settings: RecommendationSettings } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object' }] };
  const body = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const out: RecommendationSettings = { ...DEFAULT_RECOMMENDATION_SETTINGS, urlPatterns: [], segmentFilters: [] };
  for (const key of Object.keys(body)) if (!(key in DEFAULT_RECOMMENDATION_SETTINGS)) issues.push({ field: key, reason: `is not a setting; expected ${Object.keys(DEFAULT_RECOMMENDATION_SETTINGS).join(', ')}` });
  if (body.urlPatterns !== undefined) {
    if (!Array.isArray(body.urlPatterns) || body.urlPatterns.length > MAX_URL_PATTERNS) issues.push({ field: 'urlPatterns', reason: `must be an array of at most ${MAX_URL_PATTERNS} patterns` });
    else body.urlPatterns.forEach((p, i) => {
      if (typeof p !== 'string' || compileUrlPattern(p) === null) issues.push({ field: `urlPatterns[${i}]`, reason: URL_PATTERN_RULE });
      else out.urlPatterns.push(p);
    });
  }
  if (body.urlPatternType !== undefined) {
    if (typeof body.urlPatternType !== 'string' || body.urlPatternType.length > 40 || !ITEM_TYPE_PATTERN.test(body.urlPatternType)) issues.push({ field: 'urlPatternType', reason: 'must be an item type: lower-case letters, digits, _ and -' });
    else out.urlPatternType = body.urlPatternType;
  }
  for (const field of ['historyWindow', 'halfLife', 'trendingHalfLife', 'rotationHalfLife'] as const) {
    if (body[field] === undefined) continue;
    if (parseDuration(body[field]) === undefined) issues.push({ field, reason: DURATION_RULE });
    else out[field] = body[field] as string;
  }
  const whole = (field: 'historyCap' | 'pairCap' | 'neighbours' | 'minSupport' | 'rotationImpressions', min: number, max: number) => {
    if (body[field] === undefined) return;
    const v = body[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) issues.push({ field, reason: `must be a whole number from ${min} to ${max}` });
    else out[field] = v;
  };
  whole('historyCap', 1, 500);
  whole('pairCap', 1, 500);
  whole('neighbours', 1, 200);
  whole('minSupport', 1, 1000);
  whole('rotationImpressions', 0, 1000);
  if (body.segmentFilters !== undefined) {
    if (!Array.isArray(body.segmentFilters) || body.segmentFilters.length > MAX_SEGMENT_FILTERS) issues.push({ field: 'segmentFilters', reason: `must be an array of at most ${MAX_SEGMENT_FILTERS} filters` });
    else body.segmentFilters.forEach((f, i) => {
      const parsed = parseSegmentFilter(f, `segmentFilters[${i}]`);
      if ('issues' in parsed) issues.push(...parsed.issues);
      else out.segmentFilters.push(parsed.filter);
    });
  }
  if (issues.length === 0 && parseDuration(out.trendingHalfLife)! >= parseDuration(out.halfLife)!) issues.push({ field: 'trendingHalfLife', reason: 'must be shorter than halfLife (trending compares the short memory against the long one)' });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, settings: out };
}

/** Settings as ingest and serving use them; `settings` must be valid (parseRecommendationSettings). */
export function compileRecommendationSettings(settings: RecommendationSettings): CompiledRecommendationSettings {
  return {
    settings,
    patterns: settings.urlPatterns.map((p) => compileUrlPattern(p)!),
    historyWindowMs: parseDuration(settings.historyWindow)!,
    halfLifeMs: parseDuration(settings.halfLife)!,
    trendingHalfLifeMs: parseDuration(settings.trendingHalfLife)!,
    rotationHalfLifeMs: parseDuration(settings.rotationHalfLife)!,
  };
}

function parseSegmentFilter(input: unknown, path: string): { filter: SegmentFilter } | { issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { issues: [{ field: path, reason: 'must be an object with segment and at least one of category, type, tag, minPrice, maxPrice' }] };
  const f = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(f)) if (!(FILTER_FIELDS as readonly string[]).includes(key)) issues.push({ field: `${path}.${key}`, reason: `is not a filter field; expected ${FILTER_FIELDS.join(', ')}` });
  const text = (key: 'segment' | 'category' | 'type' | 'tag', max: number) => {
    const v = f[key];
    if (v === undefined) return;
    if (typeof v !== 'string' || v.trim() === '' || v !== v.trim() || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) issues.push({ field: `${path}.${key}`, reason: `must be a label of 1–${max} characters without surrounding spaces` });
  };
  if (f.segment === undefined) issues.push({ field: `${path}.segment`, reason: 'is required: the segment whose members the filter applies to' });
  text('segment', 200); text('category', 100); text('type', 40); text('tag', 100);
  for (const key of ['minPrice', 'maxPrice'] as const) {
    const v = f[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e12)) issues.push({ field: `${path}.${key}`, reason: 'must be a number from 0 to 10^12' });
  }
  if (issues.length === 0 && typeof f.minPrice === 'number' && typeof f.maxPrice === 'number' && f.minPrice > f.maxPrice) issues.push({ field: `${path}.maxPrice`, reason: 'must not be below minPrice' });
  if (issues.length === 0 && !FILTER_FIELDS.some((k) => k !== 'segment' && f[k] !== undefined)) issues.push({ field: path, reason: 'needs at least one of category, type, tag, minPrice, maxPrice' });
  return issues.length > 0 ? { issues } : { filter: { ...(f as unknown as SegmentFilter) } };
}
