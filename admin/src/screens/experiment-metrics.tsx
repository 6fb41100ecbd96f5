/**
 * The metrics of an experiment's set-up (`metrics` on the experiment; the goal is metric `goal`
 * and set above): each metric's id, name, kind and its inputs — the event (and the property it
 * sums) for conversion, revenue, count and dwell time; numerator and denominator (an event or a
 * behaviour counter) for a ratio; the quantile and what it is of for a quantile metric — the
 * window, whether higher is better and the guardrail flag. The API's issues land at the inputs
 * (experiment-metric-model.ts names them); nothing typed is lost on a refused save.
 */
import { Field, type FormErrors } from '../components/form-errors.js';
import { CheckField, SelectField } from '../components/personalization-fields.js';
import { METRIC_KINDS, QUANTILE_OF, SIDE_SOURCES, newMetricFields, type MetricFields, type SideFields } from '../experiment-metric-model.js';
import { useI18n, type MessageKey } from '../i18n.js';

export interface MetricRow extends MetricFields { key: number }
let keys = 0;
export const metricRow = (fields: MetricFields = newMetricFields()): MetricRow => ({ ...fields, key: ++keys });

export function MetricsEditor(props: { rows: MetricRow[]; onChange(rows: MetricRow[]): void; errors: FormErrors }) {
  const { t } = useI18n();
  const set = (key: number, patch: Partial<MetricFields>) => props.onChange(props.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <>
      <p class="hint">{t('xm.hint')}</p>
      {props.errors.of('metrics') && <p class="error" role="alert">{props.errors.of('metrics')}</p>}
      {props.rows.length === 0 && <p class="empty-hint">{t('xm.none')}</p>}
      <ol class="plain stack">{props.rows.map((m, i) => (
        <li key={m.key}>
          <MetricInputs n={i} metric={m} errors={props.errors} onChange={(patch) => set(m.key, patch)} />
          <button type="button" onClick={() => props.onChange(props.rows.filter((r) => r.key !== m.key))}>{t('xm.remove', { n: i + 1 })}</button>
        </li>
      ))}</ol>
      <button type="button" onClick={() => props.onChange([...props.rows, metricRow()])}>{t('xm.add')}</button>
    </>
  );
}

function MetricInputs(props: { n: number; metric: MetricRow; errors: FormErrors; onChange(patch: Partial<MetricFields>): void }) {
  const { t } = useI18n();
  const { metric: m, errors, n } = props;
  const at = `metrics[${n}]`;
  const error = errors.of(at);
  const eventInputs = m.kind !== 'ratio';
  const valueInput = m.kind === 'sum' || m.kind === 'duration' || (m.kind === 'quantile' && m.of !== 'count');
  const defaults = m.kind === 'duration' || (m.kind === 'quantile' && m.of === 'duration');
  return (
    <fieldset class={`item${error ? ' invalid' : ''}`}>
      <legend>{t('xm.metric', { n: n + 1 })}{m.id.trim() ? `: ${m.id.trim()}` : ''}</legend>
      {error && <p class="error">{error}</p>}
      <div class="form-grid">
        <Field label={t('xm.id')} name={`${at}.id`} hint={t('xm.idHint')} value={m.id} errors={errors} onInput={(e) => props.onChange({ id: e.currentTarget.value })} />
        <Field label={t('xm.name')} name={`${at}.name`} value={m.name} errors={errors} onInput={(e) => props.onChange({ name: e.currentTarget.value })} />
        <SelectField label={t('xm.kind')} name={`${at}.kind`} hint={t(`xm.kindHint.${m.kind}` as MessageKey) || undefined} value={m.kind} errors={errors}
          options={METRIC_KINDS.map((k): [string, string] => [k, t(`xm.kind.${k}` as MessageKey)])}
          onChange={(kind) => props.onChange({ kind, ...(kind === 'sum' && !m.valueProperty ? { valueProperty: 'revenue' } : {}) })} />
        {m.kind === 'quantile' && <>
          <Field label={t('xm.quantile')} name={`${at}.quantile`} hint={t('xm.quantileHint')} inputMode="decimal" value={m.quantile} errors={errors} onInput={(e) => props.onChange({ quantile: e.currentTarget.value })} />
          <SelectField label={t('xm.of')} name={`${at}.of`} value={m.of} errors={errors} options={QUANTILE_OF.map((o): [string, string] => [o, t(`xm.of.${o}` as MessageKey)])} onChange={(of) => props.onChange({ of })} />
        </>}
        {eventInputs && <Field label={t('xm.event')} name={`${at}.event`} hint={defaults ? t('xm.eventDefault') : undefined} value={m.event} errors={errors} onInput={(e) => props.onChange({ event: e.currentTarget.value })} />}
        {eventInputs && valueInput && <Field label={t('xm.valueProperty')} name={`${at}.valueProperty`} hint={defaults ? t('xm.valueDefault') : t('xm.valueHint')} value={m.valueProperty} errors={errors} onInput={(e) => props.onChange({ valueProperty: e.currentTarget.value })} />}
        <Field label={t('xm.window')} name={`${at}.windowHours`} hint={t('xm.windowHint')} inputMode="numeric" value={m.windowHours} errors={errors} onInput={(e) => props.onChange({ windowHours: e.currentTarget.value })} />
      </div>
      {m.kind === 'ratio' && (['numerator', 'denominator'] as const).map((side) => (
        <SideInputs key={side} at={`${at}.${side}`} label={t(`xm.${side}`)} side={m[side]} errors={errors} onChange={(patch) => props.onChange({ [side]: { ...m[side], ...patch } })} />
      ))}
      {m.properties && <p class="notice">{t('xm.keptProperties', { filters: Object.entries(m.properties).map(([k, v]) => `${k} = ${v}`).join(', ') })}</p>}
      <div class="radios">
        <CheckField label={t('xm.higherIsBetter')} name={`${at}.higherIsBetter`} checked={m.higherIsBetter} onChange={(higherIsBetter) => props.onChange({ higherIsBetter })} />
        <CheckField label={t('xm.guardrail')} name={`${at}.guardrail`} checked={m.guardrail} onChange={(guardrail) => props.onChange({ guardrail })} />
      </div>
      {errors.of(`${at}.guardrail`) && <p class="error">{errors.of(`${at}.guardrail`)}</p>}
    </fieldset>
  );
}

function SideInputs(props: { at: string; label: string; side: SideFields; errors: FormErrors; onChange(patch: Partial<SideFields>): void }) {
  const { t } = useI18n();
  const { at, side, errors } = props;
  const error = errors.of(at);
  return (
    <fieldset class="sub">
      <legend>{props.label}</legend>
      {error && <p class="error">{error}</p>}
      <div class="form-grid">
        <SelectField label={t('xm.source')} name={`${at}.counter`} value={side.source} errors={errors}
          options={SIDE_SOURCES.map((s): [string, string] => [s, t(`xm.source.${s}` as MessageKey)])} onChange={(source) => props.onChange({ source })} />
        {side.source === 'event' && <>
          <Field label={t('xm.event')} name={`${at}.event`} value={side.event} errors={errors} onInput={(e) => props.onChange({ event: e.currentTarget.value })} />
          <Field label={t('xm.valueProperty')} name={`${at}.valueProperty`} hint={t('xm.sideValueHint')} value={side.valueProperty} errors={errors} onInput={(e) => props.onChange({ valueProperty: e.currentTarget.value })} />
        </>}
      </div>
    </fieldset>
  );
}
