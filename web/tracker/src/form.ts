/**
 * A Tessera form in a container element: fetches the questions to show now, renders them, checks
 * them in the browser (the browser's own localised validation messages), submits the new answers
 * only (a pre-filled value left as is is never sent back), maps the server's per-field issues
 * onto the fields, then shows the next questions or the thank-you. It reports `started` on the
 * first input and `abandoned` when the page is left after starting without submitting (the
 * drop-off model's counters; views and submissions are counted by the server).
 *
 * The container's own content stays until the form has loaded: a site can put a fallback there.
 */
import { buildForm, el, showError, type FormDom } from './form-dom.js';
import { answerOf, issuesByField, safeRedirect } from './form-logic.js';
import { textsFor, type ErrorAnswer, type FormTexts, type FormView, type SubmitAnswer } from './form-types.js';
import type { Transport } from './transport.js';

export interface FormHost {
  transport: Transport;
  locale: string;
  /** A shared device: the server neither recognises nor links the device (sent with every request). */
  kiosk: boolean;
  anonymousId(): string;
  /** The pre-fill token of a recognised visitor, or null. */
  recognition(): string | null;
  /** "Not you?": forgets the recognition and the visitor on this device, then re-renders forms. */
  forget(): Promise<void>;
  /** After a submission: a kiosk starts a fresh visitor. */
  submitted(): void;
}

export interface MountedForm {
  reload(): Promise<void>;
  /** The page is being left: report an abandoned form (by beacon). */
  leave(): void;
}

export function mountForm(host: FormHost, formId: string, container: HTMLElement, texts: Partial<FormTexts> = {}): MountedForm {
  const t = { ...textsFor(host.locale), ...texts };
  const path = `/v1/forms/${encodeURIComponent(formId)}`;
  const kiosk = host.kiosk ? { kiosk: true } : {};
  let view: FormView | null = null;
  let dom: FormDom | null = null;
  let started: string[] | null = null;

  const report = (event: 'started' | 'abandoned', beacon: boolean) => {
    // An abandonment names the fields the visitor had touched (the drop-off model's evidence).
    if (view) void host.transport.post(`${path}/events`, { anonymousId: host.anonymousId(), viewId: view.viewId, event, ...kiosk, ...(event === 'abandoned' && started ? { fields: started } : {}) }, beacon);
  };

  const draw = (next: FormView, focus: boolean) => {
    view = next;
    started = null;
    dom = buildForm(next, t);
    const d = dom;
    container.replaceChildren(d.form);
    d.form.addEventListener('input', (e) => {
      const key = (e.target as HTMLElement).closest('.tsr-field')?.getAttribute('data-key');
      if (started === null) { started = []; report('started', false); }
      if (key && !started.includes(key)) started.push(key);
    });
    d.form.onsubmit = (e) => { e.preventDefault(); void submit(d); };
    if (d.notYou) d.notYou.onclick = () => { void host.forget(); };
    // The next questions take the focus (not a pre-filled field): a keyboard user goes on typing.
    if (focus) (d.fields.find((f) => !f.prefilled) ?? d.fields[0])?.controls[0]?.focus();
  };

  const thank = (message: string, redirectUrl?: string) => {
    view = null;
    const note = el('p', { className: 'tsr-thanks', tabIndex: -1, attrs: { role: 'status' } }, message);
    container.replaceChildren(note);
    note.focus();
    const target = safeRedirect(redirectUrl, location.href);
    if (target) location.assign(target);
  };

  const submit = async (d: FormDom) => {
    if (!view || d.submit.disabled) return;
    const answers: Record<string, unknown> = {};
    const declined: string[] = [];
    const errors: string[] = [];
    let first: HTMLElement | null = null;
    for (const fc of d.fields) {
      let message = '';
      if (fc.decline?.checked) declined.push(fc.field.key);
      else if (!fc.prefilled) {
        const invalid = fc.controls.find((c) => !c.checkValidity());
        if (invalid) message = invalid.validationMessage;
        const answer = answerOf(fc.field, fc.read());
        if (answer !== undefined) answers[fc.field.key] = answer;
      }
      showError(fc, message);
      if (message) { errors.push(`${fc.field.label}: ${message}`); first ??= fc.controls[0] ?? null; }
    }
    if (errors.length) {
      d.status.textContent = `${t.errors} ${errors.join(' ')}`;
      first?.focus();
      return;
    }
    d.status.textContent = '';
    d.submit.disabled = true;
    const recognition = host.recognition();
    const sent = await host.transport.post<SubmitAnswer & ErrorAnswer>(`${path}/submit`, {
      anonymousId: host.anonymousId(), viewId: view.viewId, answers, locale: host.locale, ...kiosk,
      ...(declined.length ? { declined } : {}), ...(recognition ? { recognition } : {}),
    });
    d.submit.disabled = false;
    const body = sent.body;
    if (sent.status === 200 && body?.ok) {
      host.submitted();
      if (body.next && !body.next.complete && body.next.fields.length > 0) draw(body.next, true);
      else thank(body.thankYou?.message ?? body.next?.form.thankYou.message ?? '', body.thankYou?.redirectUrl);
      return;
    }
    const byField = issuesByField(body?.error?.issues ?? [], d.fields.map((f) => f.field.key));
    const lines: string[] = [];
    for (const fc of d.fields) {
      const message = byField.get(fc.field.key) ?? '';
      showError(fc, message);
      if (message) { lines.push(`${fc.field.label}: ${message}`); first ??= fc.controls[0] ?? null; }
    }
    const general = byField.get('') ?? (lines.length ? '' : body?.error?.message ?? t.failed);
    d.status.textContent = lines.length ? `${t.errors} ${lines.join(' ')} ${general}`.trim() : general;
    first?.focus();
  };

  return {
    async reload() {
      const recognition = host.recognition();
      const answer = await host.transport.get<FormView>(`${path}/render`, { anonymousId: host.anonymousId(), locale: host.locale, ...(host.kiosk ? { kiosk: 'true' } : {}) },
        recognition ? { 'x-tessera-recognition': recognition } : undefined);
      // A view with nothing left to ask still renders (the submit button alone, e.g. a one-click
      // download for a known visitor); a failed render leaves the container's fallback as it is.
      if (answer.status === 200 && answer.body?.form) draw(answer.body, false);
      else console.warn(`tessera: form "${formId}" not shown (${answer.status || 'network error'}${(answer.body as ErrorAnswer | null)?.error ? `: ${(answer.body as unknown as ErrorAnswer).error.message}` : ''})`);
    },
    leave() {
      if (started !== null && view) { report('abandoned', true); started = null; }
    },
  };
}
