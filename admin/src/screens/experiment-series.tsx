/**
 * An experiment's uplift over time (`results.series`: one point per day, each the cumulative result
 * up to the end of that day): for the metric chosen (the goal first), each treatment's relative
 * uplift against the control as a line, with its **sequential** interval as a band — the interval
 * that stays valid however often it is looked at, so watching it day by day does not inflate false
 * wins (docs/experiments.md). Chart.js (the band is the area between its two bounds); the canvas is
 * described in words and the same figures are in a table under it.
 */
import { useRef, useState } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { Section } from '../components/common.js';
import { count } from '../format.js';
import { useI18n } from '../i18n.js';
import { isNum, signed } from './experiment-insights.js';

const COLOURS = ['#0b5cad', '#b35c00', '#1d6b38', '#8a2b8f', '#a4262c'];
const BANDS = ['rgba(11, 92, 173, 0.15)', 'rgba(179, 92, 0, 0.15)', 'rgba(29, 107, 56, 0.15)', 'rgba(138, 43, 143, 0.15)', 'rgba(164, 38, 44, 0.15)'];

type Arm = { mean?: number | null; lift?: number | null; interval?: [number, number] | null; sequentialInterval?: [number, number] | null };
export interface SeriesPoint { day: string; units?: number[]; metrics?: Record<string, Arm[]> }

/** The metrics that have a lift in the series (quantile metrics have none per day). */
export function metricsWithLift(series: readonly SeriesPoint[]): string[] {
  const ids = new Set<string>();
  for (const p of series) for (const [id, arms] of Object.entries(p.metrics ?? {})) if (arms.slice(1).some((a) => isNum(a.lift))) ids.add(id);
  return [...ids].sort((a, b) => (a === 'goal' ? -1 : b === 'goal' ? 1 : 0));
}

const pct = (x: number | null | undefined) => (isNum(x) ? Math.round(x * 10_000) / 100 : null);

/** The next of 1, 2, 5 × a power of ten at or above x (x > 0). */
const nice = (x: number) => { const p = 10 ** Math.floor(Math.log10(x)); return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x)!; };

/**
 * The vertical range, in percent: every uplift and the latest intervals fit, with a margin; the wide
 * intervals of the first days (few people) are cut at the edge rather than flattening the lines.
 * A relative uplift is never below −100 %.
 */
export function upliftRange(points: readonly SeriesPoint[], metric: string, treatments: readonly number[]): { min: number; max: number } {
  const arms = points.flatMap((p) => treatments.map((i) => p.metrics?.[metric]?.[i]));
  const last = points.length ? treatments.map((i) => points[points.length - 1]!.metrics?.[metric]?.[i]) : [];
  const reach = [...arms.map((a) => a?.lift), ...last.flatMap((a) => a?.sequentialInterval ?? [])].filter(isNum).map((x) => Math.abs(x) * 100);
  const extent = nice(Math.max(10, ...reach) * 1.1);
  return { min: Math.max(-100, -extent), max: extent };
}

export function UpliftOverTime(props: { series: SeriesPoint[]; names: string[]; metricName(id: string): string }) {
  const { t, lang } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const ids = metricsWithLift(props.series);
  const [chosen, setChosen] = useState<string | null>(null);
  const metric = chosen !== null && ids.includes(chosen) ? chosen : ids[0] ?? null;
  const points = metric === null ? [] : props.series.filter((p) => Array.isArray(p.metrics?.[metric]));
  const treatments = props.names.slice(1).map((name, k) => ({ name, index: k + 1 }));
  useChart(canvas, () => (points.length === 0 ? null : {
    type: 'line',
    data: {
      labels: points.map((p) => p.day),
      // Per treatment: the band's lower bound (no line), its upper bound filled down to it, then the uplift itself.
      datasets: treatments.flatMap(({ name, index }, k) => [
        { label: t('xs.lower', { name }), data: points.map((p) => pct(p.metrics![metric!]![index]?.sequentialInterval?.[0])), borderColor: 'transparent', backgroundColor: 'transparent', pointRadius: 0, fill: false },
        { label: t('xs.band', { name }), data: points.map((p) => pct(p.metrics![metric!]![index]?.sequentialInterval?.[1])), borderColor: 'transparent', backgroundColor: BANDS[k % BANDS.length], pointRadius: 0, fill: '-1' as const },
        { label: name, data: points.map((p) => pct(p.metrics![metric!]![index]?.lift)), borderColor: COLOURS[k % COLOURS.length], backgroundColor: COLOURS[k % COLOURS.length], fill: false },
      ]),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, spanGaps: true,
      scales: { y: { ...upliftRange(points, metric!, treatments.map((x) => x.index)), ticks: { callback: (v) => `${v} %` }, grid: { color: (c) => (c.tick?.value === 0 ? '#1f2933' : '#e3e7ec'), lineWidth: (c) => (c.tick?.value === 0 ? 2 : 1) } } },
      // The bounds are drawn, not listed: the legend names the uplift lines and their bands.
      plugins: { legend: { position: 'bottom', labels: { filter: (item) => (item.datasetIndex ?? 0) % 3 !== 0 } } },
    },
  }), [props.series, props.names, metric, lang]);
  if (ids.length === 0 || points.length === 0) return null;
  const cell = (a: Arm | undefined) => (a && isNum(a.lift)
    ? `${signed(a.lift, lang)} (${a.sequentialInterval ? `${signed(a.sequentialInterval[0], lang)} … ${signed(a.sequentialInterval[1], lang)}` : '—'})`
    : '—');
  return (
    <Section id="series-h" title={t('xs.title')}>
      <p class="hint" id="series-desc">{t('xs.hint')}</p>
      {ids.length > 1 && (
        <div class="field">
          <label for="series-metric">{t('xs.metric')}</label>
          <select id="series-metric" value={metric ?? ''} onChange={(e) => setChosen(e.currentTarget.value)}>
            {ids.map((id) => <option key={id} value={id}>{props.metricName(id)}</option>)}
          </select>
        </div>
      )}
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={t('xs.chartLabel', { metric: props.metricName(metric!), n: points.length })} aria-describedby="series-desc" />
      </div>
      <details>
        <summary>{t('xs.table')}</summary>
        <div class="table-scroll">
          <table class="data" id="series-table">
            <caption>{t('xs.caption', { metric: props.metricName(metric!) })}</caption>
            <thead><tr><th scope="col">{t('xs.day')}</th>{props.names.map((n, i) => <th key={`u${i}`} scope="col" class="num">{t('xs.people', { name: n })}</th>)}
              {treatments.map(({ name }) => <th key={name} scope="col" class="num">{t('xs.uplift', { name })}</th>)}</tr></thead>
            <tbody>{points.map((p) => (
              <tr key={p.day}>
                <th scope="row">{p.day}</th>
                {props.names.map((_, i) => <td key={`u${i}`} class="num">{isNum(p.units?.[i]) ? count(p.units![i]!, lang) : '—'}</td>)}
                {treatments.map(({ index }) => <td key={index} class="num">{cell(p.metrics![metric!]![index])}</td>)}
              </tr>
            ))}</tbody>
          </table>
        </div>
      </details>
    </Section>
  );
}
