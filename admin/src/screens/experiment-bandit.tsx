/**
 * A bandit experiment's weights over time (`results.bandit.history`: the weights it started from,
 * then each update of top-two Thompson sampling): a stepped line per variation (Chart.js, loaded
 * with the chart; the canvas is described in words) and the same figures in a table.
 */
import { useRef } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { Section } from '../components/common.js';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { isNum, percent } from './experiment-insights.js';

const COLOURS = ['#5a6472', '#0b5cad', '#b35c00', '#1d6b38', '#8a2b8f', '#a4262c'];

export interface BanditHistory { at?: string; weights?: number[]; reason?: string }

export function BanditWeights(props: { history: BanditHistory[]; omitted?: number; names: string[] }) {
  const { t, lang } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = props.history.filter((h) => typeof h.at === 'string' && Array.isArray(h.weights));
  useChart(canvas, () => (rows.length === 0 ? null : {
        type: 'line',
        data: {
          labels: rows.map((h) => dateTime(h.at!, lang)),
          datasets: props.names.map((name, i) => ({
            label: name, data: rows.map((h) => (isNum(h.weights![i]) ? Math.round(h.weights![i]! * 1000) / 10 : null)), stepped: 'before' as const,
            borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], ...(i % 2 === 1 ? { borderDash: [6, 3] } : {}),
          })),
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v} %` } } }, plugins: { legend: { position: 'bottom' } } },
      }), [props.history, props.names, lang]);
  if (rows.length === 0) return null;
  return (
    <Section id="bandit-h" title={t('xb.title')}>
      <p class="hint" id="bandit-desc">{t('xb.hint')}</p>
      {(props.omitted ?? 0) > 0 && <p class="hint">{t('xb.omitted', { n: props.omitted ?? 0 })}</p>}
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={t('xb.chartLabel', { n: rows.length })} aria-describedby="bandit-desc" />
      </div>
      <div class="table-scroll">
        <table class="data" id="bandit-table">
          <caption>{t('xb.caption')}</caption>
          <thead><tr><th scope="col">{t('xb.when')}</th><th scope="col">{t('xb.reason')}</th>{props.names.map((n, i) => <th key={i} scope="col" class="num">{n}</th>)}</tr></thead>
          <tbody>{rows.map((h, r) => (
            <tr key={r}>
              <th scope="row">{dateTime(h.at!, lang)}</th>
              <td>{h.reason === 'bandit' || h.reason === 'definition' ? t(`xb.reason.${h.reason}` as MessageKey) : h.reason ?? '—'}</td>
              {props.names.map((_, i) => <td key={i} class="num">{percent(h.weights![i], lang)}</td>)}
            </tr>
          ))}</tbody>
        </table>
      </div>
    </Section>
  );
}
