/**
 * A slot's report (GET /v1/slots/{id}/report): totals, a chart over time (Chart.js; the canvas
 * has a text description and the same figures are in a table beside it), and impressions, clicks,
 * CTR and conversions per variant, per rule and per depth. The range and interval live in the
 * address, so a report can be bookmarked; the CSV is the API's own.
 */
import { useRef, useState } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { apiUrl, get } from '../api.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { count } from '../format.js';
import { useI18n, type Lang, type MessageKey } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import type { SlotDoc } from './slot-editor.js';
import type { SlotReport } from '../../../src/core/decisions/slot-report.js';

/** Chart.js, loaded with the first chart (a chunk of its own: the rest of the app does not wait for it). */

/** GET /v1/slots/{id}/report: the server's report with the slot, its goal and the time zone. */
type Report = SlotReport & { slot: string; goal: { event: string; within?: string } | null; timezone?: string };
type Breakdown = SlotReport['variants'][number];

const pct = (x: number | null | undefined, lang: Lang) => (x === null || x === undefined ? '—' : `${(x * 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 })} %`);

export function SlotReportScreen(props: { id: string }) {
  const { t, lang } = useI18n();
  const loc = useLocation();
  const from = loc.query.get('from') ?? '';
  const to = loc.query.get('to') ?? '';
  const interval = loc.query.get('interval') ?? 'day';
  const slot = useAsync(() => get<SlotDoc>(`/v1/slots/${encodeURIComponent(props.id)}`), [props.id]);
  const report = useAsync(() => get<Report>(`/v1/slots/${encodeURIComponent(props.id)}/report`, { from, to, interval }), [props.id, from, to, interval]);
  const [draft, setDraft] = useState({ from, to, interval });
  const r = report.data;
  const name = slot.data?.name ?? props.id;
  const base = `/personalization/slots/${encodeURIComponent(props.id)}/report`;
  const apply = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (draft.from) q.set('from', draft.from);
    if (draft.to) q.set('to', draft.to);
    if (draft.interval !== 'day') q.set('interval', draft.interval);
    navigate(`${base}${q.toString() ? `?${q}` : ''}`);
  };
  return (
    <>
      <p class="crumbs"><Link to="/personalization">{t('p.title')}</Link> › <Link to={`/personalization/slots/${encodeURIComponent(props.id)}/edit`}>{name}</Link></p>
      <h1>{t('p.reportTitle', { name })}</h1>
      <form class="card search-row" onSubmit={apply}>
        <div class="field"><label for="r-from">{t('p.from')}</label><input id="r-from" type="date" value={draft.from || r?.from || ''} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></div>
        <div class="field"><label for="r-to">{t('p.to')}</label><input id="r-to" type="date" value={draft.to || r?.to || ''} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></div>
        <div class="field"><label for="r-interval">{t('p.interval')}</label>
          <select id="r-interval" value={draft.interval} onChange={(e) => setDraft({ ...draft, interval: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="day">{t('p.interval.day')}</option><option value="week">{t('p.interval.week')}</option>
          </select></div>
        <button type="submit" class="primary">{t('p.apply')}</button>
        <a class="button" href={apiUrl(`/v1/slots/${encodeURIComponent(props.id)}/report`, { from, to, interval, format: 'csv' })} download>{t('p.csv')}</a>
      </form>
      {report.loading && <Loading />}
      {report.error !== null && <ErrorBox error={report.error} />}
      {r && (
        <>
          <p class="hint">{r.goal ? t('p.goalIs', { event: r.goal.event, within: r.goal.within ?? '7d' }) : t('p.noGoal')} {r.timezone ? t('p.tz', { tz: r.timezone }) : ''}</p>
          <ul class="tiles" aria-label={`${r.from} – ${r.to}`}>
            {([['p.impressions', count(r.totals.impressions, lang)], ['p.clicks', count(r.totals.clicks, lang)], ['p.ctr', pct(r.totals.ctr, lang)], ['p.conversions', count(r.totals.conversions, lang)], ['p.convRate', pct(r.totals.conversionRate, lang)]] as Array<[MessageKey, string]>)
              .map(([k, v]) => <li key={k}><span class="tile-label">{t(k)}</span> <strong class="tile-value">{v}</strong></li>)}
          </ul>
          <Section id="over-time-h" title={t('p.overTime')}>
            <SeriesChart report={r} />
            <details>
              <summary>{t('p.chartTable')}</summary>
              <table class="data" id="series-table">
                <caption class="visually-hidden">{t('p.overTime')}</caption>
                <thead><tr><th scope="col">{t('p.period')}</th><th scope="col" class="num">{t('p.impressions')}</th><th scope="col" class="num">{t('p.clicks')}</th><th scope="col" class="num">{t('p.conversions')}</th></tr></thead>
                <tbody>{r.series.map((p) => <tr key={p.period}><th scope="row">{p.period}</th><td class="num">{count(p.impressions, lang)}</td><td class="num">{count(p.clicks, lang)}</td><td class="num">{count(p.conversions, lang)}</td></tr>)}</tbody>
              </table>
            </details>
          </Section>
          <BreakdownTable id="by-variant-h" title={t('p.byVariant')} head={t('p.ruleVariant')} rows={r.variants} />
          <BreakdownTable id="by-rule-h" title={t('p.byRule')} head={t('p.col.source')} rows={r.rules} />
          <Section id="by-depth-h" title={t('p.byDepth')}>
            <table class="data">
              <caption class="visually-hidden">{t('p.byDepth')}</caption>
              <thead><tr><th scope="col">{t('p.ruleDepth')}</th><th scope="col" class="num">{t('p.impressions')}</th><th scope="col" class="num">{t('p.share')}</th></tr></thead>
              <tbody>{r.depths.map((d) => (
                <tr key={d.id}><th scope="row">{t(`p.depth.${d.id}` as MessageKey) || d.id}</th><td class="num">{count(d.totals.impressions, lang)}</td>
                  <td class="num">{pct(r.totals.impressions ? d.totals.impressions / r.totals.impressions : null, lang)}</td></tr>
              ))}</tbody>
            </table>
          </Section>
        </>
      )}
    </>
  );
}

function BreakdownTable(props: { id: string; title: string; head: string; rows: Breakdown[] }) {
  const { t, lang } = useI18n();
  return (
    <Section id={props.id} title={props.title}>
      <table class="data">
        <caption class="visually-hidden">{props.title}</caption>
        <thead><tr><th scope="col">{props.head}</th><th scope="col" class="num">{t('p.impressions')}</th><th scope="col" class="num">{t('p.clicks')}</th><th scope="col" class="num">{t('p.ctr')}</th><th scope="col" class="num">{t('p.conversions')}</th><th scope="col" class="num">{t('p.convRate')}</th></tr></thead>
        <tbody>{props.rows.map((b) => (
          <tr key={b.id}><th scope="row">{b.id}</th><td class="num">{count(b.totals.impressions, lang)}</td><td class="num">{count(b.totals.clicks, lang)}</td><td class="num">{pct(b.totals.ctr, lang)}</td>
            <td class="num">{count(b.totals.conversions, lang)}</td><td class="num">{pct(b.totals.conversionRate, lang)}</td></tr>
        ))}</tbody>
      </table>
    </Section>
  );
}

function SeriesChart(props: { report: Report }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const r = props.report;
  useChart(canvas, () => ({
      type: 'line',
      data: {
        labels: r.series.map((p) => p.period),
        datasets: [
          { label: t('p.impressions'), data: r.series.map((p) => p.impressions), borderColor: '#0b5cad', backgroundColor: '#0b5cad' },
          { label: t('p.clicks'), data: r.series.map((p) => p.clicks), borderColor: '#b35c00', backgroundColor: '#b35c00', borderDash: [6, 3] },
          { label: t('p.conversions'), data: r.series.map((p) => p.conversions), borderColor: '#1d6b38', backgroundColor: '#1d6b38', borderDash: [2, 2] },
        ],
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
      }), [r, t]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={t('p.chartLabel', { interval: t(`p.interval.${r.interval}` as MessageKey), from: r.from, to: r.to })} aria-describedby="series-table" />
    </div>
  );
}
