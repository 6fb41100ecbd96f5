/**
 * The dashboard's funnel (GET /v1/analytics/funnel, docs/analytics.md): 2 to 8 steps the person
 * types (`page:/pricing`, `page:/blog/*`, `event:Demo Requested`) or takes from the workspace's
 * goals, an optional time limit, over the dashboard's range and filters. The answer is drawn as
 * bars of people per step (Chart.js, described in words) with conversion and drop-off per step in
 * a table. Empty step inputs are left out; the API's reasons come back at the step they are about.
 * The funnel asked is kept in the dashboard's address (analytics-view.ts): showing a funnel changes
 * the address, and the address decides which funnel is shown.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useChart } from '../components/chart-canvas.js';
import { get } from '../api.js';
import { Section } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { count } from '../format.js';
import { useI18n } from '../i18n.js';
import { percent } from './analytics-panels.js';
import { MAX_FUNNEL_STEPS as MAX_STEPS, type FunnelAsked } from '../analytics-view.js';

/** The inputs of an asked funnel: at least two. */
const inputsOf = (asked: FunnelAsked | undefined) => (asked ? [...asked.steps, ...Array<string>(Math.max(0, 2 - asked.steps.length)).fill('')] : ['page:/', '']);

interface FunnelStep { step: number; label: string; people: number; conversionFromPrevious: number | null; conversionFromFirst: number | null; dropOff: number; dropOffRate: number | null }
interface FunnelAnswer { within: string | null; steps: FunnelStep[]; completed: number; conversionRate: number | null }

export function FunnelPanel(props: { query: Record<string, string>; rangeKey: string; asked?: FunnelAsked; onAsk: (funnel: FunnelAsked) => void }) {
  const { t, lang } = useI18n();
  const [steps, setSteps] = useState<string[]>(inputsOf(props.asked));
  const [within, setWithin] = useState(props.asked?.within ?? '');
  const [answer, setAnswer] = useState<FunnelAnswer | null>(null);
  const askedKey = props.asked ? JSON.stringify(props.asked) : '';
  const errors = useFormErrors([...steps.map((_, i) => `step${i + 1}`), 'within', 'steps']);
  const goals = useRef<Array<{ name: string; step: string }> | null>(null);
  let form: HTMLFormElement | null = null;

  // The steps asked come from the address, trimmed and without empty ones (analytics-view.ts), so the API's
  // `stepN` is the N-th input.
  const run = (wanted: FunnelAsked) => errors.submit(form, async () => {
    const query: Record<string, string> = { ...props.query, ...Object.fromEntries(wanted.steps.map((s, n) => [`step${n + 1}`, s])), ...(wanted.within ? { within: wanted.within } : {}) };
    setAnswer(null);
    setAnswer(await get<FunnelAnswer>('/v1/analytics/funnel', query));
  });
  // The address names another funnel (back button, a shared link): its steps in the inputs.
  useEffect(() => {
    if (!props.asked) return;
    setSteps(inputsOf(props.asked));
    setWithin(props.asked.within);
  }, [askedKey]);
  // The funnel shown follows the address: its steps, the range and the filters.
  useEffect(() => { if (props.asked) void run(props.asked); else setAnswer(null); }, [askedKey, props.rangeKey]);
  const ask = () => {
    const wanted = { steps: steps.map((s) => s.trim()).filter((s) => s !== ''), within: within.trim() };
    // The same funnel again (e.g. after new traffic): asked again; another one goes through the address.
    if (JSON.stringify(wanted) === askedKey) void run(wanted);
    else props.onAsk(wanted);
  };

  const fromGoals = async () => {
    goals.current ??= (await get<{ goals: Array<{ name: string; step: string }> }>('/v1/analytics/goals').catch(() => ({ goals: [] }))).goals;
    if (goals.current.length > 0) setSteps(goals.current.slice(0, MAX_STEPS).map((g) => g.step));
  };
  const set = (i: number, value: string) => setSteps(steps.map((s, j) => (j === i ? value : s)));
  return (
    <Section id="funnel-home-h" title={t('hf.title')}>
      <form ref={(f) => { form = f; }} noValidate onSubmit={(e) => { e.preventDefault(); ask(); }}>
        <p class="hint">{t('hf.hint')}</p>
        <FormSummary errors={errors} />
        <ol class="plain funnel-steps">{steps.map((s, i) => (
          <li key={i} class="leaf-inputs">
            <Field label={t('hf.step', { n: i + 1 })} name={`step${i + 1}`} errors={errors} value={s} placeholder={i === 0 ? 'page:/' : 'event:Demo Requested'} onInput={(e) => set(i, e.currentTarget.value)} />
            {steps.length > 2 && <button type="button" class="remove" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>{t('hf.removeStep', { n: i + 1 })}</button>}
          </li>
        ))}</ol>
        <div class="row-actions">
          {steps.length < MAX_STEPS && <button type="button" onClick={() => setSteps([...steps, ''])}>{t('hf.addStep')}</button>}
          <button type="button" onClick={() => void fromGoals()}>{t('hf.fromGoals')}</button>
        </div>
        <Field label={t('hf.within')} name="within" hint={t('hf.withinHint')} errors={errors} value={within} onInput={(e) => setWithin(e.currentTarget.value)} />
        <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{t('hf.show')}</button></div>
      </form>
      {answer && (
        <>
          <p>{t('hf.summary', { completed: count(answer.completed, lang), rate: percent(answer.conversionRate, lang) })}</p>
          <FunnelChart answer={answer} />
          <table class="data" id="funnel-table">
            <caption>{t('hf.caption')}</caption>
            <thead><tr><th scope="col">{t('hf.stepCol')}</th><th scope="col" class="num">{t('hf.people')}</th><th scope="col" class="num">{t('hf.fromPrevious')}</th><th scope="col" class="num">{t('hf.fromFirst')}</th><th scope="col" class="num">{t('hf.dropOff')}</th></tr></thead>
            <tbody>{answer.steps.map((s) => (
              <tr key={s.step}><th scope="row">{s.step}. {s.label}</th><td class="num">{count(s.people, lang)}</td><td class="num">{percent(s.conversionFromPrevious, lang)}</td>
                <td class="num">{percent(s.conversionFromFirst, lang)}</td><td class="num">{s.step === 1 ? '—' : `${count(s.dropOff, lang)} (${percent(s.dropOffRate, lang)})`}</td></tr>
            ))}</tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function FunnelChart(props: { answer: FunnelAnswer }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const a = props.answer;
  useChart(canvas, () => ({
        type: 'bar',
        data: { labels: a.steps.map((s) => `${s.step}. ${s.label}`), datasets: [{ label: t('hf.people'), data: a.steps.map((s) => s.people), backgroundColor: '#0b5cad' }] },
        options: { indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
      }), [a, t]);
  return (
    <div class="chart-box funnel-chart" style={{ height: `${Math.max(8, a.steps.length * 3 + 3)}rem` }}>
      <canvas ref={canvas} role="img" aria-label={t('hf.chartLabel', { n: a.steps.length })} aria-describedby="funnel-table" />
    </div>
  );
}
