/**
 * The forms port (issue 6, progressive profiling): form definitions and the per-day counters of
 * form views, starts, submits and abandons that feed the drop-off model and the form report.
 * Store.forms.
 *
 * Counters are aggregates without personal data (no profile, no anonymous id): erasure leaves
 * them. What a person declined lives on their profile (Profile.declined), not here.
 */
import type { FormDefinition } from '../core/forms/form-definition.js';

export const FORM_METRICS = ['views', 'starts', 'submits', 'abandons', 'exits'] as const;
export type FormMetric = (typeof FORM_METRICS)[number];

/**
 * One counter: `scope` is `form` (the form as a whole), `field:<key>` (views in which the field
 * was shown, …) or `shown:<n>` (views that showed n fields). `exits` exists per field only: the
 * reported abandons of views that showed the field (`abandons` of a field: those naming it).
 */
export interface FormCounter {
  formId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  scope: string;
  metric: FormMetric;
  count: number;
}

export interface FormStore {
  /** Stores a new form. False, writing nothing, when the workspace has a form with this id. */
  create(form: FormDefinition): Promise<boolean>;
  /** Replaces the definition of an existing form (id, workspace, createdAt stay). False when unknown. */
  update(form: FormDefinition): Promise<boolean>;
  /** The form, or null when the workspace has none by this id. */
  get(workspaceId: string, formId: string): Promise<FormDefinition | null>;
  /** The workspace's forms, oldest first (createdAt, then id). */
  list(workspaceId: string): Promise<FormDefinition[]>;
  /** Deletes the form and its counters; false when unknown. */
  delete(workspaceId: string, formId: string): Promise<boolean>;
  /**
   * Adds to the counters (creating them at 0). Concurrent additions from several servers are never
   * lost. Counts are positive integers; the same (form, day, scope, metric) may appear twice.
   */
  count(workspaceId: string, counters: readonly FormCounter[]): Promise<void>;
  /**
   * The counters of one form summed over days fromDay..toDay (inclusive), one row per (scope,
   * metric), ordered by scope, then metric. `day` of each row is `toDay`.
   */
  totals(workspaceId: string, formId: string, fromDay: string, toDay: string): Promise<FormCounter[]>;
  /** The counters of one scope of one form per day, fromDay..toDay (inclusive), ordered by day, then metric. */
  daily(workspaceId: string, formId: string, scope: string, fromDay: string, toDay: string): Promise<FormCounter[]>;
}
