/**
 * The experiment set-up's metric editor model (pure, no DOM): a metric's text fields to the JSON
 * the API takes (`metrics[]` of POST/PUT /v1/experiments, core/experiments/validate-metrics.ts)
 * and back from a GET answer, and the input names the API's issue paths land on
 * (`metrics[2].numerator.event`). Text that is not a number where one is needed is sent as it
 * is, so that the API names it at its input; property filters (`properties`), which the form has
 * no inputs for, are kept as stored.
 */
export const METRIC_KINDS = ['conversion', 'sum', 'count', 'ratio', 'duration', 'quantile'] as const;
export const QUANTILE_OF = ['duration', 'sum', 'count'] as const;
/** A ratio side: an event (optionally summing a property) or one of the behaviour counters. */
export const SIDE_SOURCES = ['event', 'sessions', 'bounces'] as const;

export interface SideFields { source: string; event: string; valueProperty: string; properties?: Record<string, string> }
export interface MetricFields {
  id: string; name: string; kind: string; windowHours: string; guardrail: boolean; higherIsBetter: boolean;
  event: string; valueProperty: string; quantile: string; of: string;
  numerator: SideFields; denominator: SideFields;
  /** Property filters of the event, kept as stored. */
  properties?: Record<string, string>;
}

const emptySide = (): SideFields => ({ source: 'event', event: '', valueProperty: '' });

export const newMetricFields = (): MetricFields => ({
  id: '', name: '', kind: 'conversion', windowHours: '72', guardrail: false, higherIsBetter: true,
  event: '', valueProperty: '', quantile: '0.5', of: 'duration', numerator: emptySide(), denominator: emptySide(),
});

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));
const numberOrText = (s: string): number | string => (isNumber(s) ? Number(s) : s.trim());
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const kept = (p: unknown): Record<string, string> | undefined => (p && typeof p === 'object' && Object.keys(p).length > 0 ? p as Record<string, string> : undefined);

function sideOf(v: unknown): SideFields {
  const s = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  if (typeof s.counter === 'string') return { source: s.counter, event: '', valueProperty: '' };
  const properties = kept(s.properties);
  return { source: 'event', event: text(s.event), valueProperty: text(s.valueProperty), ...(properties ? { properties } : {}) };
}

function sideBody(s: SideFields): Record<string, unknown> {
  if (s.source !== 'event') return { counter: s.source };
  return { event: s.event.trim(), ...(s.properties ? { properties: s.properties } : {}), ...(s.valueProperty.trim() ? { valueProperty: s.valueProperty.trim() } : {}) };
}

/** A stored metric (the GET answer's shape) as the form's fields. */
export function metricFields(m: Record<string, unknown>): MetricFields {
  const properties = kept(m.properties);
  return {
    ...newMetricFields(),
    id: text(m.id), name: m.name === m.id ? '' : text(m.name), kind: text(m.kind) || 'conversion', windowHours: text(m.windowHours) || '72',
    guardrail: m.guardrail === true, higherIsBetter: m.higherIsBetter !== false,
    event: text(m.event), valueProperty: text(m.valueProperty), quantile: text(m.quantile) || '0.5', of: text(m.of) || 'duration',
    ...(m.kind === 'ratio' ? { numerator: sideOf(m.numerator), denominator: sideOf(m.denominator) } : {}),
    ...(properties ? { properties } : {}),
  };
}

/** The metric as the API takes it. Empty optional inputs are left out (the API's defaults apply). */
export function metricBody(f: MetricFields): Record<string, unknown> {
  const common = {
    id: f.id.trim(), ...(f.name.trim() ? { name: f.name.trim() } : {}), kind: f.kind,
    windowHours: f.windowHours.trim() === '' ? 72 : numberOrText(f.windowHours), guardrail: f.guardrail, higherIsBetter: f.higherIsBetter,
  };
  const event = { ...(f.event.trim() ? { event: f.event.trim() } : {}), ...(f.properties ? { properties: f.properties } : {}) };
  const value = f.valueProperty.trim() ? { valueProperty: f.valueProperty.trim() } : {};
  switch (f.kind) {
    case 'ratio': return { ...common, numerator: sideBody(f.numerator), denominator: sideBody(f.denominator) };
    case 'quantile': return { ...common, ...event, ...(f.of === 'count' ? {} : value), quantile: f.quantile.trim() === '' ? undefined : numberOrText(f.quantile), of: f.of };
    case 'sum': case 'duration': return { ...common, ...event, ...value };
    default: return { ...common, ...event };
  }
}

/** The input names of metric `i`, most specific first (an issue of a nested path goes to its own input). */
export function metricFieldNames(i: number): string[] {
  const at = `metrics[${i}]`;
  return [
    ...['numerator', 'denominator'].flatMap((side) => [`${at}.${side}.event`, `${at}.${side}.valueProperty`, `${at}.${side}.counter`, `${at}.${side}`]),
    `${at}.id`, `${at}.name`, `${at}.kind`, `${at}.windowHours`, `${at}.guardrail`, `${at}.higherIsBetter`,
    `${at}.event`, `${at}.valueProperty`, `${at}.quantile`, `${at}.of`, `${at}.properties`, at,
  ];
}
