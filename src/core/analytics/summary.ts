/**
 * The figures a dashboard shows, from summed rollup metrics and a visitor estimate. Rates are null
 * where their denominator is 0 (no visits: no bounce rate), never NaN.
 */
import type { Metrics } from './dimensions.js';

export interface Summary {
  /** Estimated unique visitors; null where no sketch answers it (a slice filter on a dimension other than the totals). */
  visitors: number | null;
  visits: number;
  pageviews: number;
  viewsPerVisit: number | null;
  bounces: number;
  bounceRate: number | null;
  avgVisitDurationMs: number | null;
  visibleMs: number;
  avgVisibleMsPerPageview: number | null;
  entries: number;
  exits: number;
  events: number;
}

const ratio = (a: number, b: number, digits = 4): number | null => (b > 0 ? round(a / b, digits) : null);
export const round = (n: number, digits: number): number => { const f = 10 ** digits; return Math.round(n * f) / f; };

/** `visitsFrom`: page rows have no visits of their own: their entries stand for them. */
export function summarise(m: Metrics, visitors: number | null, visitsFrom: 'visits' | 'entries' = 'visits'): Summary {
  const visits = visitsFrom === 'entries' ? m.entries : m.visits;
  return {
    visitors: visitors === null ? null : Math.round(visitors),
    visits,
    pageviews: m.pageviews,
    viewsPerVisit: visitsFrom === 'visits' ? ratio(m.pageviews, visits, 2) : null,
    bounces: m.bounces,
    bounceRate: ratio(m.bounces, visits),
    avgVisitDurationMs: visitsFrom === 'visits' ? (visits > 0 ? Math.round(m.durationMs / visits) : null) : null,
    visibleMs: m.visibleMs,
    avgVisibleMsPerPageview: m.pageviews > 0 ? Math.round(m.visibleMs / m.pageviews) : null,
    entries: m.entries,
    exits: m.exits,
    events: m.events,
  };
}
