/**
 * Forms, for the marketer: the list of forms, and the designer of one form — its settings
 * (progressive profiling: new questions per view, always-shown fields, the decline cool-down, the
 * cost of losing a lead), the field pool, a live preview of what the saved form asks a new and a
 * known visitor and why (GET /v1/forms/{id}/preview), the embed snippet with a copy button, and
 * the drop-off report as a table with bars (GET /v1/forms/{id}/report).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, del, get, post } from '../api.js';
import { Confirm, ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors, type FormErrors } from '../components/form-errors.js';
import { count, dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

type Texts = Record<string, string>;
/** A field of the pool as the API reads and writes it (src/core/forms/form-definition.ts). */
export interface PoolField {
  key: string; type: string; label: Texts; required: boolean; purpose: string; role: string; weight: number;
  options?: Array<{ value: string; label: Texts }>;
  consent?: { text: Texts; version: string };
  placeholder?: Texts; help?: Texts; validation?: Record<string, unknown>; errorMessage?: Texts; personal?: boolean; knownAs?: string[];
}
export interface FormDef {
  id: string; name: string; defaultLocale: string; fields: PoolField[]; alwaysShow: string[]; maxNewQuestions: number;
  submitLabel: Texts; thankYou: { message: Texts; redirectUrl?: string }; kiosk: boolean; declineCooldownDays: number; dropOffCost: number; archived: boolean;
  createdAt?: string | number; updatedAt?: string | number;
}
interface Preview {
  formId: string; profileId: string | null; stage?: string; qualified?: boolean; complete?: boolean;
  fields: Array<{ key: string; kind: 'always' | 'next'; known?: boolean; why: string; score?: number }>;
  skipped?: Array<{ key: string; reason: string }>;
}
interface Funnel { views: number; starts: number; submits: number; abandons: number; conversion: number | null; completion: number | null }
interface Report {
  formId: string; from: string; to: string; totals: Funnel;
  byFieldsShown: Array<Funnel & { fields: number }>;
  fields: Array<Funnel & { key: string; exits: number; dropOff: { rate: number; trials: number; prior: boolean } }>;
}

/** What the designer may choose (the API's lists, src/core/forms/form-definition.ts). */
const FIELD_TYPES = ['text', 'email', 'tel', 'number', 'select', 'radio', 'checkbox', 'textarea', 'consent'] as const;
const FIELD_ROLES = ['email', 'name', 'company', 'role', 'budget', 'authority', 'need', 'timeline', 'other'] as const;

const when = (v: string | number | undefined, lang: 'en' | 'de') => (v === undefined ? '—' : dateTime(typeof v === 'number' ? new Date(v).toISOString() : v, lang));
const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10} %`);

export function Forms() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const forms = useAsync(() => get<{ forms: FormDef[] }>('/v1/forms'), []);
  return (
    <>
      <h1>{t('forms.title')}</h1>
      <p>{t('forms.intro')}</p>
      {access.Forms?.change === true && <div class="actions"><Link to="/forms/new" class="button primary">{t('forms.new')}</Link></div>}
      {forms.loading && !forms.data && <Loading />}
      {forms.error !== null && <ErrorBox error={forms.error} />}
      {forms.data && (forms.data.forms.length === 0 ? <p>{t('forms.none')}</p> : (
        <table class="data">
          <caption class="visually-hidden">{t('forms.title')}</caption>
          <thead><tr><th scope="col">{t('forms.name')}</th><th scope="col">{t('forms.id')}</th><th scope="col" class="num">{t('forms.fields')}</th><th scope="col" class="num">{t('forms.perView')}</th><th scope="col">{t('forms.updated')}</th></tr></thead>
          <tbody>{forms.data.forms.map((f) => (
            <tr key={f.id}>
              <th scope="row"><Link to={`/forms/${encodeURIComponent(f.id)}`}>{f.name}</Link>{f.archived && <span class="badge">{t('forms.archived')}</span>}</th>
              <td><code>{f.id}</code></td><td class="num">{f.fields.length}</td><td class="num">{f.maxNewQuestions}</td><td>{when(f.updatedAt, lang)}</td>
            </tr>
          ))}</tbody>
        </table>
      ))}
    </>
  );
}

const blankField = (locale: string, n: number): PoolField => ({ key: n === 0 ? 'email' : '', type: n === 0 ? 'email' : 'text', label: { [locale]: n === 0 ? 'E-mail' : '' }, required: n === 0, purpose: 'necessary', role: n === 0 ? 'email' : 'other', weight: n === 0 ? 10 : 5 });

const blankForm = (): FormDef => ({
  id: '', name: '', defaultLocale: 'en', fields: [blankField('en', 0)], alwaysShow: ['email'], maxNewQuestions: 2,
  submitLabel: { en: 'Submit' }, thankYou: { message: { en: 'Thank you!' } }, kiosk: false, declineCooldownDays: 90, dropOffCost: 5, archived: false,
});

/** The definition the API takes (PUT /v1/forms/{id}; POST adds the id): no timestamps. */
function body(d: FormDef, withId: boolean) {
  const { id, createdAt: _c, updatedAt: _u, ...rest } = d as FormDef & { workspaceId?: string };
  delete (rest as { workspaceId?: string }).workspaceId;
  return withId ? { id, ...rest } : rest;
}

export function FormDesigner(props: { id?: string }) {
  const { t } = useI18n();
  const { access } = useSession();
  const mayChange = access.Forms?.change === true;
  const isNew = props.id === undefined;
  const loc = useLocation();
  const stored = useAsync(async () => (props.id ? get<FormDef>(`/v1/forms/${encodeURIComponent(props.id)}`) : null), [props.id]);
  const purposes = useAsync(async () => (access.Privacy?.read ? (await get<{ purposes: Array<{ key: string; name: string }> }>('/v1/privacy/settings')).purposes : []), []);
  const [draft, setDraft] = useState<FormDef | null>(null);
  const [savedAt, setSavedAt] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const form = draft ?? stored.data ?? (isNew ? blankForm() : null);
  useEffect(() => { setDraft(null); }, [props.id]);
  const fieldPaths = ['id', 'name', 'defaultLocale', 'maxNewQuestions', 'declineCooldownDays', 'dropOffCost', 'alwaysShow', 'submitLabel', 'thankYou', 'kiosk',
    ...(form?.fields ?? []).flatMap((_, i) => ['key', 'type', 'label', 'purpose', 'role', 'weight', 'required', 'options', 'consent'].map((k) => `fields.${i}.${k}`))];
  const errors = useFormErrors(fieldPaths);
  const formRef = useRef<HTMLFormElement>(null);

  if (!form) {
    return (<><p class="crumbs"><Link to="/forms">{t('forms.title')}</Link></p><h1>{props.id}</h1>{stored.loading && <Loading />}{stored.error !== null && <ErrorBox error={stored.error} />}</>);
  }
  const change = (patch: Partial<FormDef>) => setDraft({ ...form, ...patch });
  const changeField = (i: number, patch: Partial<PoolField>) => change({ fields: form.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  const loc0 = form.defaultLocale || 'en';

  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(formRef.current, async () => {
      if (isNew) {
        const created = await post<FormDef>('/v1/forms', body(form, true));
        navigate(`/forms/${encodeURIComponent(created.id)}?created=1`);
      } else {
        await api<FormDef>('PUT', `/v1/forms/${encodeURIComponent(form.id)}`, { body: body(form, false) });
        setDraft(null); stored.reload(); setSavedAt(Date.now());
      }
    });
  };
  const remove = async () => {
    try { await del(`/v1/forms/${encodeURIComponent(form.id)}`); navigate('/forms'); } catch (e) { setDeleteError(e); setConfirmDelete(false); }
  };
  const num = (v: string) => (v === '' ? (null as unknown as number) : Number(v));

  return (
    <>
      <p class="crumbs"><Link to="/forms">{t('forms.title')}</Link></p>
      <h1>{isNew ? t('form.newTitle') : form.name}</h1>
      {(savedAt > 0 || loc.query.get('created')) && !draft && <Notice kind="success">{t('form.saved')}</Notice>}
      {deleteError !== null && <ErrorBox error={deleteError} />}
      <div class="designer-grid">
        <form ref={formRef} onSubmit={save} noValidate aria-labelledby="design-h">
          <h2 id="design-h" class="visually-hidden">{t('form.design')}</h2>
          <FormSummary errors={errors} />
          <Section id="form-settings-h" title={t('form.settings')}>
            <div class="form-settings">
              {isNew && <Field label={t('forms.id')} name="id" errors={errors} hint={t('form.idHint')} value={form.id} required onInput={(e) => change({ id: (e.currentTarget as HTMLInputElement).value })} />}
              <Field label={t('forms.name')} name="name" errors={errors} value={form.name} required disabled={!mayChange} onInput={(e) => change({ name: (e.currentTarget as HTMLInputElement).value })} />
              <Field label={t('form.locale')} name="defaultLocale" errors={errors} hint={t('form.localeHint')} value={form.defaultLocale} disabled={!mayChange} onInput={(e) => change({ defaultLocale: (e.currentTarget as HTMLInputElement).value })} />
              <Field label={t('form.maxNew')} name="maxNewQuestions" errors={errors} hint={t('form.maxNewHint')} type="number" min={0} max={20} value={String(form.maxNewQuestions ?? '')} disabled={!mayChange} onInput={(e) => change({ maxNewQuestions: num((e.currentTarget as HTMLInputElement).value) })} />
              <Field label={t('form.cooldown')} name="declineCooldownDays" errors={errors} type="number" min={0} max={3650} value={String(form.declineCooldownDays ?? '')} disabled={!mayChange} onInput={(e) => change({ declineCooldownDays: num((e.currentTarget as HTMLInputElement).value) })} />
              <Field label={t('form.dropOffCost')} name="dropOffCost" errors={errors} hint={t('form.dropOffCostHint')} type="number" min={0} max={100} value={String(form.dropOffCost ?? '')} disabled={!mayChange} onInput={(e) => change({ dropOffCost: num((e.currentTarget as HTMLInputElement).value) })} />
              <Field label={t('form.submitLabel')} name="submitLabel" errors={errors} value={form.submitLabel[loc0] ?? ''} disabled={!mayChange} onInput={(e) => change({ submitLabel: { ...form.submitLabel, [loc0]: (e.currentTarget as HTMLInputElement).value } })} />
              <Field label={t('form.thankYou')} name="thankYou" errors={errors} value={form.thankYou.message[loc0] ?? ''} disabled={!mayChange} onInput={(e) => change({ thankYou: { ...form.thankYou, message: { ...form.thankYou.message, [loc0]: (e.currentTarget as HTMLInputElement).value } } })} />
            </div>
            <label class="check"><input type="checkbox" checked={form.kiosk} disabled={!mayChange} onChange={(e) => change({ kiosk: (e.currentTarget as HTMLInputElement).checked })} /> {t('form.kiosk')}</label>
          </Section>
          <Section id="pool-h" title={t('form.pool')}>
            <p class="hint">{t('form.poolIntro')}</p>
            {purposes.data && purposes.data.length > 0 && <datalist id="purpose-list">{purposes.data.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}</datalist>}
            <ol class="rules">
              {form.fields.map((f, i) => (
                <li key={i}>
                  <PoolFieldEditor field={f} n={i + 1} path={`fields.${i}`} locale={loc0} errors={errors} disabled={!mayChange}
                    always={form.alwaysShow.includes(f.key)}
                    onAlways={(on) => change({ alwaysShow: on ? [...form.alwaysShow.filter((k) => k !== f.key), f.key] : form.alwaysShow.filter((k) => k !== f.key) })}
                    onChange={(patch) => {
                      // A renamed field keeps its "always" tick.
                      if (patch.key !== undefined && form.alwaysShow.includes(f.key)) {
                        setDraft({ ...form, alwaysShow: form.alwaysShow.map((k) => (k === f.key ? patch.key! : k)), fields: form.fields.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
                      } else changeField(i, patch);
                    }}
                    onUp={i > 0 ? () => { const fs = [...form.fields]; [fs[i - 1], fs[i]] = [fs[i]!, fs[i - 1]!]; change({ fields: fs }); } : undefined}
                    onRemove={() => change({ fields: form.fields.filter((_, j) => j !== i), alwaysShow: form.alwaysShow.filter((k) => k !== f.key) })} />
                </li>
              ))}
            </ol>
            {mayChange && <button type="button" onClick={() => change({ fields: [...form.fields, blankField(loc0, form.fields.length)] })}>{t('form.addField')}</button>}
          </Section>
          {mayChange && (
            <div class="actions">
              <button type="submit" class="primary" disabled={errors.busy}>{isNew ? t('form.create') : t('form.save')}</button>
              {!isNew && <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>{t('form.delete')}</button>}
            </div>
          )}
        </form>
        <div class="side">
          {isNew ? <Section id="preview-h" title={t('form.preview')}><p>{t('form.previewSaveFirst')}</p></Section>
            : stored.data && <FormPreview form={stored.data} version={savedAt} />}
          {!isNew && <Embed id={form.id} />}
        </div>
      </div>
      {!isNew && stored.data && <DropOffReport form={stored.data} />}
      <Confirm open={confirmDelete} title={t('form.deleteTitle', { name: form.name })} confirmLabel={t('form.delete').replace('…', '')} onCancel={() => setConfirmDelete(false)} onConfirm={() => void remove()}>
        <p>{t('form.deleteBody')}</p>
      </Confirm>
    </>
  );
}

let ids = 0;
function Mini(props: { label: string; error?: string | undefined; children: (id: string, described: string | undefined) => preact.ComponentChildren }) {
  const id = useRef(`pf-${++ids}`).current;
  return (
    <div class="mini">
      <label for={id}>{props.label}</label>
      {props.children(id, props.error ? `${id}-e` : undefined)}
      {props.error && <p class="error" id={`${id}-e`}>{props.error}</p>}
    </div>
  );
}

function optionsText(f: PoolField, locale: string): string {
  return (f.options ?? []).map((o) => `${o.value} = ${o.label[locale] ?? ''}`).join('\n');
}
function parseOptions(text: string, locale: string, before: PoolField['options']): PoolField['options'] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return undefined;
  return lines.map((line) => {
    const i = line.indexOf('=');
    const value = (i >= 0 ? line.slice(0, i) : line).trim();
    const label = (i >= 0 ? line.slice(i + 1) : line).trim();
    const held = before?.find((o) => o.value === value);
    return { value, label: { ...(held?.label ?? {}), [locale]: label } };
  });
}

function PoolFieldEditor(props: {
  field: PoolField; n: number; path: string; locale: string; errors: FormErrors; disabled: boolean; always: boolean;
  onChange(patch: Partial<PoolField>): void; onAlways(on: boolean): void; onUp?: (() => void) | undefined; onRemove(): void;
}) {
  const { t } = useI18n();
  const { field: f, path, errors, locale } = props;
  const err = (k: string) => errors.of(`${path}.${k}`);
  const invalid = ['key', 'type', 'label', 'purpose', 'role', 'weight', 'required', 'options', 'consent'].some((k) => err(k));
  const choice = f.type === 'select' || f.type === 'radio';
  // The options text is kept as typed (blank lines, a half-typed "value =") and parsed on each change.
  const [optText, setOptText] = useState(() => optionsText(f, locale));
  const setType = (type: string) => {
    const patch: Partial<PoolField> = { type };
    if (type === 'select' || type === 'radio') { if (!f.options) patch.options = parseOptions(optText, locale, undefined); } else patch.options = undefined;
    if (type === 'consent') { if (!f.consent) patch.consent = { text: { [locale]: '' }, version: '1' }; } else patch.consent = undefined;
    props.onChange(patch);
  };
  return (
    <fieldset class={`leaf pool-field${invalid ? ' invalid' : ''}`}>
      <legend>{t('form.field', { n: props.n })}{f.key ? `: ${f.key}` : ''}</legend>
      <div class="leaf-inputs">
        <Mini label={t('form.key')} error={err('key')}>{(id, d) => <input id={id} value={f.key} disabled={props.disabled} aria-invalid={err('key') ? 'true' : undefined} aria-describedby={d} onInput={(e) => props.onChange({ key: (e.currentTarget as HTMLInputElement).value })} />}</Mini>
        <Mini label={t('form.type')} error={err('type')}>{(id, d) => <select id={id} value={f.type} disabled={props.disabled} aria-describedby={d} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>{FIELD_TYPES.map((x) => <option key={x} value={x}>{x}</option>)}</select>}</Mini>
        <Mini label={t('form.label')} error={err('label')}>{(id, d) => <input id={id} value={f.label[locale] ?? ''} disabled={props.disabled} aria-invalid={err('label') ? 'true' : undefined} aria-describedby={d} onInput={(e) => props.onChange({ label: { ...f.label, [locale]: (e.currentTarget as HTMLInputElement).value } })} />}</Mini>
        <Mini label={t('form.purpose')} error={err('purpose')}>{(id, d) => <input id={id} list="purpose-list" value={f.purpose} disabled={props.disabled} aria-invalid={err('purpose') ? 'true' : undefined} aria-describedby={d} onInput={(e) => props.onChange({ purpose: (e.currentTarget as HTMLInputElement).value })} />}</Mini>
        <Mini label={t('form.role')} error={err('role')}>{(id, d) => <select id={id} value={f.role} disabled={props.disabled} aria-describedby={d} onChange={(e) => props.onChange({ role: (e.currentTarget as HTMLSelectElement).value })}>{FIELD_ROLES.map((x) => <option key={x} value={x}>{x}</option>)}</select>}</Mini>
        <Mini label={t('form.weight')} error={err('weight')}>{(id, d) => <input id={id} type="number" min={0} max={10} step="0.5" value={String(f.weight ?? '')} disabled={props.disabled} aria-invalid={err('weight') ? 'true' : undefined} aria-describedby={d} onInput={(e) => { const v = (e.currentTarget as HTMLInputElement).value; props.onChange({ weight: v === '' ? (null as unknown as number) : Number(v) }); }} />}</Mini>
        <div class="mini check"><input id={`req-${path}`} type="checkbox" checked={f.required} disabled={props.disabled} onChange={(e) => props.onChange({ required: (e.currentTarget as HTMLInputElement).checked })} /><label for={`req-${path}`}>{t('form.required')}</label></div>
        <div class="mini check"><input id={`always-${path}`} type="checkbox" checked={props.always} disabled={props.disabled || !f.key} onChange={(e) => props.onAlways((e.currentTarget as HTMLInputElement).checked)} /><label for={`always-${path}`}>{t('form.always')}</label></div>
        {choice && (
          <Mini label={t('form.options')} error={err('options')}>{(id, d) => <textarea id={id} rows={3} value={optText} disabled={props.disabled} aria-invalid={err('options') ? 'true' : undefined} aria-describedby={d}
            onInput={(e) => { const v = (e.currentTarget as HTMLTextAreaElement).value; setOptText(v); props.onChange({ options: parseOptions(v, locale, f.options) }); }} />}</Mini>
        )}
        {f.type === 'consent' && (
          <>
            <Mini label={t('form.consentText')} error={err('consent')}>{(id, d) => <textarea id={id} rows={2} value={f.consent?.text[locale] ?? ''} disabled={props.disabled} aria-invalid={err('consent') ? 'true' : undefined} aria-describedby={d}
              onInput={(e) => props.onChange({ consent: { version: f.consent?.version ?? '1', text: { ...(f.consent?.text ?? {}), [locale]: (e.currentTarget as HTMLTextAreaElement).value } } })} />}</Mini>
            <Mini label={t('form.consentVersion')}>{(id) => <input id={id} value={f.consent?.version ?? ''} disabled={props.disabled} onInput={(e) => props.onChange({ consent: { text: f.consent?.text ?? {}, version: (e.currentTarget as HTMLInputElement).value } })} />}</Mini>
          </>
        )}
        {!props.disabled && props.onUp && <button type="button" class="remove" aria-label={t('form.up', { n: props.n })} onClick={props.onUp}>↑</button>}
        {!props.disabled && <button type="button" class="remove" aria-label={t('form.remove', { n: props.n })} onClick={props.onRemove}>✕</button>}
      </div>
    </fieldset>
  );
}

/** What the saved form asks a new visitor, or a known one (any identifier), with the reasons. */
function FormPreview(props: { form: FormDef; version: number }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'new' | 'known'>('new');
  const [who, setWho] = useState('');
  const [asked, setAsked] = useState('');
  const profile = mode === 'known' ? asked : '';
  const preview = useAsync(async () => (mode === 'known' && !profile ? null
    : get<Preview>(`/v1/forms/${encodeURIComponent(props.form.id)}/preview`, profile ? { profile } : {})), [props.form.id, mode, profile, props.version, props.form.updatedAt]);
  const loc = props.form.defaultLocale;
  const byKey = new Map(props.form.fields.map((f) => [f.key, f]));
  const p = preview.data;
  return (
    <Section id="preview-h" title={t('form.preview')}>
      <p class="hint">{t('form.previewIntro')}</p>
      <div class="segmented" role="group" aria-label={t('form.preview')}>
        <button type="button" aria-pressed={mode === 'new'} onClick={() => setMode('new')}>{t('form.previewNew')}</button>
        <button type="button" aria-pressed={mode === 'known'} onClick={() => setMode('known')}>{t('form.previewKnown')}</button>
      </div>
      {mode === 'known' && (
        <form class="search-row" onSubmit={(e) => { e.preventDefault(); setAsked(who.trim()); }}>
          <div class="field"><label for="preview-who">{t('form.previewWho')}</label><input id="preview-who" value={who} onInput={(e) => setWho((e.currentTarget as HTMLInputElement).value)} /></div>
          <button type="submit">{t('form.previewShow')}</button>
        </form>
      )}
      {preview.loading && <Loading />}
      {preview.error !== null && <ErrorBox error={preview.error} />}
      {p && !preview.loading && (
        <div aria-live="polite">
          <p class="summary">{t('form.previewAsks', { n: p.fields.length, stage: p.stage ?? '—', qualified: p.qualified ? t('form.qualified') : '' })}</p>
          {p.fields.length === 0 ? <p>{t('form.complete')}</p> : (
            <div class="preview-form" aria-label={`${t('form.preview')}: ${props.form.name}`} role="group">
              {p.fields.map((q) => {
                const f = byKey.get(q.key);
                const label = f?.label[loc] ?? q.key;
                const id = `pv-${q.key}`;
                return (
                  <div class="pf" key={q.key}>
                    {f?.type === 'consent' || f?.type === 'checkbox'
                      ? <label><input type="checkbox" disabled /> {f.type === 'consent' ? f.consent?.text[loc] ?? label : label}</label>
                      : <label for={id}>{label}{f?.required ? ' *' : ''}{q.known && <span class="badge">{t('form.prefilled')}</span>}</label>}
                    {f && (f.type === 'select' || f.type === 'radio') && <select id={id} disabled><option>{f.options?.map((o) => o.label[loc]).join(' / ')}</option></select>}
                    {f && f.type === 'textarea' && <textarea id={id} disabled rows={2} />}
                    {(!f || ['text', 'email', 'tel', 'number'].includes(f.type)) && <input id={id} type={f?.type ?? 'text'} disabled />}
                    <p class="why">{q.why}</p>
                  </div>
                );
              })}
              <button type="button" class="primary" disabled>{props.form.submitLabel[loc] ?? 'Submit'}</button>
            </div>
          )}
          {p.skipped && p.skipped.length > 0 && (
            <>
              <h3 class="subhead">{t('form.skipped')}</h3>
              <ul class="plain">{p.skipped.map((s) => <li key={s.key}><strong>{byKey.get(s.key)?.label[loc] ?? s.key}</strong>: {s.reason}</li>)}</ul>
            </>
          )}
        </div>
      )}
    </Section>
  );
}

function Embed(props: { id: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  // The tracker's address is Tessera's own: the address this app is served from.
  const snippet = `<script defer src="${location.origin}/t.js" data-write-key="wk_…"></script>\n<div data-tessera-form="${props.id}">\n  <a href="/contact">Contact us</a>\n</div>`;
  const copy = async () => {
    try { await navigator.clipboard.writeText(snippet); setCopied('ok'); } catch { setCopied('failed'); }
  };
  return (
    <Section id="embed-h" title={t('form.embed')}>
      <p class="hint">{t('form.embedIntro')}</p>
      <pre class="snippet" tabIndex={0} aria-label={t('form.embed')}><code>{snippet}</code></pre>
      <div class="actions"><button type="button" onClick={() => void copy()}>{t('form.copy')}</button></div>
      {copied && <p role="status">{copied === 'ok' ? t('form.copied') : t('form.copyFailed')}</p>}
    </Section>
  );
}

function Bar(props: { value: number | null; kind?: 'ok' | 'bad'; label: string }) {
  const v = props.value ?? 0;
  return (
    <div class="bar-cell">
      <div class={`bar${props.kind === 'ok' ? ' ok' : ''}`} aria-hidden="true"><span style={{ width: `${Math.min(100, Math.max(0, v * 100))}%` }} /></div>
      <span>{props.label}</span>
    </div>
  );
}

function DropOffReport(props: { form: FormDef }) {
  const { t, lang } = useI18n();
  const report = useAsync(() => get<Report>(`/v1/forms/${encodeURIComponent(props.form.id)}/report`), [props.form.id]);
  const r = report.data;
  const label = (key: string) => props.form.fields.find((f) => f.key === key)?.label[props.form.defaultLocale] ?? key;
  return (
    <Section id="report-h" title={t('form.report')}>
      {report.loading && !r && <Loading />}
      {report.error !== null && <ErrorBox error={report.error} />}
      {r && (
        <>
          <p class="summary">{r.totals.views === 0 ? t('form.reportNone') : t('form.reportTotals', { views: count(r.totals.views, lang), starts: count(r.totals.starts, lang), submits: count(r.totals.submits, lang), conversion: pct(r.totals.conversion) })}</p>
          <table class="data compact">
            <caption>{t('form.reportCaption')} ({r.from} – {r.to})</caption>
            <thead><tr>
              <th scope="col">{t('form.label')}</th><th scope="col" class="num">{t('form.views')}</th><th scope="col" class="num">{t('form.starts')}</th>
              <th scope="col" class="num">{t('form.submits')}</th><th scope="col" class="num">{t('form.abandons')}</th><th scope="col" class="num">{t('form.exits')}</th><th scope="col">{t('form.dropOff')}</th>
            </tr></thead>
            <tbody>{r.fields.map((f) => (
              <tr key={f.key}>
                <th scope="row">{label(f.key)} <code>{f.key}</code></th>
                <td class="num">{count(f.views, lang)}</td><td class="num">{count(f.starts, lang)}</td><td class="num">{count(f.submits, lang)}</td>
                <td class="num">{count(f.abandons, lang)}</td><td class="num">{count(f.exits, lang)}</td>
                <td><Bar value={f.dropOff.rate} label={`${pct(f.dropOff.rate)}${f.dropOff.prior ? ' (prior)' : ` · n=${f.dropOff.trials}`}`} /></td>
              </tr>
            ))}</tbody>
          </table>
          {r.byFieldsShown.length > 0 && (
            <table class="data compact">
              <caption>{t('form.byShown')}</caption>
              <thead><tr><th scope="col">{t('form.shown')}</th><th scope="col" class="num">{t('form.views')}</th><th scope="col" class="num">{t('form.submits')}</th><th scope="col">{t('form.conversion')}</th></tr></thead>
              <tbody>{r.byFieldsShown.map((b) => (
                <tr key={b.fields}><th scope="row">{b.fields}</th><td class="num">{count(b.views, lang)}</td><td class="num">{count(b.submits, lang)}</td><td><Bar kind="ok" value={b.conversion} label={pct(b.conversion)} /></td></tr>
              ))}</tbody>
            </table>
          )}
        </>
      )}
    </Section>
  );
}
