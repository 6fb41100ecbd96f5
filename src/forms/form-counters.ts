/**
 * The counters one form interaction adds (ports/form-store.ts), and the per-field counters the
 * drop-off model reads: the last MODEL_WINDOW_DAYS, so that the model follows a form as it
 * changes instead of averaging over its whole life.
 */
import { fieldCountersFrom, type FieldCounters } from '../core/forms/drop-off.js';
import type { FormCounter, FormMetric, FormStore } from '../ports/form-store.js';

export const MODEL_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/** One of `metric` for the form, for the number of fields shown, and for each field in `fields`. */
export function countersFor(formId: string, metric: FormMetric, at: number, shown: readonly string[], fields: readonly string[] = shown): FormCounter[] {
  const day = utcDay(at);
  return [
    { formId, day, scope: 'form', metric, count: 1 },
    { formId, day, scope: `shown:${shown.length}`, metric, count: 1 },
    ...fields.map((key) => ({ formId, day, scope: `field:${key}`, metric, count: 1 })),
  ];
}

export async function fieldCounters(forms: FormStore, workspaceId: string, formId: string, now: number): Promise<Map<string, FieldCounters>> {
  return fieldCountersFrom(await forms.totals(workspaceId, formId, utcDay(now - MODEL_WINDOW_DAYS * DAY_MS), utcDay(now)));
}
