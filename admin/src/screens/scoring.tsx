/**
 * Scoring & lifecycle: the workspace's engagement and fit rules (GET/PUT /v1/scoring) and its
 * lifecycle stages and rules (GET/PUT /v1/lifecycle), each rule listed in words in a sortable
 * table, created, edited and deleted by roles that may change lead scoring (admin, marketer); a
 * refused save shows the API's reasons at the rule's inputs. The API takes a whole configuration:
 * a save sends the stored one with the one rule changed, and the answer replaces what is shown.
 * A save re-scores every profile in the background; its progress is shown (GET /v1/scoring/rescore).
 *
 * The distribution of people per stage and per engagement band has no endpoint of its own: it is
 * counted on request with the segment preview (POST /v1/segments/preview, one condition per stage
 * or band, "≈" when the preview estimated from a sample), for the roles that may preview. The
 * stage funnel (scoring-funnel.tsx) shows the moves of a period, with those counts when made.
 * Each rule editor offers "what would this person score" with the rule as typed
 * (scoring-preview.tsx, POST /v1/scoring/preview).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, get, post } from '../api.js';
import { Confirm, ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Notice } from '../components/form-errors.js';
import { SortableTable, type Column } from '../components/sortable-table.js';
import { count } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useSession } from '../session.js';
import {
  bandCondition, DEFAULT_SCORING, describeFilter, describeLifecycle, engagementFields, fitFields, issuesOfRule, lifecycleFields,
  newEngagementFields, newFitFields, newLifecycleFields, SCORE_BANDS,
  type Describe, type EngagementRule, type FitRule, type LifecycleConfig, type LifecycleRule, type ScoringConfig,
} from '../scoring-model.js';
import { EngagementEditor, FitEditor, LifecycleEditor, StagesEditor } from './scoring-editors.js';
import { StageFunnel } from './scoring-funnel.js';
import { PREVIEW_FIELD, type ScorePreviewAnswer } from './scoring-preview.js';

type Editing = { kind: 'engagement' | 'fit' | 'lifecycle' | 'stages'; index: number | null } | null;
interface Rescore { rescore: { state?: string; done?: number; total?: number; processed?: number } | null }

/** Throws the API's error with the issues of rule `prefix` renamed to the editor's fields. */
const rethrow = (e: unknown, prefix: string, leaves = 0): never => {
  if (e instanceof ApiError) throw new ApiError(e.status, e.code, e.message, issuesOfRule(e.issues, prefix, leaves));
  throw e;
};

const replaceAt = <T,>(list: readonly T[], index: number | null, item: T): T[] => (index === null ? [...list, item] : list.map((x, i) => (i === index ? item : x)));

export function Scoring() {
  const { t } = useI18n();
  const { access } = useSession();
  const mayChange = access['Lead scoring']?.change === true;
  const scoring = useAsync(() => get<ScoringConfig>('/v1/scoring'), []);
  const lifecycle = useAsync(() => get<LifecycleConfig>('/v1/lifecycle'), []);
  const [saved, setSaved] = useState<{ scoring?: ScoringConfig; lifecycle?: LifecycleConfig }>({});
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<{ kind: 'engagement' | 'fit' | 'lifecycle'; index: number; label: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [rescore, setRescore] = useState<Rescore['rescore']>(null);
  const sc = saved.scoring ?? scoring.data ?? null;
  const lc = saved.lifecycle ?? lifecycle.data ?? null;
  const d = t as unknown as Describe;

  const afterSave = async (text: string) => {
    setEditing(null);
    setMessage(text);
    try { setRescore((await get<Rescore>('/v1/scoring/rescore')).rescore); } catch { /* progress is a courtesy */ }
  };
  const putScoring = async (next: ScoringConfig, prefix: string) => {
    const answer = await api<ScoringConfig>('PUT', '/v1/scoring', { body: next }).catch((e: unknown) => rethrow(e, prefix));
    setSaved((s) => ({ ...s, scoring: answer }));
  };
  const putLifecycle = async (next: LifecycleConfig, prefix: string, leaves = 0) => {
    const answer = await api<LifecycleConfig>('PUT', '/v1/lifecycle', { body: next }).catch((e: unknown) => rethrow(e, prefix, leaves));
    setSaved((s) => ({ ...s, lifecycle: answer }));
  };

  /** The stored scoring configuration with the rule in place, and the rule's position. */
  const scoringWith = (kind: 'engagement' | 'fit', index: number | null, rule: Record<string, unknown>) => {
    const base = sc ?? DEFAULT_SCORING;
    const at = index ?? (kind === 'engagement' ? base.engagement.rules.length : base.fit.rules.length);
    const next: ScoringConfig = kind === 'engagement'
      ? { ...base, engagement: { ...base.engagement, rules: replaceAt(base.engagement.rules, index, rule as unknown as EngagementRule) } }
      : { ...base, fit: { rules: replaceAt(base.fit.rules, index, rule as unknown as FitRule) } };
    return { next, at };
  };
  const saveRule = (kind: 'engagement' | 'fit', index: number | null) => async (rule: Record<string, unknown>) => {
    const { next, at } = scoringWith(kind, index, rule);
    await putScoring(next, `${kind}.rules[${at}]`);
    await afterSave(t('sc.saved', { id: String(rule.id) }));
  };
  /** The preview of an editor: the unsaved rule's issues at its inputs, the person's at the person's input. */
  const previewOf = (kind: 'engagement' | 'fit' | 'lifecycle', index: number | null) => ({
    stageLabel: (key: string) => lc?.stages.find((s) => s.key === key)?.label ?? key,
    run: async (profile: string, rule: Record<string, unknown>) => {
      let body: Record<string, unknown>;
      let prefix: string;
      let leaves = 0;
      if (kind === 'lifecycle' && lc) {
        const at = index ?? lc.rules.length;
        const when = rule.when as Record<string, unknown>;
        leaves = 'all' in when || 'any' in when ? 0 : 1;
        body = { profile, lifecycle: { ...lc, rules: replaceAt(lc.rules, index, rule as unknown as LifecycleRule) } };
        prefix = `lifecycle.rules[${at}]`;
      } else {
        const { next, at } = scoringWith(kind === 'fit' ? 'fit' : 'engagement', index, rule);
        body = { profile, scoring: next };
        prefix = `scoring.${kind}.rules[${at}]`;
      }
      return post<ScorePreviewAnswer>('/v1/scoring/preview', body).catch((e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
        if (e.status === 404) throw new ApiError(404, e.code, e.message, [{ field: PREVIEW_FIELD, reason: t('sp.notFound', { id: profile }) }]);
        const issues = e.issues.map((i) => (i.field === 'profile' ? { field: PREVIEW_FIELD, reason: t('sp.required') } : i));
        throw new ApiError(e.status, e.code, e.message, issuesOfRule(issues, prefix, leaves));
      });
    },
  });
  const [stageCounts, setStageCounts] = useState<Map<string, number> | null>(null);
  const saveLifecycleRule = (index: number | null) => async (rule: Record<string, unknown>) => {
    if (!lc) return;
    const at = index ?? lc.rules.length;
    const when = rule.when as Record<string, unknown>;
    const leaves = 'all' in when || 'any' in when ? 0 : 1;
    await putLifecycle({ ...lc, rules: replaceAt(lc.rules, index, rule as unknown as LifecycleRule) }, `rules[${at}]`, leaves);
    await afterSave(t('sc.saved', { id: String(rule.id) }));
  };
  const saveStages = async (stages: LifecycleConfig['stages']) => {
    if (!lc) return;
    await putLifecycle({ ...lc, stages }, '');
    await afterSave(t('sc.stagesSaved'));
  };
  const remove = async () => {
    if (!removing) return;
    setFailure(null);
    try {
      if (removing.kind === 'lifecycle' && lc) await putLifecycle({ ...lc, rules: lc.rules.filter((_, i) => i !== removing.index) }, '');
      else if (sc) {
        const base = sc;
        await putScoring(removing.kind === 'engagement'
          ? { ...base, engagement: { ...base.engagement, rules: base.engagement.rules.filter((_, i) => i !== removing.index) } }
          : { ...base, fit: { rules: base.fit.rules.filter((_, i) => i !== removing.index) } }, '');
      }
      await afterSave(t('sc.deleted', { id: removing.label }));
    } catch (e) { setFailure(e); }
    setRemoving(null);
  };

  const actions = <R,>(kind: 'engagement' | 'fit' | 'lifecycle', label: (r: R) => string, index: (r: R) => number): Column<R> => ({
    id: 'actions', label: t('sc.actions'),
    render: (r) => (
      <span class="row-actions">
        <button type="button" onClick={() => { setMessage(null); setEditing({ kind, index: index(r) }); }} aria-label={t('sc.editRule', { id: label(r) })}>{t('sc.edit')}</button>
        <button type="button" class="danger" onClick={() => setRemoving({ kind, index: index(r), label: label(r) })} aria-label={t('sc.deleteRule', { id: label(r) })}>{t('sc.delete')}</button>
      </span>
    ),
  });
  const addButton = (kind: 'engagement' | 'fit' | 'lifecycle', label: MessageKey) => (mayChange && editing?.kind !== kind
    ? <button type="button" class="primary" onClick={() => { setMessage(null); setEditing({ kind, index: null }); }}>{t(label)}</button> : undefined);

  type Indexed<R> = R & { index: number };
  const engagementColumns: Array<Column<Indexed<EngagementRule>>> = [
    { id: 'label', label: t('sc.rule'), render: (r) => <>{r.label}<br /><code class="rule-id">{r.id}</code></>, sortValue: (r) => r.label },
    { id: 'matches', label: t('sc.matches'), render: (r) => [t(`sc.type.${r.type}` as MessageKey), r.event ? `“${r.event}”` : t('sc.anyName'), ...r.where.map((w) => describeFilter(w.property, w, d))].join(' · ') },
    { id: 'points', label: t('sc.points'), numeric: true, render: (r) => (r.points > 0 ? `+${r.points}` : String(r.points)), sortValue: (r) => r.points },
    { id: 'cap', label: t('sc.cap'), numeric: true, render: (r) => (r.cap === undefined ? '—' : String(r.cap)), sortValue: (r) => r.cap ?? null },
    { id: 'half', label: t('sc.halfLifeCol'), numeric: true, render: (r) => (r.halfLifeDays === undefined ? t('sc.workspaceDefault') : r.halfLifeDays === null ? t('sc.noDecay') : t('sc.days', { n: r.halfLifeDays })), sortValue: (r) => (r.halfLifeDays === undefined ? null : r.halfLifeDays ?? Infinity) },
    ...(mayChange ? [actions<Indexed<EngagementRule>>('engagement', (r) => r.label, (r) => r.index)] : []),
  ];
  const fitColumns: Array<Column<Indexed<FitRule>>> = [
    { id: 'label', label: t('sc.rule'), render: (r) => <>{r.label}<br /><code class="rule-id">{r.id}</code></>, sortValue: (r) => r.label },
    { id: 'when', label: t('sc.condition'), render: (r) => describeFilter(r.trait, r, d), sortValue: (r) => r.trait },
    { id: 'points', label: t('sc.points'), numeric: true, render: (r) => (r.points > 0 ? `+${r.points}` : String(r.points)), sortValue: (r) => r.points },
    ...(mayChange ? [actions<Indexed<FitRule>>('fit', (r) => r.label, (r) => r.index)] : []),
  ];
  const stageLabel = (key: string) => lc?.stages.find((s) => s.key === key)?.label ?? key;
  const lifecycleColumns: Array<Column<Indexed<LifecycleRule>>> = [
    { id: 'id', label: t('sc.rule'), render: (r) => <code>{r.id}</code>, sortValue: (r) => r.id },
    { id: 'to', label: t('sc.to'), render: (r) => stageLabel(r.to), sortValue: (r) => lc?.stages.findIndex((s) => s.key === r.to) ?? 0 },
    { id: 'from', label: t('sc.from'), render: (r) => (r.from ? r.from.map(stageLabel).join(', ') : t('sc.forwardOnly')) },
    { id: 'when', label: t('sc.condition'), render: (r) => describeLifecycle(r.when, d) },
    ...(mayChange ? [actions<Indexed<LifecycleRule>>('lifecycle', (r) => r.id, (r) => r.index)] : []),
  ];

  const editorOf = (kind: 'engagement' | 'fit' | 'lifecycle') => {
    if (!editing || editing.kind !== kind) return null;
    const { index } = editing;
    const creating = index === null;
    const key = `${kind}-${index ?? 'new'}`;
    if (kind === 'engagement' && sc) {
      const rule = index === null ? null : sc.engagement.rules[index]!;
      return <EngagementEditor key={key} creating={creating} title={rule ? t('sc.editTitle', { id: rule.label }) : t('sc.newEngagement')} initial={rule ? engagementFields(rule) : newEngagementFields()} onSave={saveRule('engagement', index)} onCancel={() => setEditing(null)} preview={previewOf('engagement', index)} />;
    }
    if (kind === 'fit' && sc) {
      const rule = index === null ? null : sc.fit.rules[index]!;
      return <FitEditor key={key} creating={creating} title={rule ? t('sc.editTitle', { id: rule.label }) : t('sc.newFit')} initial={rule ? fitFields(rule) : newFitFields()} onSave={saveRule('fit', index)} onCancel={() => setEditing(null)} preview={previewOf('fit', index)} />;
    }
    if (kind === 'lifecycle' && lc) {
      const rule = index === null ? null : lc.rules[index]!;
      return <LifecycleEditor key={key} config={lc} creating={creating} title={rule ? t('sc.editTitle', { id: rule.id }) : t('sc.newLifecycle')} initial={rule ? lifecycleFields(rule) : newLifecycleFields(lc.stages[1]?.key ?? lc.stages[0]!.key)} onSave={saveLifecycleRule(index)} onCancel={() => setEditing(null)} preview={previewOf('lifecycle', index)} />;
    }
    return null;
  };

  return (
    <>
      <h1>{t('nav.scoring')}</h1>
      <p class="hint intro">{t('sc.intro')}</p>
      {!mayChange && <Notice>{t('sc.readOnly')}</Notice>}
      {message && <Notice kind="success">{message} {rescore ? t('sc.rescoring', { state: rescore.state ?? '' }) : ''}</Notice>}
      {failure !== null && <ErrorBox error={failure} />}
      {(scoring.loading || lifecycle.loading) && <Loading />}
      {scoring.error !== null && <ErrorBox error={scoring.error} />}
      {lifecycle.error !== null && <ErrorBox error={lifecycle.error} />}
      {sc && (
        <>
          <Section id="engagement-h" title={t('sc.engagementRules')} actions={addButton('engagement', 'sc.addEngagement')}>
            <p class="hint">{t('sc.engagementAbout', { days: sc.engagement.halfLifeDays === null ? t('sc.noDecay') : t('sc.days', { n: sc.engagement.halfLifeDays }) })}</p>
            {editorOf('engagement')}
            {sc.engagement.rules.length === 0 && editing?.kind === 'engagement' ? null : sc.engagement.rules.length === 0
              ? <p class="empty-hint">{t(mayChange ? 'sc.noEngagement' : 'sc.noEngagementRead')}</p>
              : <SortableTable caption={t('sc.engagementRules')} columns={engagementColumns} rows={sc.engagement.rules.map((r, index) => ({ ...r, index }))} rowKey={(r) => r.id} />}
          </Section>
          <Section id="fit-h" title={t('sc.fitRules')} actions={addButton('fit', 'sc.addFit')}>
            <p class="hint">{t('sc.fitAbout')}</p>
            {editorOf('fit')}
            {sc.fit.rules.length === 0 && editing?.kind === 'fit' ? null : sc.fit.rules.length === 0
              ? <p class="empty-hint">{t(mayChange ? 'sc.noFit' : 'sc.noFitRead')}</p>
              : <SortableTable caption={t('sc.fitRules')} columns={fitColumns} rows={sc.fit.rules.map((r, index) => ({ ...r, index }))} rowKey={(r) => r.id} />}
          </Section>
        </>
      )}
      {lc && (
        <>
          <Distribution config={lc} onCounted={setStageCounts}
            editButton={mayChange && editing?.kind !== 'stages' ? <button type="button" onClick={() => { setMessage(null); setEditing({ kind: 'stages', index: null }); }}>{t('sc.editStages')}</button> : undefined}
            editor={editing?.kind === 'stages' ? <StagesEditor initial={lc.stages} onCancel={() => setEditing(null)} onSave={saveStages} /> : null} />
          <StageFunnel now={stageCounts} />
          <Section id="lifecycle-h" title={t('sc.lifecycleRules')} actions={addButton('lifecycle', 'sc.addLifecycle')}>
            <p class="hint">{t('sc.lifecycleAbout', { days: lc.manualHoldDays })}</p>
            {editorOf('lifecycle')}
            {lc.rules.length === 0 && editing?.kind === 'lifecycle' ? null : lc.rules.length === 0
              ? <p class="empty-hint">{t(mayChange ? 'sc.noLifecycle' : 'sc.noLifecycleRead')}</p>
              : <SortableTable caption={t('sc.lifecycleRules')} columns={lifecycleColumns} rows={lc.rules.map((r, index) => ({ ...r, index }))} rowKey={(r) => r.id} />}
          </Section>
        </>
      )}
      <Confirm open={removing !== null} title={t('sc.deleteTitle', { id: removing?.label ?? '' })} confirmLabel={t('sc.delete')} onCancel={() => setRemoving(null)} onConfirm={() => void remove()}>
        <p>{t('sc.deleteBody')}</p>
      </Confirm>
    </>
  );
}

interface PreviewCount { count: number; exact: boolean; total: number }
interface Counted { label: string; key: string; count: number; exact: boolean }

/** People per stage and per engagement band, counted on request with the segment preview. */
function Distribution(props: { config: LifecycleConfig; editButton?: ComponentChildren; editor: ComponentChildren; onCounted(stages: Map<string, number>): void }) {
  const { t, lang } = useI18n();
  const { access } = useSession();
  // The preview is open to the roles that analyse (the same as Analytics: admin, marketer, analyst).
  const mayCount = access.Analytics?.read === true;
  const [state, setState] = useState<{ busy: boolean; error: unknown; stages: Counted[]; bands: Counted[]; total: number | null }>({ busy: false, error: null, stages: [], bands: [], total: null });
  const run = async () => {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      const stages: Counted[] = [];
      let total = 0;
      for (const s of props.config.stages) {
        const p = await post<PreviewCount>('/v1/segments/preview', { condition: { lifecycle: { in: [s.key] } } });
        stages.push({ key: s.key, label: s.label, count: p.count, exact: p.exact });
        total = p.total;
      }
      const bands: Counted[] = [];
      for (const b of SCORE_BANDS) {
        const p = await post<PreviewCount>('/v1/segments/preview', { condition: bandCondition('engagement', b) });
        const label = b.gte === null ? t('sc.band.below', { n: b.lt! }) : b.lt === null ? t('sc.band.atLeast', { n: b.gte }) : t('sc.band.between', { from: b.gte, to: b.lt });
        bands.push({ key: label, label, count: p.count, exact: p.exact });
      }
      setState({ busy: false, error: null, stages, bands, total });
      props.onCounted(new Map(stages.map((s) => [s.key, s.count])));
    } catch (error) { setState((s) => ({ ...s, busy: false, error })); }
  };
  const columns = (head: string): Array<Column<Counted>> => [
    { id: 'label', label: head, render: (r) => r.label },
    { id: 'count', label: t('sc.people'), numeric: true, render: (r) => `${r.exact ? '' : '≈ '}${count(r.count, lang)}`, sortValue: (r) => r.count },
    {
      id: 'share', label: t('sc.share'), numeric: true, sortValue: (r) => r.count,
      render: (r) => {
        const share = state.total ? r.count / state.total : 0;
        return <span class="bar-cell"><span class="bar ok" aria-hidden="true"><span style={{ width: `${Math.round(share * 100)}%` }} /></span>{`${Math.round(share * 100)} %`}</span>;
      },
    },
  ];
  return (
    <Section id="distribution-h" title={t('sc.distribution')}
      actions={<span class="row-actions">{props.editButton}{mayCount && <button type="button" onClick={() => void run()} disabled={state.busy}>{t(state.total === null ? 'sc.count' : 'sc.recount')}</button>}</span>}>
      <p class="hint">{t('sc.stagesAre')} {props.config.stages.map((s) => s.label).join(' → ')}</p>
      {props.editor}
      {!mayCount && <p class="hint">{t('sc.countNotAllowed')}</p>}
      {mayCount && state.total === null && !state.busy && <p class="hint">{t('sc.countHint')}</p>}
      {state.busy && <p class="loading" role="status">{t('sc.counting')}</p>}
      {state.error !== null && <ErrorBox error={state.error} />}
      {state.total !== null && (
        <div class="distribution">
          <p>{t('sc.totalPeople', { n: count(state.total, lang) })}</p>
          <SortableTable caption={t('sc.perStage')} showCaption columns={columns(t('sc.stage'))} rows={state.stages} rowKey={(r) => r.key} />
          <SortableTable caption={t('sc.perBand')} showCaption columns={columns(t('sc.band'))} rows={state.bands} rowKey={(r) => r.key} />
        </div>
      )}
    </Section>
  );
}
