/**
 * The parts of the experiment screens about automatic optimisation and per-metric results: the
 * optimisation inputs of the editor (`optimisation` on the experiment), the conclusion the optimiser
 * reached (winner, how decided, when, what was applied), the alerts it raised (sample ratio
 * mismatch, guardrail breaches) and one table per metric (means and uplifts; quantile metrics:
 * each arm's quantile with its interval and the difference to the control with its interval).
 */
import { Field, type FormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { count, dateTime } from '../format.js';
import { useI18n, type Lang, type MessageKey } from '../i18n.js';

export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const locale = (lang: Lang) => (lang === 'de' ? 'de-DE' : 'en-GB');
export const percent = (x: number | null | undefined, lang: Lang, digits = 1) => (!isNum(x) ? '—' : `${(x * 100).toLocaleString(locale(lang), { maximumFractionDigits: digits })} %`);
export const signed = (x: number | null | undefined, lang: Lang) => (!isNum(x) ? '—' : `${x > 0 ? '+' : ''}${percent(x, lang)}`);
export const decimal = (x: number | null | undefined, lang: Lang, digits = 2) => (!isNum(x) ? '—' : x.toLocaleString(locale(lang), { maximumFractionDigits: digits }));
const signedDecimal = (x: number | null | undefined, lang: Lang) => (!isNum(x) ? '—' : `${x > 0 ? '+' : ''}${decimal(x, lang)}`);
/** “p = 0.031”, or “p < 0.0001” for what toPrecision would show as 0.0. */
export const pText = (p: number | null | undefined) => (!isNum(p) ? 'p = —' : p < 0.0001 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);
const pValue = (p: number | null | undefined) => (!isNum(p) ? '—' : p < 0.0001 ? '< 0.0001' : p.toPrecision(2));
const between = (iv: [number, number] | null | undefined, f: (x: number) => string) => (iv && isNum(iv[0]) && isNum(iv[1]) ? `${f(iv[0])} … ${f(iv[1])}` : '');

// ---- the editor's inputs ----

export interface OptimisationDraft { mode: string; decideBy: string; chanceToWin: string; minUnitsPerArm: string; metric: string }
interface OptimisationDoc { mode: string; decideBy?: string; chanceToWin?: number; minUnitsPerArm?: number; metric?: string }

/** The inputs' paths; `optimisation` itself last, so that an issue of a nested path goes to its own input. */
export const OPTIMISATION_FIELDS = ['optimisation.mode', 'optimisation.decideBy', 'optimisation.chanceToWin', 'optimisation.minUnitsPerArm', 'optimisation.metric', 'optimisation'];

export function optimisationDraft(o: OptimisationDoc | null | undefined): OptimisationDraft {
  return { mode: o?.mode ?? 'off', decideBy: o?.decideBy ?? 'sequential', chanceToWin: String(o?.chanceToWin ?? 0.95), minUnitsPerArm: String(o?.minUnitsPerArm ?? 100), metric: o?.metric ?? '' };
}

const num = (s: string): number | string => (/^-?\d*\.?\d+$/.test(s.trim()) ? Number(s.trim()) : s);

/** The body's `optimisation`: null when off; what is typed is sent as typed (the API names a bad value). */
export function optimisationBody(d: OptimisationDraft): Record<string, unknown> | null {
  if (d.mode === 'off') return null;
  return { mode: d.mode, decideBy: d.decideBy, ...(d.decideBy === 'chanceToWin' ? { chanceToWin: num(d.chanceToWin) } : {}), minUnitsPerArm: num(d.minUnitsPerArm), ...(d.metric ? { metric: d.metric } : {}) };
}

export function OptimisationFields(props: { draft: OptimisationDraft; onChange(d: OptimisationDraft): void; errors: FormErrors; metrics: string[] }) {
  const { t } = useI18n();
  const d = props.draft;
  const set = (change: Partial<OptimisationDraft>) => props.onChange({ ...d, ...change });
  return (
    <>
      <p class="hint">{t('xo.hint')}</p>
      {props.errors.of('optimisation') && <p class="error" role="alert">{props.errors.of('optimisation')}</p>}
      <div class="form-grid">
        <SelectField label={t('xo.mode')} name="optimisation.mode" value={d.mode} errors={props.errors} onChange={(mode) => set({ mode })}
          options={(['off', 'rollout', 'bandit'] as const).map((m): [string, string] => [m, t(`xo.mode.${m}`)])} />
        {d.mode !== 'off' && <>
          <SelectField label={t('xo.decideBy')} name="optimisation.decideBy" value={d.decideBy} errors={props.errors} onChange={(decideBy) => set({ decideBy })}
            options={(['sequential', 'chanceToWin'] as const).map((m): [string, string] => [m, t(`xo.decideBy.${m}`)])} />
          {d.decideBy === 'chanceToWin' && <Field label={t('xo.chanceToWin')} name="optimisation.chanceToWin" hint={t('xo.chanceToWinHint')} inputMode="decimal" value={d.chanceToWin} errors={props.errors} onInput={(e) => set({ chanceToWin: e.currentTarget.value })} />}
          <Field label={t('xo.minUnits')} name="optimisation.minUnitsPerArm" hint={t('xo.minUnitsHint')} inputMode="numeric" value={d.minUnitsPerArm} errors={props.errors} onInput={(e) => set({ minUnitsPerArm: e.currentTarget.value })} />
          <SelectField label={t('xo.metric')} name="optimisation.metric" value={d.metric} errors={props.errors} onChange={(metric) => set({ metric })}
            options={[['', t('xo.metricDefault')], ...props.metrics.map((m): [string, string] => [m, m])]} />
        </>}
      </div>
    </>
  );
}

// ---- the results ----

export interface Conclusion { winner?: { index?: number; id?: string }; decidedBy?: string; metric?: string; lift?: number; evidence?: { interval?: [number, number]; pValue?: number; chanceToWin?: number }; at?: string; applied?: { kind?: string; slots?: string[] } }
export interface Alert { code?: string; kind?: string; at?: string; message?: string; pValue?: number; metric?: string; variation?: string; lift?: number }
interface QuantileComparison { difference?: number; interval?: [number, number]; lift?: number; liftInterval?: [number, number]; pValue?: number; pValueCorrected?: number | null }
interface Engine { lift?: number; interval?: [number, number]; pValue?: number; pValueCorrected?: number | null; chanceToWin?: number }
export interface MetricArm {
  index: number; id: string; units?: number; total?: number; mean?: number | null;
  quantile?: { q: number; value: number; interval: [number, number] } | null;
  comparison?: { cuped?: boolean; frequentist?: Engine | null; sequential?: Engine | null; bayesian?: Engine | null; quantile?: QuantileComparison | null; guardrailBreached?: boolean };
}
export interface MetricResult { id: string; name?: string; kind: string; guardrail?: boolean; higherIsBetter?: boolean; variations: MetricArm[] }

type Names = (id: string | undefined, index?: number) => string;

export function ConclusionPanel(props: { conclusion: Conclusion; name: Names; metricName(id: string | undefined): string }) {
  const { t, lang } = useI18n();
  const c = props.conclusion;
  const winner = props.name(c.winner?.id, c.winner?.index);
  const how = c.decidedBy === 'sequential' || c.decidedBy === 'chanceToWin' || c.decidedBy === 'manual' ? t(`xr.how.${c.decidedBy}`) : c.decidedBy ?? '—';
  const slots = c.applied?.slots ?? [];
  return (
    <section class="notice success conclusion" aria-labelledby="x-conclusion-h">
      <h2 id="x-conclusion-h">{c.winner?.index === 0 ? t('xr.conclusionControl', { winner }) : t('xr.conclusion', { winner })}</h2>
      <p>{t('xr.decidedBy', { how, metric: props.metricName(c.metric), at: dateTime(c.at ?? null, lang) })}{' '}
        {c.evidence?.interval && t('xr.liftEvidence', { lift: signed(c.lift, lang), lo: signed(c.evidence.interval[0], lang), hi: signed(c.evidence.interval[1], lang) })}{' '}
        {isNum(c.evidence?.chanceToWin) && t('xr.chanceEvidence', { chance: percent(c.evidence!.chanceToWin, lang) })}</p>
      {c.applied?.kind === 'rollout' && <p>{t('xr.applied', { winner, slots: slots.length ? t('xr.appliedSlots', { slots: slots.join(', ') }) : '' })}</p>}
    </section>
  );
}

export function AlertsPanel(props: { alerts: Alert[]; name: Names; metricName(id: string | undefined): string }) {
  const { t, lang } = useI18n();
  if (props.alerts.length === 0) return null;
  const text = (a: Alert): string => {
    const vars = { at: dateTime(a.at ?? null, lang), p: pText(a.pValue), variation: props.name(a.variation), metric: props.metricName(a.metric), lift: signed(a.lift, lang) };
    if (a.kind === 'sample_ratio_mismatch' || a.kind === 'guardrail_breached') return t(`xr.alert.${a.kind}`, vars);
    return a.message ?? a.code ?? '';
  };
  return (
    <div class="notice error alerts" role="alert">
      <h2>{t('xr.alerts')}</h2>
      <ul>{props.alerts.map((a, i) => <li key={a.code ?? i}>{text(a)}</li>)}</ul>
    </div>
  );
}

/** One table per metric: means and uplifts, or for quantile metrics the quantiles and their difference. */
export function MetricTables(props: { metrics: MetricResult[]; name: Names }) {
  const { t } = useI18n();
  if (props.metrics.length === 0) return null;
  return (
    <section aria-labelledby="x-metrics-h">
      <h2 id="x-metrics-h">{t('xr.metrics')}</h2>
      {props.metrics.map((m) => <MetricTable key={m.id} metric={m} name={props.name} />)}
    </section>
  );
}

function MetricTable(props: { metric: MetricResult; name: Names }) {
  const { t, lang } = useI18n();
  const m = props.metric;
  const quantile = m.kind === 'quantile';
  const q = m.variations.find((v) => v.quantile)?.quantile?.q;
  const kind = `${m.kind}${m.guardrail ? `, ${t('xr.guardrail')}` : ''}`;
  return (
    <div class="table-scroll">
      <table class="data metric" data-metric={m.id}>
        <caption>{t('xr.metricCaption', { name: m.name || m.id, kind })}</caption>
        <thead><tr>
          <th scope="col">{t('x.col.variation')}</th><th scope="col" class="num">{t('x.col.units')}</th>
          {quantile ? <>
            <th scope="col" class="num">{t('xr.col.quantile', { q: isNum(q) ? decimal(q, lang) : '' })}</th>
            <th scope="col" class="num">{t('xr.col.difference')}</th><th scope="col" class="num">{t('xr.col.lift')}</th>
          </> : <>
            <th scope="col" class="num">{t('xr.col.mean')}</th><th scope="col" class="num">{t('xr.col.lift')}</th>
            <th scope="col" class="num">{t('xr.col.sequential')}</th><th scope="col" class="num">{t('x.col.chance')}</th>
          </>}
          <th scope="col" class="num">{t(quantile ? 'xr.col.pQuantile' : 'xr.col.pCorrected')}</th>
        </tr></thead>
        <tbody>{m.variations.map((v) => {
          const c = v.comparison;
          const qc = c?.quantile;
          return (
            <tr key={v.id}>
              <th scope="row">{props.name(v.id, v.index)}{v.index === 0 ? ` (${t('x.control')})` : ''}{c?.guardrailBreached && <><br /><strong class="error">{t('xr.breached')}</strong></>}</th>
              <td class="num">{isNum(v.units) ? count(v.units, lang) : '—'}</td>
              {quantile ? <>
                <td class="num">{decimal(v.quantile?.value, lang)}<br /><span class="hint">{between(v.quantile?.interval, (x) => decimal(x, lang))}</span></td>
                <td class="num">{qc ? signedDecimal(qc.difference, lang) : ''}<br /><span class="hint">{between(qc?.interval, (x) => signedDecimal(x, lang))}</span></td>
                <td class="num">{qc ? signed(qc.lift, lang) : ''}<br /><span class="hint">{between(qc?.liftInterval, (x) => signed(x, lang))}</span></td>
                <td class="num">{qc ? `${pValue(qc.pValue)} (${pValue(qc.pValueCorrected)})` : ''}</td>
              </> : <>
                <td class="num">{decimal(v.mean, lang, 3)}</td>
                <td class="num">{c?.frequentist ? signed(c.frequentist.lift, lang) : ''}<br /><span class="hint">{between(c?.frequentist?.interval, (x) => signed(x, lang))}</span></td>
                <td class="num">{c?.sequential ? signed(c.sequential.lift, lang) : ''}<br /><span class="hint">{between(c?.sequential?.interval, (x) => signed(x, lang))}</span></td>
                <td class="num">{c?.bayesian ? percent(c.bayesian.chanceToWin, lang) : ''}</td>
                <td class="num">{c?.frequentist ? `${pValue(c.frequentist.pValue)} (${pValue(c.frequentist.pValueCorrected)})` : ''}</td>
              </>}
            </tr>
          );
        })}</tbody>
      </table>
      <p class="hint test-note">{t(quantile ? 'xr.testQuantile' : 'xr.testMean')}</p>
    </div>
  );
}

export const optimisationModeKey = (mode: string): MessageKey | null => (mode === 'off' || mode === 'rollout' || mode === 'bandit' ? `xo.mode.${mode}` : null);
