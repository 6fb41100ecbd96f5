/**
 * Home: the app's landing page. For roles that may read analytics (admin, marketer, analyst) it is
 * the traffic dashboard — a date range (today, 7 or 30 days, or custom dates) compared with the
 * period just before, KPI tiles with their change, the traffic over time, breakdowns whose rows
 * add a filter when clicked, and the visitors of the last five minutes. The range and filters live
 * in the address (bookmarkable, back button). Other roles get a short welcome with their areas.
 * Everything comes from /v1/analytics/metric|timeseries|breakdown|realtime|funnel (docs/analytics.md;
 * the funnel: analytics-funnel.tsx).
 */
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { apiQuery, delta, FILTER_KEYS, PRESETS, readState, writeState, withoutFilter, type DashboardState, type FilterKey, type Preset } from '../analytics-view.js';
import { areasFor } from '../areas.js';
import { ErrorBox, Loading, useAsync } from '../components/common.js';
import { count, duration } from '../format.js';
import { useI18n, type Lang, type MessageKey } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { BreakdownPanel, percent, RealtimePanel, TrafficChart, type MetricAnswer } from './analytics-panels.js';
import { FunnelPanel } from './analytics-funnel.js';

/** The browser's time zone: days and hours as the person lives them. */
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function Home() {
  const { access } = useSession();
  return access.Analytics?.read ? <Dashboard /> : <Welcome />;
}

/** Roles without analytics: where their work is. */
function Welcome() {
  const { t } = useI18n();
  const { access, role } = useSession();
  const areas = areasFor(access).filter((a) => a.id !== 'home');
  return (
    <>
      <h1>{t('nav.home')}</h1>
      <section class="empty-state" aria-labelledby="welcome-h">
        <h2 id="welcome-h">{t('home.welcome')}</h2>
        <p>{t('home.noAnalytics', { role: t(`role.${role}`) })}</p>
        <ul class="plain">{areas.map((a) => <li key={a.id}><Link to={a.path}>{t(a.label)}</Link></li>)}</ul>
      </section>
    </>
  );
}

const TILES: Array<{ metric: 'visitors' | 'visits' | 'pageviews' | 'bounceRate' | 'avgVisitDurationMs'; label: MessageKey; lowerIsBetter?: boolean }> = [
  { metric: 'visitors', label: 'home.visitors' },
  { metric: 'visits', label: 'home.visits' },
  { metric: 'pageviews', label: 'home.pageviews' },
  { metric: 'bounceRate', label: 'home.bounceRate', lowerIsBetter: true },
  { metric: 'avgVisitDurationMs', label: 'home.avgDuration' },
];

const locale = (lang: Lang) => (lang === 'de' ? 'de-DE' : 'en-GB');

function figure(metric: string, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  if (metric === 'bounceRate') return percent(value, lang);
  if (metric === 'avgVisitDurationMs') return duration(value / 1000, lang);
  return count(value, lang);
}

function Dashboard() {
  const { t, lang } = useI18n();
  const loc = useLocation();
  const tz = timeZone();
  const state = readState(loc.query, Date.now(), tz);
  // The range and filters (what every panel reads); the funnel's steps have their own key.
  const { funnel, ...view } = state;
  const key = writeState(view);
  const go = (next: DashboardState) => navigate(writeState(next));
  const query = apiQuery(state, tz);
  const metric = useAsync(() => get<MetricAnswer>('/v1/analytics/metric', { ...query, compare: 'previous' }), [key]);
  const m = metric.data;
  const noTraffic = m !== null && m.metrics.pageviews === 0 && m.metrics.visits === 0 && m.metrics.events === 0;
  return (
    <>
      <h1>{t('nav.home')}</h1>
      <RangePicker state={state} onChange={go} />
      <ActiveFilters state={state} onChange={go} />
      {metric.loading && <Loading />}
      {metric.error !== null && <ErrorBox error={metric.error} />}
      {m && (
        <>
          <ul class="tiles kpis" aria-label={t('home.kpis', { from: state.from, to: state.to })}>
            {TILES.map((tile) => {
              const d = delta(tile.metric, m.metrics[tile.metric], m.previous?.[tile.metric]);
              const good = d && d.value !== 0 ? (d.value > 0) !== !!tile.lowerIsBetter : null;
              const shown = d ? `${d.value > 0 ? '+' : d.value < 0 ? '−' : '±'}${Math.abs(d.value).toLocaleString(locale(lang), { maximumFractionDigits: 1 })}${d.unit === 'points' ? ` ${t('home.points')}` : ' %'}` : null;
              return (
                <li key={tile.metric} data-metric={tile.metric}>
                  <span class="tile-label">{t(tile.label)}</span>
                  <strong class="tile-value">{figure(tile.metric, m.metrics[tile.metric], lang)}</strong>
                  <span class={`tile-delta${good === null ? '' : good ? ' up' : ' down'}`}>
                    {shown ? t('home.vsPrevious', { change: shown, previous: figure(tile.metric, m.previous?.[tile.metric], lang) }) : t('home.noComparison')}
                  </span>
                </li>
              );
            })}
          </ul>
          {noTraffic && (
            <section class="empty-state" aria-labelledby="no-traffic-h">
              <h2 id="no-traffic-h">{t('home.noTraffic')}</h2>
              <p>{t(Object.keys(state.filters).length ? 'home.noTrafficFiltered' : 'home.noTrafficHow')} <a href="/docs#/Collection">{t('home.trackerDocs')}</a></p>
            </section>
          )}
          {noTraffic && <div class="breakdowns"><RealtimePanel /></div>}
          {!noTraffic && (
            <>
              <TrafficChart state={state} query={query} />
              <div class="breakdowns">
                <RealtimePanel />
                <BreakdownPanel id="pages" title={t('home.topPages')} dimension="page" filterKey="page" state={state} query={query} onFilter={go} />
                <BreakdownPanel id="channels" title={t('home.channels')} dimension="channel" filterKey="channel" state={state} query={query} onFilter={go} />
                <BreakdownPanel id="referrers" title={t('home.referrers')} dimension="referrer" filterKey="referrer" state={state} query={query} onFilter={go} />
                <BreakdownPanel id="campaigns" title={t('home.campaigns')} dimension="utm_campaign" filterKey="utm_campaign" state={state} query={query} onFilter={go} />
                <BreakdownPanel id="devices" title={t('home.devices')} dimension="device" filterKey="device" state={state} query={query} onFilter={go} />
              </div>
              <FunnelPanel query={query} rangeKey={key} {...(funnel ? { asked: funnel } : {})} onAsk={(f) => go({ ...state, funnel: f })} />
            </>
          )}
        </>
      )}
    </>
  );
}

function RangePicker(props: { state: DashboardState; onChange(s: DashboardState): void }) {
  const { t } = useI18n();
  const { state } = props;
  const [custom, setCustom] = useState({ from: state.from, to: state.to, open: state.preset === 'custom' });
  const pick = (preset: Preset) => {
    if (preset === 'custom') { setCustom({ from: state.from, to: state.to, open: true }); return; }
    setCustom((c) => ({ ...c, open: false }));
    props.onChange({ ...readState(new URLSearchParams({ range: preset }), Date.now(), timeZone()), filters: state.filters, ...(state.funnel ? { funnel: state.funnel } : {}) });
  };
  const apply = (e: Event) => {
    e.preventDefault();
    props.onChange({ preset: 'custom', from: custom.from <= custom.to ? custom.from : custom.to, to: custom.from <= custom.to ? custom.to : custom.from, filters: state.filters, ...(state.funnel ? { funnel: state.funnel } : {}) });
  };
  const pressed = (p: Preset) => (p === 'custom' ? custom.open || state.preset === 'custom' : !custom.open && state.preset === p);
  return (
    <div class="card range-bar">
      <div class="segmented" role="group" aria-label={t('home.range')}>
        {PRESETS.map((p) => <button key={p} type="button" aria-pressed={pressed(p)} onClick={() => pick(p)}>{t(`home.range.${p}`)}</button>)}
      </div>
      {(custom.open || state.preset === 'custom') && (
        <form class="filter-row" onSubmit={apply}>
          <div class="field"><label for="range-from">{t('home.from')}</label><input id="range-from" type="date" required value={custom.from} onInput={(e) => setCustom({ ...custom, from: e.currentTarget.value })} /></div>
          <div class="field"><label for="range-to">{t('home.to')}</label><input id="range-to" type="date" required value={custom.to} onInput={(e) => setCustom({ ...custom, to: e.currentTarget.value })} /></div>
          <button type="submit" class="primary">{t('home.apply')}</button>
        </form>
      )}
      <p class="hint">{t('home.rangeIs', { from: state.from, to: state.to, tz: timeZone() })}</p>
    </div>
  );
}

function ActiveFilters(props: { state: DashboardState; onChange(s: DashboardState): void }) {
  const { t } = useI18n();
  const active = FILTER_KEYS.filter((k) => props.state.filters[k] !== undefined);
  if (active.length === 0) return <p class="hint filters-hint">{t('home.filterHint')}</p>;
  const remove = (k: FilterKey) => props.onChange({ ...props.state, filters: withoutFilter(props.state.filters, k) });
  return (
    <section class="active-filters" aria-labelledby="filters-h">
      <h2 id="filters-h" class="h2like">{t('home.filters')}</h2>
      <ul class="chips">
        {active.map((k) => (
          <li key={k}>
            <span>{t(`home.dim.${k}` as MessageKey)}: <strong>{props.state.filters[k]}</strong></span>
            <button type="button" onClick={() => remove(k)} aria-label={t('home.removeFilter', { dim: t(`home.dim.${k}` as MessageKey), value: props.state.filters[k]! })}>×</button>
          </li>
        ))}
      </ul>
      {active.length > 1 && <button type="button" onClick={() => props.onChange({ ...props.state, filters: {} })}>{t('home.clearFilters')}</button>}
    </section>
  );
}
