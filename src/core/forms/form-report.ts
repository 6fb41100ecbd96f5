/**
 * The form report: conversion of a form as a whole, per number of fields shown (does asking a third
 * question cost submissions?), and per field with its learned drop-off. Computed from the summed
 * counters (ports/form-store.ts); pure.
 */
import { estimateDropOff, fieldCountersFrom, type CounterTotal, type DropOffEstimate } from './drop-off.js';

export interface Funnel {
  views: number;
  starts: number;
  submits: number;
  abandons: number;
  /** submits / views (null without views). */
  conversion: number | null;
  /** submits / starts (null without starts). */
  completion: number | null;
}

export interface FormReport {
  totals: Funnel;
  byFieldsShown: Array<Funnel & { fields: number }>;
  /** Per field; `exits`: reported abandons of views that showed the field, whichever fields they named. */
  fields: Array<Funnel & { key: string; exits: number; dropOff: DropOffEstimate }>;
}

export function buildFormReport(totals: readonly CounterTotal[], fieldOrder: readonly string[]): FormReport {
  const scopes = new Map<string, Record<CounterTotal['metric'], number>>();
  for (const t of totals) {
    const held = scopes.get(t.scope) ?? { views: 0, starts: 0, submits: 0, abandons: 0, exits: 0 };
    held[t.metric] += t.count;
    scopes.set(t.scope, held);
  }
  const funnel = (scope: string): Funnel => {
    const c = scopes.get(scope) ?? { views: 0, starts: 0, submits: 0, abandons: 0, exits: 0 };
    return { views: c.views, starts: c.starts, submits: c.submits, abandons: c.abandons, conversion: ratio(c.submits, c.views), completion: ratio(c.submits, c.starts) };
  };
  const shownCounts = [...scopes.keys()].filter((s) => s.startsWith('shown:')).map((s) => Number(s.slice(6))).filter(Number.isInteger).sort((a, b) => a - b);
  const model = fieldCountersFrom(totals);
  const keys = [...fieldOrder, ...[...scopes.keys()].filter((s) => s.startsWith('field:')).map((s) => s.slice(6)).filter((k) => !fieldOrder.includes(k)).sort()];
  return {
    totals: funnel('form'),
    byFieldsShown: shownCounts.map((n) => ({ fields: n, ...funnel(`shown:${n}`) })),
    fields: keys.map((key) => {
      const f = funnel(`field:${key}`);
      const exits = scopes.get(`field:${key}`)?.exits ?? 0;
      return { key, ...f, exits, dropOff: estimateDropOff(model.get(key)) };
    }),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/** The form's funnel per UTC day from..to (YYYY-MM-DD, inclusive), days without data at zero. */
export function dailyFunnels(rows: ReadonlyArray<{ day: string; metric: CounterTotal['metric']; count: number }>, fromDay: string, toDay: string): Array<Funnel & { day: string }> {
  const byDay = new Map<string, Record<CounterTotal['metric'], number>>();
  for (const r of rows) {
    const held = byDay.get(r.day) ?? { views: 0, starts: 0, submits: 0, abandons: 0, exits: 0 };
    held[r.metric] += r.count;
    byDay.set(r.day, held);
  }
  const days: Array<Funnel & { day: string }> = [];
  for (let at = Date.parse(`${fromDay}T00:00:00Z`), end = Date.parse(`${toDay}T00:00:00Z`); at <= end; at += 86_400_000) {
    const day = new Date(at).toISOString().slice(0, 10);
    const c = byDay.get(day) ?? { views: 0, starts: 0, submits: 0, abandons: 0, exits: 0 };
    days.push({ day, views: c.views, starts: c.starts, submits: c.submits, abandons: c.abandons, conversion: ratio(c.submits, c.views), completion: ratio(c.submits, c.starts) });
  }
  return days;
}
