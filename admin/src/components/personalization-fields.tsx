/**
 * Labelled selects, text areas and check boxes wired to the shared form-error helper exactly as
 * its `Field` is (hint and error tied by aria-describedby, aria-invalid), for the Personalization
 * and Experiments forms, whose inputs sit in lists (`variants[2].linkUrl`).
 */
import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import type { FormErrors } from './form-errors.js';

let nextId = 0;
const useId = (prefix: string) => useRef(`${prefix}-${++nextId}`).current;

function described(id: string, hint: string | undefined, error: string | undefined) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function SelectField(props: { label: string; name: string; errors: FormErrors; hint?: string; value: string; options: Array<[string, string]>; onChange(value: string): void }) {
  const id = useId('s');
  const error = props.errors.of(props.name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      <select id={id} name={props.name} value={props.value} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {props.options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
      {error && <p class="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function TextAreaField(props: { label: string; name: string; errors: FormErrors; hint?: string; value: string; rows?: number; onInput(value: string): void }) {
  const id = useId('t');
  const error = props.errors.of(props.name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      <textarea id={id} name={props.name} rows={props.rows ?? 4} value={props.value} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)} />
      {error && <p class="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function CheckField(props: { label: string; name: string; errors?: FormErrors; checked: boolean; onChange(checked: boolean): void } & Omit<JSX.HTMLAttributes<HTMLDivElement>, 'onChange'>) {
  const id = useId('c');
  const error = props.errors?.of(props.name);
  return (
    <div class={`field check${error ? ' invalid' : ''}`}>
      <span><input id={id} type="checkbox" name={props.name} checked={props.checked} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)} /> <label for={id}>{props.label}</label></span>
      {error && <p class="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}
