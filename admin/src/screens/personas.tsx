/**
 * Personas (GET /v1/personas, docs/personas.md): the current model's personas as aggregates — the
 * API leaves out every persona below the k-anonymity minimum and counts them as hidden — with their
 * generated or given labels, sizes and shares (circles whose areas are the shares, the figures in a
 * table beside them), and per persona the features that set it apart with their evidence (this
 * persona's mean, everyone's mean, the effect size as a bar). Marketers and admins rename, describe
 * and pin a persona (PATCH /v1/personas/{id}) and run a fit (POST /v1/personas/fit), followed with
 * its progress (GET /v1/personas/fit). Fields of the answers the screen does not know are ignored.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get, post } from '../api.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { CheckField, TextAreaField } from '../components/personalization-fields.js';
import { count, dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { PersonaMap, type Projection } from './persona-map.js';

export interface Evidence { feature: string; label: string; personaMean: number; populationMean: number; effectSize: number }
export interface PersonaView { id: string; name: string; description: string | null; pinned: boolean; size: number; share: number; distinguishing: Evidence[] }
export interface PersonaModel { version: number; fittedAt: string; sampleSize: number; changes?: unknown }
export interface PersonaList { model: PersonaModel | null; personas: PersonaView[]; hidden: number; projection?: Projection | null }
interface FitJob { id: string; state: 'running' | 'done' | 'failed'; phase: 'sample' | 'fit' | 'assign'; done: number; total: number; startedAt: string; finishedAt: string | null; version: number | null; error: string | null }

export function PersonasTabs(props: { current: 'personas' | 'audiences' }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('personas.tabs')} class="tabs">
      <Link to="/personas" aria-current={props.current === 'personas' ? 'page' : undefined}>{t('personas.tab.personas')}</Link>
      <Link to="/personas/audiences" aria-current={props.current === 'audiences' ? 'page' : undefined}>{t('personas.tab.audiences')}</Link>
    </nav>
  );
}

const percent = (share: number, lang: string) => `${(share * 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 })} %`;
const figure = (n: number, lang: string) => n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 2 });

export function Personas() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const mayChange = access.Personas?.change === true;
  const list = useAsync(() => get<PersonaList>('/v1/personas'), []);
  const data = list.data;
  return (
    <>
      <h1>{t('nav.personas')}</h1>
      <PersonasTabs current="personas" />
      <Section id="model-h" title={t('personas.model')} actions={mayChange ? <FitButton onDone={list.reload} /> : undefined}>
        <p>{t('personas.modelIntro')}</p>
        {list.loading && !data && <Loading />}
        {list.error !== null && <ErrorBox error={list.error} />}
        {data && !data.model && <p class="empty">{mayChange ? t('personas.noModel') : t('personas.noModelReadOnly')}</p>}
        {data?.model && (
          <ul class="tiles">
            <li><span class="tile-label">{t('personas.count')}</span><span class="tile-value">{count(data.personas.length, lang)}</span></li>
            <li><span class="tile-label">{t('personas.sampleSize')}</span><span class="tile-value">{count(data.model.sampleSize, lang)}</span></li>
            <li><span class="tile-label">{t('personas.version')}</span><span class="tile-value">{data.model.version}</span></li>
            <li><span class="tile-label">{t('personas.fittedAt')}</span><span class="tile-value small">{dateTime(data.model.fittedAt, lang)}</span></li>
          </ul>
        )}
        {data && data.hidden > 0 && <p class="hint">{t('personas.hidden', { n: data.hidden })}</p>}
      </Section>
      {data && data.personas.length > 1 && data.projection && <PersonaMap personas={data.personas} projection={data.projection} />}
      {data && data.personas.length > 0 && <Sizes personas={data.personas} />}
      {data?.personas.map((p) => <PersonaCard key={`${p.id}-${data.model?.version}`} persona={p} mayChange={mayChange} onSaved={list.reload} />)}
    </>
  );
}

/** Starts a fit and follows it; a fit already running (another tab, the CLI) is followed too. */
function FitButton(props: { onDone(): void }) {
  const { t, lang } = useI18n();
  const [job, setJob] = useState<FitJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState<string | null>(null);
  useEffect(() => { get<{ job: FitJob | null }>('/v1/personas/fit').then((r) => setJob(r.job), () => { /* shown on start */ }); }, []);
  useEffect(() => {
    if (job?.state !== 'running') return;
    const timer = setTimeout(() => {
      get<{ job: FitJob | null }>('/v1/personas/fit').then((r) => {
        setJob(r.job);
        if (r.job?.state === 'done') { setAnnounce(t('personas.fitDone', { version: r.job.version ?? '—' })); props.onDone(); }
        if (r.job?.state === 'failed') setAnnounce(t('personas.fitFailed', { reason: r.job.error ?? '' }));
      }, setError);
    }, 400);
    return () => clearTimeout(timer);
  }, [job]);
  const start = async () => {
    setError(null); setAnnounce(null);
    try { setJob((await post<{ job: FitJob }>('/v1/personas/fit')).job); } catch (e) { setError(e); }
  };
  const running = job?.state === 'running';
  const phaseKey = job ? (`personas.fitPhase.${job.phase}` as MessageKey) : null;
  return (
    <div class="fit">
      <button type="button" class="primary" onClick={start} disabled={running}>{running ? t('personas.fitRunning') : t('personas.runFit')}</button>
      {running && (
        <p class="fit-progress">
          <span>{phaseKey && t(phaseKey)}</span>{' '}
          <progress aria-label={t('personas.fitProgress')} max={job.total || 1} value={job.total ? job.done : undefined} />{' '}
          {job.total > 0 && <span>{count(job.done, lang)} / {count(job.total, lang)}</span>}
        </p>
      )}
      <div role="status" aria-live="polite">{announce && <p class={job?.state === 'failed' ? 'error' : 'hint'}>{announce}</p>}</div>
      {!running && !announce && job && job.state === 'failed' && <p class="hint">{t('personas.fitFailed', { reason: job.error ?? '' })}</p>}
      {error !== null && <ErrorBox error={error} />}
      {!running && !announce && job?.finishedAt && job.state !== 'failed' && <p class="hint">{t('personas.fitLast', { state: t(`personas.state.${job.state}` as MessageKey), at: dateTime(job.finishedAt, lang) })}</p>}
    </div>
  );
}

/** Circles whose areas are the shares, and the same figures in a table. */
function Sizes(props: { personas: PersonaView[] }) {
  const { t, lang } = useI18n();
  const max = Math.max(...props.personas.map((p) => p.share), 0.0001);
  const R = 46;
  const radius = (share: number) => Math.max(4, R * Math.sqrt(share / max));
  const width = props.personas.length * (2 * R + 16);
  const description = props.personas.map((p) => `${p.name}: ${percent(p.share, lang)}`).join('; ');
  return (
    <Section id="sizes-h" title={t('personas.sizes')}>
      <div class="persona-sizes">
        <svg viewBox={`0 0 ${width} ${2 * R + 34}`} width={width} height={2 * R + 34} role="img" aria-label={`${t('personas.sizesCaption')}: ${description}`}>
          {props.personas.map((p, i) => {
            const cx = i * (2 * R + 16) + R + 8;
            return (
              <g key={p.id}>
                <circle cx={cx} cy={R + 2} r={radius(p.share)} class={`persona-dot c${i % 6}`} />
                <text x={cx} y={2 * R + 22} text-anchor="middle">{p.id} · {percent(p.share, lang)}</text>
              </g>
            );
          })}
        </svg>
        <table class="data compact">
          <caption>{t('personas.sizesCaption')}</caption>
          <thead><tr><th scope="col">{t('personas.persona')}</th><th scope="col" class="num">{t('personas.size')}</th><th scope="col" class="num">{t('personas.share')}</th></tr></thead>
          <tbody>{props.personas.map((p) => (
            <tr key={p.id}><th scope="row"><a href={`#persona-${p.id}`}>{p.name}</a> <code>{p.id}</code></th><td class="num">{count(p.size, lang)}</td><td class="num">{percent(p.share, lang)}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </Section>
  );
}

function PersonaCard(props: { persona: PersonaView; mayChange: boolean; onSaved(): void }) {
  const { t, lang } = useI18n();
  const p = props.persona;
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const headId = `persona-${p.id}`;
  // The form goes away on save and cancel: the focus goes back to the persona, not to the page's start.
  const focusHeading = () => setTimeout(() => document.getElementById(headId)?.focus(), 0);
  return (
    <section class="card persona" aria-labelledby={headId}>
      <div class="card-head">
        <h2 id={headId} tabIndex={-1}>{p.name} <code>{p.id}</code>{p.pinned && <span class="badge">{t('personas.pinned')}</span>}</h2>
        {props.mayChange && !editing && <button type="button" aria-label={`${t('personas.edit')}: ${p.name}`} onClick={() => { setEditing(true); setSaved(null); }}>{t('personas.edit')}</button>}
      </div>
      <p>{p.description || <span class="hint">{t('personas.noDescription')}</span>}</p>
      <p class="hint">{t('personas.sizeLine', { n: count(p.size, lang), share: percent(p.share, lang) })}</p>
      {saved && <Notice kind="success">{t('personas.saved', { name: saved })}</Notice>}
      {editing && <LabelForm persona={p} onCancel={() => { setEditing(false); focusHeading(); }} onSaved={(name) => { setEditing(false); setSaved(name); props.onSaved(); focusHeading(); }} />}
      <Evidence persona={p} />
    </section>
  );
}

function Evidence(props: { persona: PersonaView }) {
  const { t, lang } = useI18n();
  const p = props.persona;
  if (!p.distinguishing?.length) return <p class="hint">{t('personas.noFeatures')}</p>;
  const extent = Math.max(1, ...p.distinguishing.map((e) => Math.abs(e.effectSize)));
  return (
    <table class="data compact evidence">
      <caption>{t('personas.features', { name: p.name })}</caption>
      <thead><tr><th scope="col">{t('personas.feature')}</th><th scope="col" class="num">{t('personas.personaMean')}</th><th scope="col" class="num">{t('personas.populationMean')}</th><th scope="col">{t('personas.effect')}</th></tr></thead>
      <tbody>{p.distinguishing.map((e) => {
        const width = (Math.abs(e.effectSize) / extent) * 50;
        return (
          <tr key={e.feature}>
            <th scope="row">{e.label}</th>
            <td class="num">{figure(e.personaMean, lang)}</td>
            <td class="num">{figure(e.populationMean, lang)}</td>
            <td><div class="bar-cell">
              <div class="effect" aria-hidden="true"><span class={e.effectSize >= 0 ? 'more' : 'less'} style={e.effectSize >= 0 ? { left: '50%', width: `${width}%` } : { right: '50%', width: `${width}%` }} /></div>
              <span>{t('personas.effectText', { sign: e.effectSize >= 0 ? '+' : '−', value: figure(Math.abs(e.effectSize), lang) })}</span>
            </div></td>
          </tr>
        );
      })}</tbody>
    </table>
  );
}

function LabelForm(props: { persona: PersonaView; onCancel(): void; onSaved(name: string): void }) {
  const { t } = useI18n();
  const p = props.persona;
  const [name, setName] = useState(p.name);
  const [description, setDescription] = useState(p.description ?? '');
  const [pinned, setPinned] = useState(p.pinned);
  const errors = useFormErrors(['name', 'description', 'pinned']);
  let form: HTMLFormElement | null = null;
  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const answer = await api<{ name: string | null }>('PATCH', `/v1/personas/${encodeURIComponent(p.id)}`, { body: { name, description, pinned } });
      props.onSaved(answer.name ?? name);
    });
  };
  return (
    <form ref={(f) => { form = f; }} onSubmit={save} class="inline-form" noValidate aria-label={t('personas.editTitle', { id: p.id })}>
      <FormSummary errors={errors} />
      <Field label={t('personas.name')} name="name" errors={errors} value={name} autoFocus onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <TextAreaField label={t('personas.description')} name="description" errors={errors} value={description} rows={3} onInput={setDescription} />
      <CheckField label={t('personas.pin')} name="pinned" errors={errors} checked={pinned} onChange={setPinned} />
      <div class="actions">
        <button type="submit" class="primary" disabled={errors.busy}>{t('personas.save')}</button>
        <button type="button" onClick={props.onCancel}>{t('confirm.cancel')}</button>
      </div>
    </form>
  );
}
