/** Small pieces every screen uses: loading and error states, the honest empty state, confirmation. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

export interface Async<T> { data: T | null; error: unknown; loading: boolean; reload(): void }

/** Runs `load` when `deps` change; a later load wins over an earlier one still under way. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then((data) => { if (live) setState({ data, error: null, loading: false }); }, (error: unknown) => { if (live) setState({ data: null, error, loading: false }); });
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function Loading() {
  const { t } = useI18n();
  return <p class="loading" role="status">{t('loading')}</p>;
}

export function ErrorBox(props: { error: unknown }) {
  const { t } = useI18n();
  const e = props.error;
  const message = e instanceof ApiError
    ? e.status === 0 ? t('error.network') : e.status === 403 ? t('error.forbidden') : e.status === 404 ? `${t('error.notFound')} ${e.message}` : e.message
    : String(e);
  return <div class="notice error" role="alert"><strong>{t('error.title')}:</strong> {message}</div>;
}

/** An area whose screens are not built yet: says so, and where the API reference documents it. */
export function EmptyArea(props: { title: string; docsTag: string }) {
  const { t } = useI18n();
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">{t('empty.title')}</h2>
      <p>{t('empty.body')} <a href={`/docs#/${encodeURIComponent(props.docsTag)}`}>{t('empty.docs', { tag: props.docsTag })}</a>.</p>
    </section>
  );
}

/**
 * A modal confirmation (the native <dialog>: focus is trapped and returned, Escape cancels).
 * `open` shows it; the confirm button carries `confirmLabel` and is styled as dangerous.
 */
let dialogs = 0;

export function Confirm(props: { open: boolean; title: string; children: ComponentChildren; confirmLabel: string; busy?: boolean; onConfirm(): void; onCancel(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Each dialog its own title id: a page may hold several (erase, unmerge).
  const titleId = useRef(`confirm-title-${++dialogs}`).current;
  const { t } = useI18n();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id={titleId}>{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="actions">
        <button type="button" onClick={props.onCancel} autoFocus>{t('confirm.cancel')}</button>
        <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>{props.confirmLabel}</button>
      </div>
    </dialog>
  );
}

export function Section(props: { id: string; title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <div class="card-head"><h2 id={props.id}>{props.title}</h2>{props.actions}</div>
      {props.children}
    </section>
  );
}
