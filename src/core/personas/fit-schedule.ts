/**
 * When a workspace's personas are refitted on their own (issue 17 §2: "fitting runs in the
 * background on a schedule and on demand"). The setting is `fitEveryHours` (default 24; 0 = never).
 *
 * The schedule counts from the last fit stored — the later of the current model's `fittedAt` and
 * the start of the last fit job (which may have failed: a failing fit is retried only after the
 * same interval, never in a loop). A server that restarts therefore picks up where the stored
 * times say, however long it was down: a fit overdue at start runs at the first check. A workspace
 * never fitted is not fitted on a schedule: the first fit is asked for (after the feature
 * definition is set), the schedule keeps it fresh afterwards.
 */
import type { FieldIssue } from '../errors.js';
import type { EpochMs } from '../time.js';

export interface FitSchedule {
  /** Hours between fits; 0: never on a schedule (on demand only). */
  fitEveryHours: number;
}

export const DEFAULT_FIT_SCHEDULE: FitSchedule = { fitEveryHours: 24 };
/** A year: anything longer is as good as never, and 0 says that plainly. */
export const MAX_FIT_EVERY_HOURS = 8760;
const HOUR = 3_600_000;

/** The moment the next scheduled fit is due, or null when none is (never fitted, or the schedule is off). */
export function nextScheduledFit(schedule: FitSchedule, lastFitAt: EpochMs | null): EpochMs | null {
  if (schedule.fitEveryHours === 0 || lastFitAt === null) return null;
  return lastFitAt + schedule.fitEveryHours * HOUR;
}

/** The later of the stored fit times (either may be missing). */
export function lastFitTime(modelFittedAt: EpochMs | null, lastJobStartedAt: EpochMs | null): EpochMs | null {
  if (modelFittedAt === null) return lastJobStartedAt;
  if (lastJobStartedAt === null) return modelFittedAt;
  return Math.max(modelFittedAt, lastJobStartedAt);
}

/** Validates a schedule body: `{ "fitEveryHours": 0..8760 }` (hours, may be fractional: 0.5 is every half hour). */
export function parseFitSchedule(input: unknown): { ok: true; schedule: FitSchedule } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {"fitEveryHours": 24}' }] };
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(input)) if (key !== 'fitEveryHours') issues.push({ field: key, reason: 'is not a field of the persona fit schedule' });
  const every = (input as { fitEveryHours?: unknown }).fitEveryHours;
  if (typeof every !== 'number' || !Number.isFinite(every) || every < 0 || every > MAX_FIT_EVERY_HOURS) {
    issues.push({ field: 'fitEveryHours', reason: `must be a number of hours from 0 (never on a schedule) to ${MAX_FIT_EVERY_HOURS}` });
  } else if (every > 0 && every < 0.25) {
    issues.push({ field: 'fitEveryHours', reason: 'must be 0 (never on a schedule) or at least 0.25 (a quarter of an hour)' });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, schedule: { fitEveryHours: every as number } };
}

/** The saved document read back: a document that no longer validates counts as the default. */
export function savedFitSchedule(saved: unknown): FitSchedule {
  if (saved === null || saved === undefined) return DEFAULT_FIT_SCHEDULE;
  const parsed = parseFitSchedule(saved);
  return parsed.ok ? parsed.schedule : DEFAULT_FIT_SCHEDULE;
}
