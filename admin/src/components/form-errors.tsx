/**
 * The shared form-error helper: an API error's `issues[].field` is mapped onto the form's inputs
 * (each input shows its own reason, is marked aria-invalid and described by the reason), issues
 * about no input of the form are listed in the form's summary, and the focus moves to the first
 * invalid input. What the person typed stays: the form keeps its values on a failed save.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, type FieldIssue } from '../api.js';
import { useI18n } from '../i18n.js';

export interface FormErrors {
  /** The reason for one field (`email`, `condition.all[0].event`), or undefined. */
  of(field: string): string | undefined;
  /** Issues and messages about no field of this form. */
  general: string[];
  /** Runs a save; an ApiError becomes the form's errors, anything else is thrown again. */
  submit(form: HTMLFormElement | null, action: () => Promise<void>): Promise<void>;
  busy: boolean;
}

/** `fields`: the field paths this form has inputs for (issues of a nested path go to its input). */
export function useFormErrors(fields: readonly string[]): FormErrors {
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const { t } = useI18n();
  const owner = (field: string) => fields.find((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`));
  return {
    of: (field) => issues.filter((i) => owner(i.field) === field).map((i) => i.reason).join('; ') || undefined,
    general,
    busy,
    async submit(form, action) {
      setBusy(true);
      setIssues([]);
      setGeneral([]);
      try {
        await action();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const mapped = error.issues.filter((i) => owner(i.field) !== undefined);
        const rest = error.issues.filter((i) => owner(i.field) === undefined).map((i) => `${i.field}: ${i.reason}`);
        setIssues(mapped);
        setGeneral(mapped.length ? [t('form.fix'), ...rest] : [error.status === 0 ? t('error.network') : error.message, ...rest]);
        // After the render that marks the inputs: focus the first invalid one (or the summary).
        setTimeout(() => {
          const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('.form-summary');
          target?.focus();
        }, 0);
      } finally {
        setBusy(false);
      }
    },
  };
}

let nextId = 0;
const useId = (prefix: string) => useRef(`${prefix}-${++nextId}`).current;

/** A labelled input with its hint and its error, wired with aria-describedby. */
export function Field(props: { label: string; name: string; errors: FormErrors; hint?: string; children?: never } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'name'>) {
  const { label, name, errors, hint, ...input } = props;
  const id = useId(`f-${name}`);
  const error = errors.of(name);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      <input id={id} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={described} {...input} />
      {error && <p class="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** The summary of a form's errors at its top (focusable, announced). */
export function FormSummary(props: { errors: FormErrors }) {
  if (!props.errors.general.length) return null;
  return (
    <div class="form-summary" role="alert" tabIndex={-1}>
      {props.errors.general.map((m) => <p key={m}>{m}</p>)}
    </div>
  );
}

export function Notice(props: { kind?: 'info' | 'success' | 'error'; children: ComponentChildren }) {
  return <div class={`notice ${props.kind ?? 'info'}`} role={props.kind === 'error' ? 'alert' : 'status'}>{props.children}</div>;
}
