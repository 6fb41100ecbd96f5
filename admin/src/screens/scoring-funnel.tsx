/**
 * The stage funnel of the Scoring & lifecycle screen (GET /v1/lifecycle/funnel?days=…): per
 * stage, how many moves went in and out in the last 7, 30 or 90 days, as a bar chart (Chart.js,
 * loaded with the chart; the canvas is described in words and the figures are in the tables
 * under it), with the people now in each stage when they were counted above ("Count people":
 * the API has no per-stage count that stays fast at a million profiles), and the moves between
 * stages (from → to, moves, people).
 */
import { useRef, useState } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { get } from '../api.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import { count } from '../format.js';
import { useI18n } from '../i18n.js';


interface FunnelStage { key: string; label: string; entered: number; left: number }
interface MoveRow { from: string | null; to: string; moves: number; people: number }
interface Funnel { from: string; to: string; days: number; stages: FunnelStage[]; moves: MoveRow[] }

const PERIODS = [7, 30, 90] as const;

/** `now`: people per stage key, when counted (else the chart has no such bars). */
export function StageFunnel(props: { now: Map<string, number> | null }) {
  const { t, lang } = useI18n();
  const [days, setDays] = useState<number>(30);
  const funnel = useAsync(() => get<Funnel>('/v1/lifecycle/funnel', { days }), [days]);
  const f = funnel.data;
  const label = (key: string | null) => (key === null ? t('sf.firstStage') : f?.stages.find((s) => s.key === key)?.label ?? key);
  const stageColumns: Array<Column<FunnelStage>> = [
    { id: 'stage', label: t('sc.stage'), render: (r) => r.label },
    ...(props.now ? [{ id: 'now', label: t('sf.nowPeople'), numeric: true, render: (r: FunnelStage) => count(props.now?.get(r.key) ?? 0, lang), sortValue: (r: FunnelStage) => props.now?.get(r.key) ?? 0 }] : []),
    { id: 'entered', label: t('sf.entered'), numeric: true, render: (r) => count(r.entered, lang), sortValue: (r) => r.entered },
    { id: 'left', label: t('sf.left'), numeric: true, render: (r) => count(r.left, lang), sortValue: (r) => r.left },
  ];
  const moveColumns: Array<Column<MoveRow>> = [
    { id: 'from', label: t('sf.from'), render: (r) => label(r.from), sortValue: (r) => label(r.from) },
    { id: 'to', label: t('sf.to'), render: (r) => label(r.to), sortValue: (r) => label(r.to) },
    { id: 'moves', label: t('sf.movesCol'), numeric: true, render: (r) => count(r.moves, lang), sortValue: (r) => r.moves },
    { id: 'people', label: t('sf.people'), numeric: true, render: (r) => count(r.people, lang), sortValue: (r) => r.people },
  ];
  return (
    <Section id="funnel-h" title={t('sf.title')} actions={(
      <div class="field inline-field">
        <label for="funnel-days">{t('sf.period')}</label>
        <select id="funnel-days" value={String(days)} onChange={(e) => setDays(Number((e.currentTarget as HTMLSelectElement).value))}>
          {PERIODS.map((n) => <option key={n} value={String(n)}>{t('sf.days', { n })}</option>)}
        </select>
      </div>
    )}>
      <p class="hint">{t('sf.about')}</p>
      {funnel.loading && <Loading />}
      {funnel.error !== null && <ErrorBox error={funnel.error} />}
      {f && (f.moves.length === 0 ? <p class="empty-hint">{t('sf.none', { n: f.days })}</p> : (
        <>
          <FunnelChart funnel={f} now={props.now} />
          <SortableTable caption={t('sf.stages', { n: f.days })} showCaption columns={stageColumns} rows={f.stages} rowKey={(r) => r.key} />
          <SortableTable caption={t('sf.moves', { n: f.days })} showCaption columns={moveColumns} rows={f.moves} rowKey={(r) => `${r.from ?? ''}>${r.to}`} />
        </>
      ))}
    </Section>
  );
}

function FunnelChart(props: { funnel: Funnel; now: Map<string, number> | null }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const { funnel: f, now } = props;
  useChart(canvas, () => ({
        type: 'bar',
        data: {
          labels: f.stages.map((s) => s.label),
          datasets: [
            ...(now ? [{ label: t('sf.nowPeople'), data: f.stages.map((s) => now.get(s.key) ?? 0), backgroundColor: '#5a6472' }] : []),
            { label: t('sf.entered'), data: f.stages.map((s) => s.entered), backgroundColor: '#0b5cad' },
            { label: t('sf.left'), data: f.stages.map((s) => s.left), backgroundColor: '#b35c00' },
          ],
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
      }), [f, now, t]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={t('sf.chartLabel', { n: f.days, now: now ? t('sf.chartNow') : '' })} />
    </div>
  );
}
