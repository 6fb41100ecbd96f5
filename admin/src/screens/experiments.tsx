/**
 * Experiments: the list, the set-up form (variations with weights, coverage, targeting with the
 * segment builder's condition editor, namespace, goal; POST /v1/experiments, PUT
 * /v1/experiments/{key}) and the results (GET /v1/experiments/{key}/results): per variation the
 * people, conversions and rate, the uplift against the control with its interval from both engines
 * (bars on one scale, the figures in the table), the chance to beat the control, the sample-ratio
 * check (a mismatch is said first and loudly) and the warnings. The results document grows; what
 * this screen does not know is left out, and what it reads may be missing.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, api, apiUrl, get, post, type FieldIssue } from '../api.js';
import type { SegmentView } from '../api-types.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { CheckField, SelectField } from '../components/personalization-fields.js';
import { fromCondition, newGroup, newLeaf, toCondition, type Group } from '../condition-model.js';
import { count, dateTime } from '../format.js';
import { useI18n, type Lang } from '../i18n.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';
import { ConditionRules, usePersonaOptions } from './segment-builder.js';
import { BeforeAfterPanel } from './before-after.js';
import { HoldoutPanel } from './experiment-holdout.js';
import { BanditWeights, type BanditHistory } from './experiment-bandit.js';
import { UpliftOverTime, type SeriesPoint } from './experiment-series.js';
import { ConcludePanel } from './experiment-conclude.js';
import { MetricsEditor, metricRow, type MetricRow } from './experiment-metrics.js';
import { metricBody, metricFieldNames, metricFields } from '../experiment-metric-model.js';
import {
  AlertsPanel, ConclusionPanel, MetricTables, OPTIMISATION_FIELDS, OptimisationFields, isNum, optimisationBody, optimisationDraft, optimisationModeKey, percent, signed,
  type Alert, type Conclusion, type MetricResult,
} from './experiment-insights.js';

interface ExperimentDoc {
  key: string; name: string; description: string; status: string;
  variations: Array<{ id: string; name: string; weight: number }>;
  coverage: number; targeting: unknown; hashAttribute: string; hashVersion?: number; seed?: string;
  namespace: { id: string; start: number; end: number } | null;
  startAt?: string | null; stopAt?: string | null;
  goal: { event: string; properties?: Record<string, string>; windowHours?: number } | null;
  /** Metrics have their editor; analysis and bandit are kept as stored (a PUT replaces the whole definition). */
  metrics?: Array<Record<string, unknown>>; analysis?: Record<string, unknown>; bandit?: unknown;
  optimisation?: { mode: string; decideBy?: string; chanceToWin?: number; minUnitsPerArm?: number; metric?: string } | null;
  createdAt?: string; updatedAt?: string;
}

const STATUSES = ['draft', 'running', 'stopped', 'concluded'] as const;
/** An experiment status in the reader's language (unknown ones as the API says them). */
const statusLabel = (t: ReturnType<typeof useI18n>['t'], status: string) => ((STATUSES as readonly string[]).includes(status) ? t(`x.status.${status as (typeof STATUSES)[number]}`) : status);

const canEdit = (access: Record<string, { read: boolean; change: boolean }>) => access.Experiments?.change === true;
const enc = encodeURIComponent;

export function Experiments() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const list = useAsync(() => get<{ experiments: ExperimentDoc[] }>('/v1/experiments'), []);
  return (
    <>
      <h1>{t('x.title')}</h1>
      {canEdit(access) && <p class="actions"><Link to="/experiments/new" class="button primary">{t('x.new')}</Link></p>}
      {list.loading && <Loading />}
      {list.error !== null && <ErrorBox error={list.error} />}
      {list.data && (list.data.experiments.length === 0 ? <p>{t('x.none')}</p> : (
        <table class="data">
          <caption>{t('x.caption')}</caption>
          <thead><tr><th scope="col">{t('x.col.name')}</th><th scope="col">{t('x.col.status')}</th><th scope="col">{t('x.col.variations')}</th><th scope="col">{t('x.col.goal')}</th><th scope="col">{t('x.col.changed')}</th><th scope="col">{t('p.col.open')}</th></tr></thead>
          <tbody>{list.data.experiments.map((x) => (
            <tr key={x.key}>
              <th scope="row"><Link to={`/experiments/${enc(x.key)}`}>{x.name}</Link> <code>{x.key}</code></th>
              <td><span class={`badge ${x.status}`}>{statusLabel(t, x.status)}</span></td>
              <td>{x.variations.map((v) => `${v.name || v.id} ${Math.round(v.weight * 100)} %`).join(' · ')}</td>
              <td>{x.goal?.event ?? '—'}</td>
              <td>{dateTime(x.updatedAt ?? null, lang)}</td>
              <td class="links"><Link to={`/experiments/${enc(x.key)}`} aria-label={`${t('x.results')}: ${x.name}`}>{t('x.results')}</Link>
                {canEdit(access) && <Link to={`/experiments/${enc(x.key)}/edit`} aria-label={`${t('x.edit')}: ${x.name}`}>{t('x.edit')}</Link>}</td>
            </tr>
          ))}</tbody>
        </table>
      ))}
      <HoldoutPanel canChange={canEdit(access)} />
      <BeforeAfterPanel experiments={list.data?.experiments ?? []} />
    </>
  );
}

export function ExperimentEditor(props: { experimentKey?: string }) {
  const { t } = useI18n();
  const existing = useAsync(async () => (props.experimentKey ? get<ExperimentDoc>(`/v1/experiments/${enc(props.experimentKey)}`) : null), [props.experimentKey]);
  if (props.experimentKey && existing.loading) return <><h1>{props.experimentKey}</h1><Loading /></>;
  if (existing.error !== null) return <><h1>{props.experimentKey}</h1><ErrorBox error={existing.error} /></>;
  return <ExperimentForm key={props.experimentKey ?? 'new'} experiment={existing.data} title={existing.data ? t('x.editTitle', { name: existing.data.name }) : t('x.newTitle')} />;
}

let keys = 0;
interface VariationRow { key: number; id: string; name: string; weight: string }
const num = (s: string): number | string => (/^-?\d*\.?\d+$/.test(s.trim()) ? Number(s.trim()) : s);

function ExperimentForm(props: { experiment: ExperimentDoc | null; title: string }) {
  const { t } = useI18n();
  const x = props.experiment;
  const initialTargeting = useMemo(() => (x?.targeting ? fromCondition(x.targeting as never) : null), [x]);
  const [draft, setDraft] = useState({
    key: x?.key ?? '', name: x?.name ?? '', description: x?.description ?? '', status: x?.status ?? 'draft', coverage: String(x?.coverage ?? 1), hashAttribute: x?.hashAttribute ?? 'anonymousId',
    useNamespace: !!x?.namespace, nsId: x?.namespace?.id ?? '', nsStart: String(x?.namespace?.start ?? 0), nsEnd: String(x?.namespace?.end ?? 1),
    goalEvent: x?.goal?.event ?? '', windowHours: String(x?.goal?.windowHours ?? 72), useTargeting: !!x?.targeting,
  });
  const [variations, setVariations] = useState<VariationRow[]>(x ? x.variations.map((v) => ({ key: ++keys, id: v.id, name: v.name, weight: String(v.weight) }))
    : [{ key: ++keys, id: 'control', name: 'Control', weight: '0.5' }, { key: ++keys, id: 'treatment', name: 'Treatment', weight: '0.5' }]);
  const [optimisation, setOptimisation] = useState(() => optimisationDraft(x?.optimisation));
  const [metrics, setMetrics] = useState<MetricRow[]>(() => (x?.metrics ?? []).map((m) => metricRow(metricFields(m))));
  const [root, setRoot] = useState<Group>(initialTargeting ?? newGroup('and', [newLeaf('trait')]));
  const rawTargeting = x?.targeting && !initialTargeting ? x.targeting : undefined;
  const [targetingIssues, setTargetingIssues] = useState<FieldIssue[]>([]);
  const segments = useAsync(() => get<{ segments: SegmentView[] }>('/v1/segments', { counts: 'cached' }).catch(() => ({ segments: [] })), []);
  const personas = usePersonaOptions();
  const errors = useFormErrors([
    'key', 'name', 'description', 'status', 'coverage', 'hashAttribute', 'namespace.id', 'namespace.start', 'namespace.end', 'namespace', 'goal.event', 'goal.windowHours', 'goal',
    ...variations.flatMap((_, i) => [`variations[${i}].id`, `variations[${i}].name`, `variations[${i}].weight`, `variations[${i}]`]), 'variations', 'targeting', ...OPTIMISATION_FIELDS,
    ...metrics.flatMap((_, i) => metricFieldNames(i)), 'metrics',
  ]);
  let form: HTMLFormElement | null = null;
  const setRow = (key: number, change: Partial<VariationRow>) => setVariations((vs) => vs.map((v) => (v.key === key ? { ...v, ...change } : v)));
  const split = () => setVariations((vs) => vs.map((v, i) => ({ ...v, weight: String(i === vs.length - 1 ? Math.round((1 - Math.floor(1000 / vs.length) / 1000 * (vs.length - 1)) * 1000) / 1000 : Math.floor(1000 / vs.length) / 1000) })));

  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      setTargetingIssues([]);
      const targeting = !draft.useTargeting ? null : rawTargeting ?? toCondition(root).condition;
      const body = {
        ...(x ? {} : { key: draft.key.trim() }), name: draft.name, description: draft.description, status: draft.status,
        variations: variations.map((v) => ({ id: v.id.trim(), name: v.name, weight: num(v.weight) })),
        coverage: num(draft.coverage), targeting, hashAttribute: draft.hashAttribute,
        ...(x?.hashVersion !== undefined ? { hashVersion: x.hashVersion } : {}), ...(x?.seed ? { seed: x.seed } : {}),
        ...(x ? { startAt: x.startAt ?? null, stopAt: x.stopAt ?? null } : {}),
        namespace: draft.useNamespace ? { id: draft.nsId.trim(), start: num(draft.nsStart), end: num(draft.nsEnd) } : null,
        goal: draft.goalEvent.trim() ? { event: draft.goalEvent.trim(), ...(x?.goal?.properties ? { properties: x.goal.properties } : {}), windowHours: num(draft.windowHours) } : null,
        // What the form has no inputs for stays as stored (a PUT replaces the whole definition).
        metrics: metrics.map(metricBody), ...(x?.analysis !== undefined ? { analysis: x.analysis } : {}), ...(x?.bandit !== undefined ? { bandit: x.bandit } : {}),
        optimisation: optimisationBody(optimisation),
      };
      try {
        const saved = x ? await api<ExperimentDoc>('PUT', `/v1/experiments/${enc(x.key)}`, { body }) : await post<ExperimentDoc>('/v1/experiments', body);
        navigate(`/experiments/${enc(saved.key)}`);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const isTargeting = (i: FieldIssue) => i.field.startsWith('targeting.') || i.field.startsWith('targeting[');
        // The builder's paths start at `condition`: the API's `targeting.trait.key` is the builder's `condition.trait.key`.
        setTargetingIssues(error.issues.filter(isTargeting).map((i) => ({ ...i, field: `condition${i.field.slice('targeting'.length)}` })));
        const rest = error.issues.filter((i) => !isTargeting(i));
        throw new ApiError(error.status, error.code, error.message, rest.length || !error.issues.length ? rest : [{ field: 'targeting', reason: t('x.fixTargeting') }]);
      }
    });
  };

  return (
    <>
      <p class="crumbs"><Link to="/experiments">{t('x.title')}</Link></p>
      <h1>{props.title}</h1>
      <form ref={(f) => { form = f; }} onSubmit={save} noValidate>
        <FormSummary errors={errors} />
        <Section id="x-about-h" title={t('x.about')}>
          <div class="form-grid">
            {!x && <Field label={t('x.key')} name="key" hint={t('x.keyHint')} required value={draft.key} errors={errors} onInput={(e) => setDraft({ ...draft, key: e.currentTarget.value })} />}
            <Field label={t('x.name')} name="name" required value={draft.name} errors={errors} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            <Field label={t('x.description')} name="description" value={draft.description} errors={errors} onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })} />
            <SelectField label={t('x.status')} name="status" value={draft.status} errors={errors} onChange={(status) => setDraft({ ...draft, status })} options={STATUSES.map((s): [string, string] => [s, statusLabel(t, s)])} />
            <Field label={t('x.coverage')} name="coverage" hint={t('x.coverageHint')} inputMode="decimal" value={draft.coverage} errors={errors} onInput={(e) => setDraft({ ...draft, coverage: e.currentTarget.value })} />
            <SelectField label={t('x.hashAttribute')} name="hashAttribute" value={draft.hashAttribute} errors={errors} onChange={(hashAttribute) => setDraft({ ...draft, hashAttribute })} options={[['anonymousId', 'anonymousId'], ['userId', 'userId']]} />
            <Field label={t('x.goalEvent')} name="goal.event" hint={t('x.goalHint')} value={draft.goalEvent} errors={errors} onInput={(e) => setDraft({ ...draft, goalEvent: e.currentTarget.value })} />
            <Field label={t('x.window')} name="goal.windowHours" inputMode="numeric" value={draft.windowHours} errors={errors} onInput={(e) => setDraft({ ...draft, windowHours: e.currentTarget.value })} />
          </div>
        </Section>
        <Section id="x-variations-h" title={t('x.variations')} actions={<button type="button" onClick={split}>{t('x.split')}</button>}>
          {errors.of('variations') && <p class="error" role="alert">{errors.of('variations')}</p>}
          <p class="hint">{t('x.weightHint')}</p>
          <ol class="plain stack">{variations.map((v, i) => (
            <li key={v.key}>
              <fieldset class="item">
                <legend>{t('x.variation', { n: i + 1 })}{i === 0 ? ` (${t('x.control')})` : ''}</legend>
                <div class="form-grid">
                  <Field label={t('x.vId')} name={`variations[${i}].id`} value={v.id} errors={errors} onInput={(e) => setRow(v.key, { id: e.currentTarget.value })} />
                  <Field label={t('x.vName')} name={`variations[${i}].name`} value={v.name} errors={errors} onInput={(e) => setRow(v.key, { name: e.currentTarget.value })} />
                  <Field label={t('x.weight')} name={`variations[${i}].weight`} inputMode="decimal" value={v.weight} errors={errors} onInput={(e) => setRow(v.key, { weight: e.currentTarget.value })} />
                </div>
                {variations.length > 2 && <button type="button" onClick={() => setVariations((vs) => vs.filter((r) => r.key !== v.key))}>{t('x.removeVariation', { n: i + 1 })}</button>}
              </fieldset>
            </li>
          ))}</ol>
          <button type="button" onClick={() => setVariations((vs) => [...vs, { key: ++keys, id: `v${vs.length}`, name: '', weight: '0' }])}>{t('x.addVariation')}</button>
        </Section>
        <Section id="x-targeting-h" title={t('x.targeting')}>
          {errors.of('targeting') && <p class="error" role="alert">{errors.of('targeting')}</p>}
          <CheckField label={t('x.useTargeting')} name="useTargeting" checked={draft.useTargeting} onChange={(useTargeting) => setDraft({ ...draft, useTargeting })} />
          {draft.useTargeting && (rawTargeting !== undefined ? <p class="notice">{t('builder.unsupported')}</p>
            : <div role="group" aria-label={t('x.targeting')}><ConditionRules root={root} onChange={setRoot} issues={targetingIssues} segments={segments.data?.segments ?? []} personas={personas} /></div>)}
          <CheckField label={t('x.useNamespace')} name="useNamespace" checked={draft.useNamespace} onChange={(useNamespace) => setDraft({ ...draft, useNamespace })} />
          {draft.useNamespace && (
            <div class="form-grid">
              <Field label={t('x.namespace')} name="namespace.id" value={draft.nsId} errors={errors} onInput={(e) => setDraft({ ...draft, nsId: e.currentTarget.value })} />
              <Field label={t('x.nsStart')} name="namespace.start" inputMode="decimal" value={draft.nsStart} errors={errors} onInput={(e) => setDraft({ ...draft, nsStart: e.currentTarget.value })} />
              <Field label={t('x.nsEnd')} name="namespace.end" inputMode="decimal" value={draft.nsEnd} errors={errors} onInput={(e) => setDraft({ ...draft, nsEnd: e.currentTarget.value })} />
            </div>
          )}
        </Section>
        <Section id="x-metrics-editor-h" title={t('xm.title')}>
          <MetricsEditor rows={metrics} onChange={setMetrics} errors={errors} />
        </Section>
        <Section id="x-optimisation-h" title={t('xo.title')}>
          <OptimisationFields draft={optimisation} onChange={setOptimisation} errors={errors}
            metrics={[...(draft.goalEvent.trim() ? ['goal'] : []), ...metrics.map((m) => m.id.trim()).filter((id) => id !== '' && id !== 'goal')]} />
        </Section>
        <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{x ? t('x.save') : t('x.create')}</button></div>
      </form>
    </>
  );
}

/** What this screen reads of the results document; everything optional beyond the basics, extra fields ignored. */
interface Interval { uplift?: number | null; upliftInterval?: [number, number] | null; pValue?: number | null; chanceToBeatControl?: number }
interface VariationResult { index: number; id: string; name?: string; weight?: number; units?: number; contaminated?: number; analysed?: number; conversions?: number; conversionRate?: number | null; frequentist?: Interval; bayesian?: Interval }
interface Results {
  experiment: string; status: string; goal: { event: string; windowHours?: number } | null; variations: VariationResult[];
  sampleRatio?: { pValue?: number; mismatch?: boolean } | null; metrics?: MetricResult[]; conclusion?: Conclusion | null; alerts?: Alert[];
  optimisation?: { mode: string } | null; warnings?: Array<{ variation?: number; code?: string; message?: string }>;
  bandit?: { history?: BanditHistory[]; omitted?: number } | null;
  series?: SeriesPoint[];
}

const span = (iv: Interval | undefined, lang: Lang) => (iv?.upliftInterval ? `${signed(iv.upliftInterval[0], lang)} … ${signed(iv.upliftInterval[1], lang)}` : '');

export function ExperimentResults(props: { experimentKey: string }) {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const exp = useAsync(() => get<ExperimentDoc>(`/v1/experiments/${enc(props.experimentKey)}`), [props.experimentKey]);
  const res = useAsync(() => get<Results>(`/v1/experiments/${enc(props.experimentKey)}/results`), [props.experimentKey]);
  const r = res.data;
  const name = exp.data?.name ?? props.experimentKey;
  const rows = Array.isArray(r?.variations) ? r!.variations : [];
  const nameOf = (id: string | undefined, index?: number) => {
    const v = rows.find((row) => row.id === id) ?? (typeof index === 'number' ? rows[index] : undefined);
    return v ? v.name || v.id : id ?? '—';
  };
  const metricName = (id: string | undefined) => r?.metrics?.find((m) => m.id === id)?.name || id || '—';
  const modeKey = r?.optimisation ? optimisationModeKey(r.optimisation.mode) : null;
  return (
    <>
      <p class="crumbs"><Link to="/experiments">{t('x.title')}</Link></p>
      <h1>{t('x.resultsTitle', { name })}</h1>
      <p class="actions">
        <button type="button" onClick={() => { res.reload(); exp.reload(); }}>{t('x.refresh')}</button>
        {canEdit(access) && <Link class="button" to={`/experiments/${enc(props.experimentKey)}/edit`}>{t('x.edit')}</Link>}
        <a class="button" href={apiUrl(`/v1/experiments/${enc(props.experimentKey)}/results`, { format: 'csv' })} download={`experiment-${props.experimentKey}-results.csv`}>{t('xr.csv')}</a>
      </p>
      {res.loading && <Loading />}
      {res.error !== null && <ErrorBox error={res.error} />}
      {r && (
        <>
          {r.conclusion && <ConclusionPanel conclusion={r.conclusion} name={nameOf} metricName={metricName} />}
          <AlertsPanel alerts={Array.isArray(r.alerts) ? r.alerts : []} name={nameOf} metricName={metricName} />
          {r.sampleRatio?.mismatch === true
            ? <div class="notice error srm" role="alert"><strong>{t('x.srm', { p: isNum(r.sampleRatio.pValue) ? r.sampleRatio.pValue.toPrecision(2) : '—' })}</strong></div>
            : isNum(r.sampleRatio?.pValue) && <p class="hint">{t('x.srmOk', { p: r.sampleRatio!.pValue!.toPrecision(2) })}</p>}
          <p><span class={`badge ${r.status}`}>{statusLabel(t, r.status)}</span> {r.goal ? t('x.goalIs', { event: r.goal.event, hours: r.goal.windowHours ?? 72 }) : t('x.noGoal')}
            {' '}{t('xr.optimisation', { mode: modeKey ? t(modeKey) : t('xo.mode.off') })}</p>
          {Array.isArray(r.warnings) && r.warnings.length > 0 && (
            <div class="notice warn" role="status">
              <h2>{t('x.warnings')}</h2>
              <ul>{r.warnings.map((w, i) => <li key={i}>{typeof w.variation === 'number' && rows[w.variation] ? <strong>{rows[w.variation]!.name || rows[w.variation]!.id}: </strong> : null}{w.message ?? w.code ?? JSON.stringify(w)}</li>)}</ul>
            </div>
          )}
          <div class="table-scroll">
            <table class="data">
              <caption>{t('x.tableCaption')}</caption>
              <thead><tr>
                <th scope="col">{t('x.col.variation')}</th><th scope="col" class="num">{t('x.col.units')}</th><th scope="col" class="num">{t('x.col.contaminated')}</th>
                <th scope="col" class="num">{t('x.col.conversions')}</th><th scope="col" class="num">{t('x.col.rate')}</th>
                <th scope="col" class="num">{t('x.col.freq')}</th><th scope="col" class="num">{t('x.col.p')}</th>
                <th scope="col" class="num">{t('x.col.bayes')}</th><th scope="col" class="num">{t('x.col.chance')}</th>
              </tr></thead>
              <tbody>{rows.map((v, i) => (
                <tr key={v.id ?? i}>
                  <th scope="row">{v.name || v.id}{(v.index ?? i) === 0 && (v.name || v.id).toLowerCase() !== t('x.control').toLowerCase() ? ` (${t('x.control')})` : ''}</th>
                  <td class="num">{isNum(v.units) ? count(v.units, lang) : '—'}</td>
                  <td class="num">{isNum(v.contaminated) ? count(v.contaminated, lang) : '—'}</td>
                  <td class="num">{isNum(v.conversions) ? count(v.conversions, lang) : '—'}</td>
                  <td class="num">{percent(v.conversionRate, lang, 2)}</td>
                  <td class="num">{signed(v.frequentist?.uplift, lang)}<br /><span class="hint">{span(v.frequentist, lang)}</span></td>
                  <td class="num">{isNum(v.frequentist?.pValue) ? v.frequentist!.pValue!.toPrecision(2) : '—'}</td>
                  <td class="num">{signed(v.bayesian?.uplift, lang)}<br /><span class="hint">{span(v.bayesian, lang)}</span></td>
                  <td class="num">{percent(v.bayesian?.chanceToBeatControl, lang)}</td>
                </tr>
              ))}</tbody>
            </table>
            <p class="hint test-note">{t('x.testRates')}</p>
          </div>
          <IntervalChart rows={rows} />
          {Array.isArray(r.series) && rows.length > 1 && <UpliftOverTime series={r.series} names={rows.map((v) => v.name || v.id)} metricName={metricName} />}
          {Array.isArray(r.bandit?.history) && <BanditWeights history={r.bandit!.history!} omitted={r.bandit!.omitted} names={rows.map((v) => v.name || v.id)} />}
          <MetricTables metrics={Array.isArray(r.metrics) ? r.metrics : []} name={nameOf} />
          {canEdit(access) && (r.status === 'running' || r.status === 'stopped') && rows.length > 1 && (
            <ConcludePanel experimentKey={props.experimentKey} variations={rows.map((v) => ({ id: v.id, name: v.name ?? v.id }))} onConcluded={() => { res.reload(); exp.reload(); }} />
          )}
        </>
      )}
    </>
  );
}

/** Uplift intervals of both engines per treatment, on one scale with the zero line (SVG; the figures are in the table). */
function IntervalChart(props: { rows: VariationResult[] }) {
  const { t, lang } = useI18n();
  const bars = props.rows.flatMap((v) => ([['freq', v.frequentist], ['bayes', v.bayesian]] as const)
    .filter(([, iv]) => iv?.upliftInterval && isNum(iv.upliftInterval[0]) && isNum(iv.upliftInterval[1]))
    .map(([engine, iv]) => ({ label: `${v.name || v.id} · ${t(engine === 'freq' ? 'x.engine.freq' : 'x.engine.bayes')}`, engine, lo: iv!.upliftInterval![0], hi: iv!.upliftInterval![1], mid: isNum(iv!.uplift) ? iv!.uplift : null })));
  if (bars.length === 0) return null;
  const extent = Math.max(0.05, ...bars.map((b) => Math.max(Math.abs(b.lo), Math.abs(b.hi))));
  const W = 640; const L = 220; const R = 20; const ROW = 30;
  const x = (u: number) => L + ((u + extent) / (2 * extent)) * (W - L - R);
  const H = bars.length * ROW + 30;
  return (
    <Section id="intervals-h" title={t('x.intervals')}>
      <p class="hint" id="intervals-desc">{t('x.intervalsHint')}</p>
      <svg class="intervals" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="intervals-h" aria-describedby="intervals-desc">
        <line x1={x(0)} x2={x(0)} y1={0} y2={H - 20} class="zero" />
        {bars.map((b, i) => {
          const y = i * ROW + 15;
          return (
            <g key={b.label}>
              <text x={L - 8} y={y + 4} text-anchor="end" class="label">{b.label}</text>
              <line x1={x(b.lo)} x2={x(b.hi)} y1={y} y2={y} class={`bar ${b.engine}`} />
              {b.mid !== null && <circle cx={x(b.mid)} cy={y} r={5} class={`mid ${b.engine}`} />}
              <title>{`${b.label}: ${signed(b.mid, lang)} (${signed(b.lo, lang)} … ${signed(b.hi, lang)})`}</title>
            </g>
          );
        })}
        <text x={x(-extent)} y={H - 4} class="axis">{signed(-extent, lang)}</text>
        <text x={x(0)} y={H - 4} text-anchor="middle" class="axis">0 %</text>
        <text x={x(extent)} y={H - 4} text-anchor="end" class="axis">{signed(extent, lang)}</text>
      </svg>
    </Section>
  );
}
