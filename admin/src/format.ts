/** Dates, durations and numbers in the person's language. */
import type { Lang } from './i18n.js';

const locale = (lang: Lang) => (lang === 'de' ? 'de-DE' : 'en-GB');

export function dateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale(lang), { dateStyle: 'medium', timeStyle: 'short' });
}

export function time(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleTimeString(locale(lang), { hour: '2-digit', minute: '2-digit' });
}

/** 75 → "1 min 15 s"; 12.5 → "12.5 s" (one decimal under a minute). */
export function duration(seconds: number, lang: Lang): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toLocaleString(locale(lang), { maximumFractionDigits: 1 })} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return s ? `${m} min ${s} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const count = (n: number, lang: Lang) => n.toLocaleString(locale(lang));

export function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
