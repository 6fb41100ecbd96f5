/**
 * Time windows in definitions are written as a whole number and a unit: `45m`, `12h`, `30d`, `8w`.
 * Months and years are left out on purpose: their length varies, and "30d" says exactly what it does.
 */
import type { EpochMs } from '../time.js';

const UNITS: Readonly<Record<string, { ms: number; word: string }>> = {
  m: { ms: 60_000, word: 'minute' },
  h: { ms: 3_600_000, word: 'hour' },
  d: { ms: 86_400_000, word: 'day' },
  w: { ms: 7 * 86_400_000, word: 'week' },
};
const DURATION = /^([1-9]\d{0,5})([mhdw])$/;
/** Ten years: longer windows are almost certainly a typo. */
export const MAX_DURATION_MS = 3660 * 86_400_000;
export const DAY_MS = 86_400_000;

/** Milliseconds of a duration text, or undefined when it is not one. */
export function parseDuration(text: unknown): EpochMs | undefined {
  if (typeof text !== 'string') return undefined;
  // Evaluation parses the same few definition texts for every profile: answers are remembered
  // (bounded, so that arbitrary input texts cannot grow it).
  if (parsed.has(text)) return parsed.get(text);
  const ms = parse(text);
  if (parsed.size < 1000) parsed.set(text, ms);
  return ms;
}

const parsed = new Map<string, EpochMs | undefined>();
function parse(text: string): EpochMs | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!]!.ms;
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** The reason a duration text is refused, for validation messages. */
export const DURATION_RULE = 'must be a duration such as "45m", "12h", "30d" or "8w" (at most ten years)';

/** "30 days", "1 hour". */
export function describeDuration(text: string): string {
  const m = DURATION.exec(text);
  if (!m) return text;
  const n = Number(m[1]);
  return `${n} ${UNITS[m[2]!]!.word}${n === 1 ? '' : 's'}`;
}
