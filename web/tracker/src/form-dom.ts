/**
 * Builds the HTML of a form view. Accessible without styles: every control has a <label> (groups a
 * <fieldset> with a <legend>), help and error texts are tied to their control with
 * aria-describedby, errors set aria-invalid and are announced through the form's live region, and
 * everything is a native control (keyboard use comes for free). Class names (`tsr-…`) and the CSS
 * variables of style.ts are the theming surface.
 */
import { autocompleteOf, declinable, type RawInput } from './form-logic.js';
import type { FieldView, FormTexts, FormView } from './form-types.js';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface FieldControl {
  field: FieldView;
  wrap: HTMLElement;
  controls: Control[];
  error: HTMLElement;
  decline: HTMLInputElement | null;
  /** Still showing the masked known value (not to be sent). */
  prefilled: boolean;
  read(): RawInput;
}

export interface FormDom {
  form: HTMLFormElement;
  fields: FieldControl[];
  status: HTMLElement;
  notYou: HTMLButtonElement | null;
  submit: HTMLButtonElement;
}

/** `el('p', { className: 'x' }, 'text', child)`: properties are assigned, attributes via `attrs`. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { attrs?: Record<string, string> } = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { attrs, ...rest } = props;
  Object.assign(node, rest);
  if (attrs) for (const name in attrs) node.setAttribute(name, attrs[name]!);
  node.append(...children);
  return node;
}

let counter = 0;

export function buildForm(view: FormView, texts: FormTexts): FormDom {
  const prefix = `tsr${++counter}-`;
  const status = el('div', { className: 'tsr-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const form = el('form', { className: 'tsr-form', noValidate: true, attrs: { 'aria-label': view.form.name, 'data-form': view.form.id } });
  let notYou: HTMLButtonElement | null = null;
  if (view.recognized) {
    notYou = el('button', { type: 'button', className: 'tsr-notyou' }, texts.notYou);
    form.append(el('p', { className: 'tsr-recognized' }, `${texts.welcome} ${view.recognized.masked}. `, notYou));
  }
  const fields = view.fields.map((field, i) => buildField(field, `${prefix}${i}`, texts));
  const submit = el('button', { type: 'submit', className: 'tsr-submit' }, view.form.submitLabel || 'Submit');
  form.append(...fields.map((f) => f.wrap), status, submit);
  return { form, fields, status, notYou, submit };
}

/** One field; a pre-filled one shows its masked value read-only, with a button to answer anew. */
export function buildField(field: FieldView, id: string, texts: FormTexts): FieldControl {
  const error = el('p', { className: 'tsr-error', id: `${id}-e` });
  const help = field.help ? el('p', { className: 'tsr-help', id: `${id}-h` }, field.help) : null;
  const described = [help?.id, error.id].filter(Boolean).join(' ');
  const wrap = el('div', { className: `tsr-field tsr-${field.type}`, attrs: { 'data-key': field.key } });
  const required = () => (field.required ? [el('span', { className: 'tsr-req', attrs: { 'aria-hidden': 'true' } }, ' *')] : []);
  const fc: FieldControl = { field, wrap, controls: [], error, decline: null, prefilled: false, read: () => ({ value: '' }) };

  if (field.prefill) {
    const input = el('input', { id, type: 'text', readOnly: true, value: field.prefill.masked, className: 'tsr-prefilled', attrs: { 'aria-describedby': described } });
    const change = el('button', { type: 'button', className: 'tsr-change', attrs: { 'aria-label': `${texts.change}: ${field.label}` } }, texts.change);
    change.onclick = () => {
      const fresh = buildField({ ...field, prefill: undefined } as FieldView, id, texts);
      wrap.replaceWith(fresh.wrap);
      Object.assign(fc, fresh);
      fresh.controls[0]?.focus();
    };
    wrap.append(el('label', { htmlFor: id }, field.label), input, change);
    Object.assign(fc, { controls: [input], prefilled: true, read: () => ({ value: '' }) });
  } else if ((field.type === 'radio' || field.type === 'checkbox') && field.options?.length) {
    const box = el('fieldset', { attrs: { 'aria-describedby': described } }, el('legend', {}, field.label, ...required()));
    const inputs = field.options.map((o, j) => {
      const input = el('input', { type: field.type, name: id, value: o.value, id: `${id}-${j}`, required: field.required && field.type === 'radio' });
      box.append(el('div', { className: 'tsr-option' }, input, el('label', { htmlFor: input.id }, o.label)));
      return input;
    });
    wrap.append(box);
    Object.assign(fc, { controls: inputs, read: () => ({ value: inputs.find((x) => x.checked)?.value ?? '', values: inputs.filter((x) => x.checked).map((x) => x.value) }) });
  } else if (field.type === 'checkbox' || field.type === 'consent') {
    const input = el('input', { id, type: 'checkbox', required: field.required, attrs: { 'aria-describedby': described } });
    wrap.append(input, el('label', { htmlFor: id }, field.type === 'consent' ? field.text ?? field.label : field.label, ...required()));
    Object.assign(fc, { controls: [input], read: () => ({ value: '', checked: input.checked }) });
  } else {
    const control = field.type === 'select' ? el('select', {}, el('option', { value: '' }, texts.choose), ...(field.options ?? []).map((o) => el('option', { value: o.value }, o.label)))
      : field.type === 'textarea' ? el('textarea', { rows: 4 })
      : el('input', { type: field.type === 'text' || field.type === 'email' || field.type === 'tel' || field.type === 'number' ? field.type : 'text' });
    Object.assign(control, { id, name: field.key, required: field.required });
    control.setAttribute('aria-describedby', described);
    if (field.placeholder && !(control instanceof HTMLSelectElement)) control.placeholder = field.placeholder;
    const v = field.validation ?? {};
    if (control instanceof HTMLInputElement) {
      if (v.pattern) control.pattern = v.pattern;
      if (v.min !== undefined) control.min = String(v.min);
      if (v.max !== undefined) control.max = String(v.max);
    }
    if (v.maxLength !== undefined && !(control instanceof HTMLSelectElement)) control.maxLength = v.maxLength;
    const auto = autocompleteOf(field.key);
    if (auto) control.setAttribute('autocomplete', auto);
    wrap.append(el('label', { htmlFor: id }, field.label, ...required()), control);
    Object.assign(fc, { controls: [control], read: () => ({ value: control.value }) });
  }
  if (help) wrap.append(help);
  if (declinable(field)) {
    // Its name says which question it declines (several "Prefer not to say" boxes sound alike).
    const decline = el('input', { type: 'checkbox', id: `${id}-d`, className: 'tsr-decline', attrs: { 'aria-label': `${texts.decline}: ${field.label}` } });
    decline.onchange = () => fc.controls.forEach((c) => { c.disabled = decline.checked; });
    wrap.append(el('div', { className: 'tsr-option' }, decline, el('label', { htmlFor: decline.id }, texts.decline)));
    fc.decline = decline;
  }
  wrap.append(error);
  return fc;
}

/** Shows (or clears, with '') a field's error: text, aria-invalid on its controls. */
export function showError(fc: FieldControl, message: string): void {
  fc.error.textContent = message;
  for (const c of fc.controls) {
    if (message) c.setAttribute('aria-invalid', 'true');
    else c.removeAttribute('aria-invalid');
  }
}
