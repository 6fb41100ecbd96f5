/**
 * "Measure a change without an experiment": the before/after report (GET /v1/measures/before-after)
 * from a form: the time of the change, the days on each side and the KPI (an event as conversion
 * rate, count or sum per person, or a metric of an experiment). It shows the treated group's and
 * the global holdout's KPI before and after with the change and its interval, the
 * difference-in-differences with its interval, and the report's warnings in words.
 */
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { Section } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { count, dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useSession } from '../session.js';
import { decimal, isNum, pText, percent, signed } from './experiment-insights.js';

interface Cell { n: number; mean: number | null }
interface Difference { estimate: number; interval: [number, number]; pValue: number; relative: number | null }
interface Group { before: Cell; after: Cell; change: Difference | null }
interface Report {
  at: string; days: number; metric: { name?: string; kind: string }; holdoutShare: number;
  treated: Group; holdout: Group; differenceInDifferences: Difference | null; warnings: Array<{ code: string; message: string }>;
}

const FIELDS = ['at', 'days', 'event', 'kind', 'valueProperty', 'experiment', 'metric', 'alpha'];
const WARNINGS = ['no_holdout', 'too_few_people', 'period_not_over'];

/** The datetime-local value of an instant in local time (the input has no zone). */
const localInput = (ms: number) => { const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000); return d.toISOString().slice(0, 16); };

export function BeforeAfterPanel(props: { experiments: Array<{ key: string; name: string; metrics?: Array<{ id?: string }>; goal: unknown }> }) {
  const { t } = useI18n();
  const { access } = useSession();
  const [draft, setDraft] = useState({ at: localInput(Date.now() - 7 * 86_400_000), days: '7', source: 'event', event: '', kind: 'conversion', valueProperty: '', experiment: '', metric: '' });
  const [report, setReport] = useState<Report | null>(null);
  const errors = useFormErrors(FIELDS);
  if (access.Measurement?.read === false) return null;
  let form: HTMLFormElement | null = null;
  const set = (change: Partial<typeof draft>) => setDraft({ ...draft, ...change });
  const chosen = props.experiments.find((x) => x.key === draft.experiment);
  const metricIds = chosen ? [...(chosen.goal ? ['goal'] : []), ...(chosen.metrics ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string' && id !== 'goal')] : [];

  const run = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      setReport(null);
      const when = new Date(draft.at);
      const query: Record<string, string> = { at: Number.isNaN(when.getTime()) ? draft.at : when.toISOString(), days: draft.days.trim() };
      if (draft.source === 'event') Object.assign(query, { event: draft.event.trim(), kind: draft.kind, ...(draft.kind === 'sum' ? { valueProperty: draft.valueProperty.trim() } : {}) });
      else Object.assign(query, { experiment: draft.experiment, metric: draft.metric || metricIds[0] || '' });
      setReport(await get<Report>('/v1/measures/before-after', query));
    });
  };

  return (
    <div class="before-after-panel"><Section id="ba-h" title={t('ba.title')}>
      <p class="hint">{t('ba.hint')}</p>
      <form ref={(f) => { form = f; }} onSubmit={run} noValidate>
        <FormSummary errors={errors} />
        <div class="form-grid">
          <Field label={t('ba.at')} name="at" type="datetime-local" hint={t('ba.atHint')} value={draft.at} errors={errors} onInput={(e) => set({ at: e.currentTarget.value })} />
          <Field label={t('ba.days')} name="days" hint={t('ba.daysHint')} inputMode="numeric" value={draft.days} errors={errors} onInput={(e) => set({ days: e.currentTarget.value })} />
          <SelectField label={t('ba.source')} name="source" value={draft.source} errors={errors} onChange={(source) => set({ source })}
            options={[['event', t('ba.source.event')], ['metric', t('ba.source.metric')]]} />
          {draft.source === 'event' ? <>
            <Field label={t('ba.event')} name="event" value={draft.event} errors={errors} onInput={(e) => set({ event: e.currentTarget.value })} />
            <SelectField label={t('ba.kind')} name="kind" hint={t('ba.kindHint')} value={draft.kind} errors={errors} onChange={(kind) => set({ kind })}
              options={(['conversion', 'count', 'sum'] as const).map((k): [string, string] => [k, t(`ba.kind.${k}`)])} />
            {draft.kind === 'sum' && <Field label={t('ba.valueProperty')} name="valueProperty" value={draft.valueProperty} errors={errors} onInput={(e) => set({ valueProperty: e.currentTarget.value })} />}
          </> : <>
            <SelectField label={t('ba.experiment')} name="experiment" value={draft.experiment} errors={errors} onChange={(experiment) => set({ experiment, metric: '' })}
              options={[['', '—'], ...props.experiments.map((x): [string, string] => [x.key, x.name || x.key])]} />
            <SelectField label={t('ba.metric')} name="metric" value={draft.metric || metricIds[0] || ''} errors={errors} onChange={(metric) => set({ metric })}
              options={metricIds.length ? metricIds.map((m): [string, string] => [m, m]) : [['', '—']]} />
          </>}
        </div>
        <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{t('ba.run')}</button></div>
      </form>
      {report && <BeforeAfterResult report={report} />}
    </Section></div>
  );
}

function BeforeAfterResult(props: { report: Report }) {
  const { t, lang } = useI18n();
  const r = props.report;
  const rate = r.metric.kind === 'conversion';
  const value = (x: number | null | undefined) => (rate ? percent(x, lang, 2) : decimal(x, lang));
  const change = (x: number | null | undefined) => (!isNum(x) ? '—' : rate ? `${x > 0 ? '+' : ''}${(x * 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 2 })} ${t('ba.points')}` : `${x > 0 ? '+' : ''}${decimal(x, lang)}`);
  const cell = (c: Cell) => <>{value(c.mean)}<br /><span class="hint">{t('ba.people', { n: count(c.n, lang) })}</span></>;
  const diff = (d: Difference | null) => (d ? <>{change(d.estimate)} ({signed(d.relative, lang)})<br /><span class="hint">{change(d.interval[0])} … {change(d.interval[1])}, {pText(d.pValue)}</span></> : '—');
  const did = r.differenceInDifferences;
  return (
    <div class="before-after" aria-live="polite">
      <div class="table-scroll">
        <table class="data">
          <caption>{t('ba.caption', { kpi: r.metric.name ?? r.metric.kind, at: dateTime(r.at, lang) })}</caption>
          <thead><tr><th scope="col">{t('ba.col.group')}</th><th scope="col" class="num">{t('ba.col.before')}</th><th scope="col" class="num">{t('ba.col.after')}</th><th scope="col" class="num">{t('ba.col.change')}</th></tr></thead>
          <tbody>
            <tr><th scope="row">{t('ba.treated')}</th><td class="num">{cell(r.treated.before)}</td><td class="num">{cell(r.treated.after)}</td><td class="num">{diff(r.treated.change)}</td></tr>
            <tr><th scope="row">{t('ba.holdout')} ({percent(r.holdoutShare, lang)})</th><td class="num">{cell(r.holdout.before)}</td><td class="num">{cell(r.holdout.after)}</td><td class="num">{diff(r.holdout.change)}</td></tr>
          </tbody>
        </table>
      </div>
      {did && <p class="did"><strong>{t('ba.did', { estimate: change(did.estimate), lo: change(did.interval[0]), hi: change(did.interval[1]), rel: signed(did.relative, lang), p: pText(did.pValue) })}</strong></p>}
      <p class="hint">{t('ba.didHint')}</p>
      {r.warnings.length > 0 && (
        <div class="notice warn" role="status">
          <h3>{t('ba.warnings')}</h3>
          <ul>{r.warnings.map((w) => <li key={w.code}>{WARNINGS.includes(w.code) ? t(`ba.warn.${w.code}` as MessageKey) : w.message}</li>)}</ul>
        </div>
      )}
    </div>
  );
}

