/**
 * The panels of the Home dashboard: the traffic over time (Chart.js, loaded on demand; the canvas
 * has a text description and the same figures are in a table), a breakdown table per dimension
 * (sortable; a click on a row, or Enter on its button, adds the row's value as a filter), and the
 * visitors of the last five minutes (re-read every 30 seconds).
 */
import { useEffect, useRef } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { get } from '../api.js';
import { breakdownAllowed, intervalOf, withFilter, type DashboardState, type FilterKey } from '../analytics-view.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import { count, time } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import type { AnalyticsService } from '../../../src/analytics/analytics-service.js';

export type MetricAnswer = Awaited<ReturnType<AnalyticsService['metric']>>;
type BreakdownAnswer = Awaited<ReturnType<AnalyticsService['breakdown']>>;
type BreakdownRow = BreakdownAnswer['rows'][number];
type SeriesAnswer = Awaited<ReturnType<AnalyticsService['timeseries']>>;
type RealtimeAnswer = Awaited<ReturnType<AnalyticsService['realtime']>>;


const locale = (lang: 'en' | 'de') => (lang === 'de' ? 'de-DE' : 'en-GB');
export const percent = (x: number | null | undefined, lang: 'en' | 'de', digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toLocaleString(locale(lang), { maximumFractionDigits: digits })} %`);

/** Channels and device classes the server names (docs/analytics.md), shown in the person's language. */
const NAMED: Record<string, readonly string[]> = {
  channel: ['direct', 'organic_search', 'social', 'email', 'paid_search', 'paid_social', 'display', 'affiliate', 'referral', 'other_campaign'],
  device: ['desktop', 'mobile', 'tablet'],
};

/** A period's label: `14:00` for hours, the local date for days. */
function periodLabel(period: string, interval: string, lang: 'en' | 'de'): string {
  if (interval === 'hour') return period.length >= 13 ? `${period.slice(11, 13)}:00` : period;
  const d = new Date(`${period.slice(0, 10)}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? period : d.toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function TrafficChart(props: { state: DashboardState; query: Record<string, string> }) {
  const { t, lang } = useI18n();
  const interval = intervalOf(props.state);
  const series = useAsync(() => get<SeriesAnswer>('/v1/analytics/timeseries', { ...props.query, interval, compare: 'previous' }), [JSON.stringify(props.query), interval]);
  const s = series.data;
  const title = t('home.overTime', { interval: t(`home.interval.${interval}` as MessageKey) });
  return (
    <Section id="over-time-h" title={title}>
      {series.loading && <Loading />}
      {series.error !== null && <ErrorBox error={series.error} />}
      {s && (
        <>
          <SeriesCanvas answer={s} />
          <details>
            <summary>{t('home.chartTable')}</summary>
            <div class="table-scroll">
              <table class="data compact" id="traffic-table">
                <caption class="visually-hidden">{title}</caption>
                <thead><tr><th scope="col">{t('home.period')}</th><th scope="col" class="num">{t('home.visitors')}</th><th scope="col" class="num">{t('home.visits')}</th><th scope="col" class="num">{t('home.pageviews')}</th><th scope="col" class="num">{t('home.previousPageviews')}</th></tr></thead>
                <tbody>{s.points.map((p, i) => (
                  <tr key={p.period}><th scope="row">{p.period}</th><td class="num">{p.visitors === null ? '—' : count(p.visitors, lang)}</td><td class="num">{count(p.visits, lang)}</td>
                    <td class="num">{count(p.pageviews, lang)}</td><td class="num">{s.previous?.[i] ? count(s.previous[i]!.pageviews, lang) : '—'}</td></tr>
                ))}</tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Section>
  );
}

function SeriesCanvas(props: { answer: SeriesAnswer }) {
  const { t, lang } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const s = props.answer;
  useChart(canvas, () => ({
        type: 'line',
        data: {
          labels: s.points.map((p) => periodLabel(p.period, s.interval, lang)),
          datasets: [
            { label: t('home.pageviews'), data: s.points.map((p) => p.pageviews), borderColor: '#0b5cad', backgroundColor: '#0b5cad' },
            { label: t('home.visitors'), data: s.points.map((p) => p.visitors ?? 0), borderColor: '#1d6b38', backgroundColor: '#1d6b38', borderDash: [6, 3] },
            ...(s.previous ? [{ label: t('home.previousPageviews'), data: s.previous.map((p) => p.pageviews), borderColor: '#8a949f', backgroundColor: '#8a949f', borderDash: [2, 3], pointRadius: 0 }] : []),
          ],
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
      }), [s, t, lang]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={t('home.chartLabel', { interval: t(`home.interval.${s.interval}` as MessageKey), from: s.from, to: s.to })} aria-describedby="traffic-table" />
    </div>
  );
}

/** A dimension's value as people read it: `(none)` and device classes translated, the rest as is. */
function valueLabel(dimension: string, value: string, t: (k: MessageKey) => string): string {
  if (value === '(none)' || value === '') return t('home.none');
  return NAMED[dimension]?.includes(value) ? t(`home.${dimension}.${value}` as MessageKey) : value;
}

export function BreakdownPanel(props: {
  id: string; title: string; dimension: string; filterKey: FilterKey;
  state: DashboardState; query: Record<string, string>; onFilter(next: DashboardState): void;
}) {
  const { t, lang } = useI18n();
  const allowed = breakdownAllowed(props.dimension, props.state.filters);
  const rows = useAsync(async () => (allowed.ok ? get<BreakdownAnswer>('/v1/analytics/breakdown', { ...props.query, dimension: props.dimension, limit: 10, compare: 'previous' }) : null),
    [JSON.stringify(props.query), props.dimension, allowed.ok]);
  const main = props.dimension === 'page' ? 'pageviews' : 'visits';
  const columns: Array<Column<BreakdownRow>> = [
    { id: 'value', label: t(`home.dim.${props.filterKey}` as MessageKey), render: (r) => valueLabel(props.dimension, r.value, t), sortValue: (r) => r.value },
    { id: 'visitors', label: t('home.visitors'), numeric: true, render: (r) => (r.visitors === null ? '—' : count(r.visitors, lang)), sortValue: (r) => r.visitors },
    { id: main, label: t(main === 'pageviews' ? 'home.pageviews' : 'home.visits'), numeric: true, render: (r) => count(r[main], lang), sortValue: (r) => r[main] },
    {
      id: 'share', label: t('home.share'), numeric: true, sortValue: (r) => r.share,
      render: (r) => <span class="bar-cell"><span class="bar ok" aria-hidden="true"><span style={{ width: `${Math.round((r.share ?? 0) * 100)}%` }} /></span>{percent(r.share, lang, 0)}</span>,
    },
  ];
  const current = props.state.filters[props.filterKey];
  return (
    <Section id={`${props.id}-h`} title={props.title}>
      {!allowed.ok ? (
        <p class="hint">{t('home.blocked', { dim: t(`home.dim.${allowed.blockedBy}` as MessageKey) })}</p>
      ) : (
        <>
          {rows.loading && <Loading />}
          {rows.error !== null && <ErrorBox error={rows.error} />}
          {rows.data && (rows.data.rows.length === 0 ? <p class="hint">{t('home.noRows')}</p> : (
            <SortableTable caption={props.title} columns={columns} rows={rows.data.rows} rowKey={(r) => r.value}
              onActivate={(r) => props.onFilter({ ...props.state, filters: withFilter(props.state.filters, props.filterKey, r.value) })}
              activateLabel={(r) => t(current === r.value ? 'home.unfilterBy' : 'home.filterBy', { value: valueLabel(props.dimension, r.value, t) })}
              isCurrent={(r) => current === r.value} class="compact" />
          ))}
        </>
      )}
    </Section>
  );
}

export function RealtimePanel() {
  const { t, lang } = useI18n();
  const live = useAsync(() => get<RealtimeAnswer>('/v1/analytics/realtime'), []);
  useEffect(() => {
    const timer = setInterval(() => live.reload(), 30_000);
    return () => clearInterval(timer);
  }, []);
  const r = live.data;
  return (
    <Section id="realtime-h" title={t('home.realtime')}>
      {r === null && live.loading && <Loading />}
      {live.error !== null && <ErrorBox error={live.error} />}
      {r && (
        <div class="realtime">
          <p class="realtime-count"><strong>{count(r.visitors, lang)}</strong> {t('home.realtimeVisitors', { since: time(r.since, lang) })}</p>
          {r.pages.length === 0 ? <p class="hint">{t('home.realtimeNone')}</p> : (
            <SortableTable caption={t('home.realtimePages')} columns={[
              { id: 'path', label: t('home.dim.page'), render: (p) => p.path ?? t('home.none'), sortValue: (p) => p.path },
              { id: 'visitors', label: t('home.visitors'), numeric: true, render: (p) => count(p.visitors, lang), sortValue: (p) => p.visitors },
            ] satisfies Array<Column<RealtimeAnswer['pages'][number]>>} rows={r.pages.slice(0, 10)} rowKey={(p) => p.path ?? ''} class="compact" />
          )}
        </div>
      )}
    </Section>
  );
}
