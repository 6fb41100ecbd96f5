/**
 * Validation of an experiment's metrics, analysis settings and bandit settings as sent to the API; every failing
 * field is named (`metrics[2].numerator.valueProperty`). Defaults are applied only where a field is absent.
 */
import type { FieldIssue } from '../errors.js';
import { DEFAULT_BANDIT, type BanditSettings } from './bandit.js';
import { BEHAVIOUR_COUNTERS, DEFAULT_DURATION_EVENT, DEFAULT_DURATION_PROPERTY, METRIC_KINDS, QUANTILE_OF, type BehaviourCounter, type Metric, type MetricKind, type QuantileOf, type ValueSource } from './metric.js';
import { DEFAULT_TUNING_SAMPLE } from './statistics/sequential.js';

export const MAX_METRICS = 20;
const METRIC_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_WINDOW_HOURS = 24 * 366;

export const CORRECTIONS = ['holm', 'bh', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

export interface AnalysisSettings {
  /** Significance level of both engines' intervals and tests. */
  alpha: number;
  /** Correction of the p-values across metrics × treatments (Holm–Bonferroni, Benjamini–Hochberg or none). */
  correction: Correction;
  /** Normal prior on the relative lift; null: flat. */
  prior: { mean: number; sd: number } | null;
  /** Units (both arms) the confidence sequence is tuned for (statistics/sequential.ts). */
  expectedUnits: number;
  /** Days before the first exposure whose events make the CUPED covariate; 0: no CUPED. */
  cupedDays: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { alpha: 0.05, correction: 'holm', prior: null, expectedUnits: DEFAULT_TUNING_SAMPLE, cupedDays: 14 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && !CONTROL.test(v) && v.trim() !== '';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const unknownFields = (v: Obj, allowed: string[], at: string, issues: FieldIssue[]) => {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) issues.push({ field: `${at}.${k}`, reason: `is not a field here; expected ${allowed.join(', ')}` });
};

function properties(v: unknown, at: string, issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined) return out;
  if (!isObj(v) || Object.keys(v).length > 10) { issues.push({ field: at, reason: 'must be an object of at most 10 property names to the text each must equal' }); return out; }
  for (const [name, value] of Object.entries(v)) {
    if (!PROPERTY_NAME.test(name)) issues.push({ field: `${at}.${name}`, reason: 'the property name must be 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit' });
    else if (typeof value !== 'string' || value.length > 500 || CONTROL.test(value)) issues.push({ field: `${at}.${name}`, reason: 'must be a string of at most 500 characters without control characters' });
    else out[name] = value;
  }
  return out;
}

function eventSource(v: Obj, at: string, issues: FieldIssue[], defaults: { event?: string; valueProperty?: string | null; scale?: number; valueRequired?: boolean }): ValueSource {
  const event = v.event ?? defaults.event;
  if (!isText(event, 200)) issues.push({ field: `${at}.event`, reason: 'must be the name of a track event: a non-empty string of at most 200 characters without control characters' });
  const valueProperty = v.valueProperty ?? defaults.valueProperty ?? null;
  if (valueProperty !== null && (typeof valueProperty !== 'string' || !PROPERTY_NAME.test(valueProperty))) issues.push({ field: `${at}.valueProperty`, reason: 'must be a property name: 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit' });
  if (defaults.valueRequired && valueProperty === null) issues.push({ field: `${at}.valueProperty`, reason: 'is required: the numeric property summed (for example revenue)' });
  return { event: String(event), properties: properties(v.properties, `${at}.properties`, issues), valueProperty: valueProperty as string | null, scale: defaults.scale ?? 1 };
}

function ratioSide(v: unknown, at: string, issues: FieldIssue[]): ValueSource {
  if (!isObj(v)) { issues.push({ field: at, reason: 'must be an object {event, properties?, valueProperty?} or {counter}' }); return { counter: 'sessions' }; }
  if (v.counter !== undefined) {
    unknownFields(v, ['counter'], at, issues);
    if (!BEHAVIOUR_COUNTERS.includes(v.counter as BehaviourCounter)) issues.push({ field: `${at}.counter`, reason: `must be one of ${BEHAVIOUR_COUNTERS.join(', ')}` });
    return { counter: v.counter as BehaviourCounter };
  }
  unknownFields(v, ['event', 'properties', 'valueProperty'], at, issues);
  return eventSource(v, at, issues, {});
}

function metric(v: unknown, at: string, issues: FieldIssue[]): Metric | null {
  if (!isObj(v)) { issues.push({ field: at, reason: 'must be an object {id, kind, event, …}' }); return null; }
  const kind = v.kind as MetricKind;
  if (!METRIC_KINDS.includes(kind)) { issues.push({ field: `${at}.kind`, reason: `must be one of ${METRIC_KINDS.join(', ')}` }); return null; }
  const common = ['id', 'name', 'kind', 'windowHours', 'guardrail', 'higherIsBetter'];
  const allowed = kind === 'ratio' ? [...common, 'numerator', 'denominator'] : kind === 'conversion' || kind === 'count' ? [...common, 'event', 'properties'] : [...common, 'event', 'properties', 'valueProperty'];
  unknownFields(v, kind === 'quantile' ? [...allowed, 'quantile', 'of'] : allowed, at, issues);
  if (typeof v.id !== 'string' || !METRIC_ID.test(v.id)) issues.push({ field: `${at}.id`, reason: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit' });
  if (v.name !== undefined && !isText(v.name, 200)) issues.push({ field: `${at}.name`, reason: 'must be a non-empty string of at most 200 characters without control characters' });
  const window = v.windowHours ?? 72;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > MAX_WINDOW_HOURS) issues.push({ field: `${at}.windowHours`, reason: `must be a whole number of hours from 1 to ${MAX_WINDOW_HOURS}` });
  for (const flag of ['guardrail', 'higherIsBetter'] as const) if (v[flag] !== undefined && typeof v[flag] !== 'boolean') issues.push({ field: `${at}.${flag}`, reason: 'must be true or false' });
  let numerator: ValueSource;
  let denominator: ValueSource | null = null;
  if (kind === 'ratio') {
    numerator = ratioSide(v.numerator, `${at}.numerator`, issues);
    denominator = ratioSide(v.denominator, `${at}.denominator`, issues);
  } else if (kind === 'duration') {
    numerator = eventSource(v, at, issues, { event: DEFAULT_DURATION_EVENT, valueProperty: DEFAULT_DURATION_PROPERTY, scale: 0.001 });
  } else if (kind === 'quantile') {
    return quantileMetric(v, at, issues, { windowHours: Number(window), guardrail: v.guardrail === true, higherIsBetter: v.higherIsBetter !== false });
  } else {
    numerator = eventSource(v, at, issues, { valueRequired: kind === 'sum' });
  }
  const id = String(v.id);
  return {
    id, name: typeof v.name === 'string' ? v.name.trim() : id, kind, numerator, denominator, windowHours: Number(window),
    guardrail: v.guardrail === true, higherIsBetter: v.higherIsBetter !== false,
  };
}

/**
 * A quantile metric: `quantile` (0 < q < 1, required) of the units' values, each summed as `of` says: `duration`
 * (the default: `Page Left` `visibleMs` in seconds, or `event`/`valueProperty` given), `sum` (`valueProperty`
 * required) or `count` (no `valueProperty`).
 */
function quantileMetric(v: Obj, at: string, issues: FieldIssue[], common: Pick<Metric, 'windowHours' | 'guardrail' | 'higherIsBetter'>): Metric {
  if (!isNum(v.quantile) || v.quantile <= 0 || v.quantile >= 1) issues.push({ field: `${at}.quantile`, reason: 'is required: a number above 0 and below 1 (0.5: the median, 0.9: the 90th percentile)' });
  const of = (v.of ?? 'duration') as QuantileOf;
  if (!QUANTILE_OF.includes(of)) issues.push({ field: `${at}.of`, reason: `must be one of ${QUANTILE_OF.join(', ')}: how a unit's value is summed from its events` });
  if (of === 'count' && v.valueProperty !== undefined) issues.push({ field: `${at}.valueProperty`, reason: 'is not read when of is count (each event counts 1)' });
  // An unknown `of` is reported once; its source is read as a duration's so no second error follows from it.
  const numerator = of !== 'sum' && of !== 'count'
    ? eventSource(v, at, issues, { event: DEFAULT_DURATION_EVENT, valueProperty: DEFAULT_DURATION_PROPERTY, scale: 0.001 })
    : eventSource(v, at, issues, { valueRequired: of === 'sum', valueProperty: of === 'count' ? null : undefined });
  const id = String(v.id);
  return { id, name: typeof v.name === 'string' ? v.name.trim() : id, kind: 'quantile', numerator, denominator: null, ...common, quantile: Number(v.quantile), of };
}

export function validateMetrics(v: unknown, issues: FieldIssue[], reserved: readonly string[]): Metric[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_METRICS) { issues.push({ field: 'metrics', reason: `must be a list of at most ${MAX_METRICS} metrics` }); return []; }
  const seen = new Set(reserved);
  const out: Metric[] = [];
  v.forEach((item, i) => {
    const m = metric(item, `metrics[${i}]`, issues);
    if (!m) return;
    if (seen.has(m.id)) issues.push({ field: `metrics[${i}].id`, reason: m.id === 'goal' ? 'is the id of the goal metric; choose another' : 'is used by another metric' });
    seen.add(m.id);
    out.push(m);
  });
  return out;
}

export function validateAnalysis(v: unknown, issues: FieldIssue[]): AnalysisSettings {
  if (v === undefined || v === null) return DEFAULT_ANALYSIS;
  if (!isObj(v)) { issues.push({ field: 'analysis', reason: 'must be an object {alpha?, correction?, prior?, expectedUnits?, cupedDays?}' }); return DEFAULT_ANALYSIS; }
  unknownFields(v, ['alpha', 'correction', 'prior', 'expectedUnits', 'cupedDays'], 'analysis', issues);
  const out = { ...DEFAULT_ANALYSIS };
  if (v.alpha !== undefined) { if (!isNum(v.alpha) || v.alpha < 0.001 || v.alpha > 0.2) issues.push({ field: 'analysis.alpha', reason: 'must be a number from 0.001 to 0.2' }); else out.alpha = v.alpha; }
  if (v.correction !== undefined) { if (!CORRECTIONS.includes(v.correction as Correction)) issues.push({ field: 'analysis.correction', reason: `must be one of ${CORRECTIONS.join(', ')}` }); else out.correction = v.correction as Correction; }
  if (v.expectedUnits !== undefined) { if (!Number.isInteger(v.expectedUnits) || (v.expectedUnits as number) < 100 || (v.expectedUnits as number) > 1e9) issues.push({ field: 'analysis.expectedUnits', reason: 'must be a whole number from 100 to 1000000000' }); else out.expectedUnits = v.expectedUnits as number; }
  if (v.cupedDays !== undefined) { if (!Number.isInteger(v.cupedDays) || (v.cupedDays as number) < 0 || (v.cupedDays as number) > 90) issues.push({ field: 'analysis.cupedDays', reason: 'must be a whole number of days from 0 (no CUPED) to 90' }); else out.cupedDays = v.cupedDays as number; }
  if (v.prior !== undefined && v.prior !== null) {
    if (!isObj(v.prior)) issues.push({ field: 'analysis.prior', reason: 'must be an object {mean, sd} (a normal prior on the relative lift) or null (flat)' });
    else {
      unknownFields(v.prior, ['mean', 'sd'], 'analysis.prior', issues);
      if (!isNum(v.prior.mean) || Math.abs(v.prior.mean) > 10) issues.push({ field: 'analysis.prior.mean', reason: 'must be a number from -10 to 10 (a relative lift)' });
      if (!isNum(v.prior.sd) || v.prior.sd <= 0 || v.prior.sd > 100) issues.push({ field: 'analysis.prior.sd', reason: 'must be a number above 0 and at most 100' });
      out.prior = { mean: Number(v.prior.mean), sd: Number(v.prior.sd) };
    }
  }
  return out;
}

export function validateBandit(v: unknown, variations: number, issues: FieldIssue[]): BanditSettings | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) { issues.push({ field: 'bandit', reason: 'must be an object {cadenceHours?, floor?, minUnits?, beta?} or null' }); return null; }
  unknownFields(v, ['cadenceHours', 'floor', 'minUnits', 'beta'], 'bandit', issues);
  const out = { ...DEFAULT_BANDIT };
  if (v.cadenceHours !== undefined) { if (!Number.isInteger(v.cadenceHours) || (v.cadenceHours as number) < 1 || (v.cadenceHours as number) > 24 * 31) issues.push({ field: 'bandit.cadenceHours', reason: 'must be a whole number of hours from 1 to 744' }); else out.cadenceHours = v.cadenceHours as number; }
  if (v.floor !== undefined) { if (!isNum(v.floor) || v.floor < 0 || v.floor * variations > 1) issues.push({ field: 'bandit.floor', reason: `must be a number from 0 to ${1 / Math.max(1, variations)} (1 / the number of variations)` }); else out.floor = v.floor; }
  if (v.minUnits !== undefined) { if (!Number.isInteger(v.minUnits) || (v.minUnits as number) < 1 || (v.minUnits as number) > 1e7) issues.push({ field: 'bandit.minUnits', reason: 'must be a whole number from 1 to 10000000' }); else out.minUnits = v.minUnits as number; }
  if (v.beta !== undefined) { if (!isNum(v.beta) || v.beta < 0.5 || v.beta > 1) issues.push({ field: 'bandit.beta', reason: 'must be a number from 0.5 to 1' }); else out.beta = v.beta; }
  return out;
}

/** A metric in the shape the API accepts (validateMetrics), so that a GET answer can be PUT back as it is. */
export function metricInput(metric: Metric): Record<string, unknown> {
  const side = (s: ValueSource) => ('counter' in s ? { counter: s.counter } : { event: s.event, properties: s.properties, ...(s.valueProperty !== null ? { valueProperty: s.valueProperty } : {}) });
  const common = { id: metric.id, name: metric.name, kind: metric.kind, windowHours: metric.windowHours, guardrail: metric.guardrail, higherIsBetter: metric.higherIsBetter };
  if (metric.kind === 'ratio') return { ...common, numerator: side(metric.numerator), denominator: side(metric.denominator!) };
  if (metric.kind === 'quantile') return { ...common, ...side(metric.numerator), quantile: metric.quantile, of: metric.of };
  return { ...common, ...side(metric.numerator) };
}
