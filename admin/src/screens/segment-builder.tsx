/**
 * The visual condition builder: a segment's rules as forms (every leaf of the condition language),
 * joined by "all" or "any", nested in groups, each negatable; while building, the live count and
 * examples from POST /v1/segments/preview and the condition in words. Saving creates
 * (POST /v1/segments) or changes (PUT /v1/segments/{id}) the segment; the API's issues appear at
 * the rule or input they name, and nothing typed is lost.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, post, api, type FieldIssue } from '../api.js';
import type { SegmentView } from '../api-types.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { fromCondition, LEAF_KINDS, newGroup, newLeaf, OPS, toCondition, updateRule, withKind, type Group, type Leaf, type LeafKind, type Rule } from '../condition-model.js';
import { count } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, navigate } from '../router.js';

interface Preview { count: number; exact?: boolean; scanned?: number; total?: number; readable?: string; examples: Array<{ profileId: string; traits: Record<string, unknown>; reason: string }> }

const START = () => newGroup('and', [newLeaf('event')]);

/** A persona of the workspace's current model, as GET /v1/personas lists it. */
export interface PersonaOption { id: string; name: string }

/**
 * The personas a persona rule may name, from GET /v1/personas: undefined while loading; null when
 * there is no fitted model (or none can be listed or read), and a persona rule then takes a typed id.
 */
export function usePersonaOptions(): PersonaOption[] | null | undefined {
  const list = useAsync(() => get<{ model: unknown; personas: PersonaOption[] }>('/v1/personas').catch(() => null), []);
  if (list.loading) return undefined;
  const data = list.data;
  return data && data.model !== null && data.personas.length > 0 ? data.personas.map((p) => ({ id: p.id, name: p.name })) : null;
}

export function SegmentBuilder(props: { id?: string }) {
  const { t } = useI18n();
  const existing = useAsync(async () => (props.id ? get<SegmentView>(`/v1/segments/${encodeURIComponent(props.id)}`) : null), [props.id]);
  if (props.id && existing.loading) return <><h1>{props.id}</h1><Loading /></>;
  if (existing.error !== null) return <><h1>{props.id}</h1><ErrorBox error={existing.error} /></>;
  return <BuilderForm key={props.id ?? 'new'} segment={existing.data} title={existing.data ? t('builder.editTitle', { name: existing.data.name }) : t('builder.newTitle')} />;
}

function BuilderForm(props: { segment: SegmentView | null; title: string }) {
  const { t, lang } = useI18n();
  const s = props.segment;
  const [meta, setMeta] = useState({ id: '', name: s?.name ?? '', description: s?.description ?? '' });
  const initial = useMemo(() => (s ? fromCondition(s.condition as never) : START()), [s]);
  const [root, setRoot] = useState<Group>(initial ?? START());
  const [ruleIssues, setRuleIssues] = useState<FieldIssue[]>([]);
  const [preview, setPreview] = useState<{ data: Preview | null; error: unknown; busy: boolean }>({ data: null, error: null, busy: false });
  const errors = useFormErrors(['id', 'name', 'description']);
  const segments = useAsync(() => get<{ segments: SegmentView[] }>('/v1/segments', { counts: 'cached' }), []);
  const personas = usePersonaOptions();
  let form: HTMLFormElement | null = null;
  const { condition, paths } = toCondition(root);
  const json = JSON.stringify(condition);

  // The live count: asked 400 ms after the last change; a later answer replaces an earlier one.
  useEffect(() => {
    let live = true;
    setPreview((p) => ({ ...p, busy: true }));
    const timer = setTimeout(() => {
      post<Preview>('/v1/segments/preview', { condition, ...(s ? { id: s.id } : {}) }).then(
        (data) => { if (live) { setPreview({ data, error: null, busy: false }); setRuleIssues([]); } },
        (error: unknown) => {
          if (!live) return;
          setPreview({ data: null, error, busy: false });
          if (error instanceof ApiError) setRuleIssues(error.issues.filter((i) => i.field.startsWith('condition')));
        },
      );
    }, 400);
    return () => { live = false; clearTimeout(timer); };
  }, [json]);

  /** The issues about one rule: those whose field is under its path and under no deeper rule's. */
  const issuesOf = (id: number) => {
    const mine = paths.get(id)!;
    const all = [...paths.values()];
    return ruleIssues.filter((i) => (i.field === mine || i.field.startsWith(`${mine}.`) || i.field.startsWith(`${mine}[`))
      && !all.some((p) => p.length > mine.length && p.startsWith(mine) && (i.field === p || i.field.startsWith(`${p}.`) || i.field.startsWith(`${p}[`))));
  };

  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const body = { ...(s ? {} : meta.id.trim() ? { id: meta.id.trim() } : {}), name: meta.name, ...(meta.description ? { description: meta.description } : {}), condition };
      try {
        const saved = s ? await api<SegmentView>('PUT', `/v1/segments/${encodeURIComponent(s.id)}`, { body }) : await post<SegmentView>('/v1/segments', body);
        navigate(`/segments/${encodeURIComponent(saved.id)}`);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        setRuleIssues(error.issues.filter((i) => i.field.startsWith('condition')));
        const rest = error.issues.filter((i) => !i.field.startsWith('condition'));
        throw new ApiError(error.status, error.code, error.message, rest.length || !error.issues.length ? rest : [{ field: 'condition', reason: t('builder.fixRules') }]);
      }
    });
  };

  const set = (id: number, change: (r: Rule) => Rule | null) => setRoot((r) => updateRule(r, id, change));
  const ctx: EditorContext = { set, issuesOf, segments: segments.data?.segments.filter((x) => x.id !== s?.id) ?? [], personas: personas ?? null };
  const p = preview.data;

  return (
    <>
      <p class="crumbs"><Link to="/segments">{t('segments.title')}</Link></p>
      <h1>{props.title}</h1>
      {!initial && <p class="notice error" role="alert">{t('builder.unsupported')}</p>}
      <form ref={(f) => { form = f; }} class="builder" onSubmit={save} noValidate>
        <FormSummary errors={errors} />
        <div class="builder-grid">
          <div>
            <Section id="about-h" title={t('builder.about')}>
              {!s && <Field label={t('builder.id')} name="id" hint={t('builder.idHint')} value={meta.id} errors={errors} onInput={(e) => setMeta({ ...meta, id: e.currentTarget.value })} />}
              <Field label={t('builder.name')} name="name" required value={meta.name} errors={errors} onInput={(e) => setMeta({ ...meta, name: e.currentTarget.value })} />
              <Field label={t('builder.description')} name="description" value={meta.description} errors={errors} onInput={(e) => setMeta({ ...meta, description: e.currentTarget.value })} />
            </Section>
            <Section id="rules-h" title={t('builder.rules')}>
              <GroupEditor group={root} ctx={ctx} isRoot />
            </Section>
            <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{s ? t('builder.save') : t('builder.create')}</button></div>
          </div>
          <aside aria-labelledby="live-h" class="card live">
            <h2 id="live-h">{t('builder.live')}</h2>
            <div aria-live="polite" aria-atomic="true">
              {p ? (
                <p class="live-count"><strong>{p.exact === false ? '≈ ' : ''}{count(p.count, lang)}</strong> {t('builder.people')}
                  {p.exact === false && p.scanned !== undefined && p.total !== undefined ? <span class="hint"> {t('builder.sampled', { scanned: count(p.scanned, lang), total: count(p.total, lang) })}</span> : null}</p>
              ) : preview.error !== null ? <p class="error">{t('builder.noCount')}</p> : <p class="loading">{t('loading')}</p>}
            </div>
            {p?.readable && <p class="readable">{p.readable}</p>}
            {p && p.examples.length > 0 && (
              <>
                <h3>{t('builder.examples')}</h3>
                <ul class="plain">{p.examples.map((x) => <li key={x.profileId}><Link to={`/people/${encodeURIComponent(x.profileId)}`}>{String(x.traits.name ?? x.traits.email ?? x.profileId)}</Link> <span class="hint">{x.reason}</span></li>)}</ul>
              </>
            )}
          </aside>
        </div>
      </form>
    </>
  );
}

interface EditorContext {
  set(id: number, change: (r: Rule) => Rule | null): void;
  issuesOf(id: number): FieldIssue[];
  segments: SegmentView[];
  /** The current model's personas; null without a fitted model (a persona rule then takes a typed id). */
  personas: PersonaOption[] | null;
}

function RuleIssues(props: { issues: FieldIssue[]; id: string }) {
  if (!props.issues.length) return null;
  return <ul class="error rule-issues" id={props.id}>{props.issues.map((i) => <li key={i.field + i.reason}>{i.reason} <code>{i.field}</code></li>)}</ul>;
}

function GroupEditor(props: { group: Group; ctx: EditorContext; isRoot?: boolean }) {
  const { t } = useI18n();
  const g = props.group;
  const [kind, setKind] = useState<LeafKind>('event');
  const issues = props.ctx.issuesOf(g.id);
  return (
    <fieldset class={`group${props.isRoot ? ' root' : ''}`} aria-describedby={issues.length ? `issues-${g.id}` : undefined}>
      <legend>
        <label class="visually-hidden" for={`g${g.id}-join`}>{t('builder.join')}</label>
          <select id={`g${g.id}-join`} value={`${g.negate ? 'not-' : ''}${g.join}`} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            props.ctx.set(g.id, (r) => ({ ...(r as Group), negate: v.startsWith('not-'), join: v.endsWith('or') ? 'or' : 'and' }));
          }}>
            <option value="and">{t('builder.all')}</option>
            <option value="or">{t('builder.any')}</option>
            <option value="not-and">{t('builder.notAll')}</option>
            <option value="not-or">{t('builder.none')}</option>
          </select>
      </legend>
      <RuleIssues issues={issues} id={`issues-${g.id}`} />
      <ol class="rules">
        {g.rules.map((r) => <li key={r.id}>{r.kind === 'group' ? <GroupEditor group={r} ctx={props.ctx} /> : <LeafEditor leaf={r} ctx={props.ctx} />}</li>)}
      </ol>
      <div class="add-rule">
        <div class="mini">
          <label for={`g${g.id}-kind`}>{t('builder.addKind')}</label>
          <select id={`g${g.id}-kind`} value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as LeafKind)}>
            {LEAF_KINDS.map((k) => <option key={k} value={k}>{t(`leaf.${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <button type="button" onClick={() => props.ctx.set(g.id, (r) => ({ ...(r as Group), rules: [...(r as Group).rules, newLeaf(kind)] }))}>{t('builder.addRule')}</button>
        <button type="button" onClick={() => props.ctx.set(g.id, (r) => ({ ...(r as Group), rules: [...(r as Group).rules, newGroup('or', [newLeaf(kind)])] }))}>{t('builder.addGroup')}</button>
        {!props.isRoot && <button type="button" onClick={() => props.ctx.set(g.id, () => null)}>{t('builder.removeGroup')}</button>}
      </div>
    </fieldset>
  );
}

function LeafEditor(props: { leaf: Leaf; ctx: EditorContext }) {
  const { t } = useI18n();
  const l = props.leaf;
  const f = l.fields;
  const issues = props.ctx.issuesOf(l.id);
  const idp = `r${l.id}`;
  const setField = (name: string) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
    const value = e.currentTarget.value;
    props.ctx.set(l.id, (r) => ({ ...(r as Leaf), fields: { ...(r as Leaf).fields, [name]: value } }));
  };
  const input = (name: string, label: MessageKey, extra: { hint?: MessageKey; size?: number } = {}) => {
    const id = `${idp}-${name}`;
    return (
      <div class="mini">
        <label for={id}>{t(label)}</label>
        <input id={id} value={f[name] ?? ''} size={extra.size ?? 14} onInput={setField(name)} aria-describedby={extra.hint ? `${id}-hint` : undefined}
          aria-invalid={issues.some((i) => i.field.endsWith(`.${name}`)) ? 'true' : undefined} />
        {extra.hint && <span class="hint" id={`${id}-hint`}>{t(extra.hint)}</span>}
      </div>
    );
  };
  const select = (name: string, label: MessageKey, options: Array<[string, string]>) => {
    const id = `${idp}-${name}`;
    return (
      <div class="mini">
        <label for={id}>{t(label)}</label>
        <select id={id} value={f[name] ?? ''} onChange={setField(name)} aria-invalid={issues.some((i) => i.field.endsWith(`.${name}`)) ? 'true' : undefined}>
          {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
        </select>
      </div>
    );
  };
  const ops = (name = 'op') => select(name, 'builder.op', OPS.map((o) => [o, t(`op.${o}` as MessageKey)]));
  const countedInputs = <>{input('atLeast', 'builder.atLeast', { size: 4 })}{input('within', 'builder.within', { size: 6, hint: 'builder.withinHint' })}</>;
  let body;
  switch (l.kind) {
    case 'trait': case 'computed': body = <>{input('key', l.kind === 'trait' ? 'builder.trait' : 'builder.computed')}{ops()}{input('value', 'builder.value', { hint: 'builder.valueHint' })}</>; break;
    case 'event': body = <>{input('name', 'builder.eventName', { size: 22 })}{countedInputs}{input('property', 'builder.property')}{ops('propertyOp')}{input('propertyValue', 'builder.value')}</>; break;
    case 'sequence': body = <>{input('steps', 'builder.steps', { size: 36, hint: 'builder.stepsHint' })}{input('within', 'builder.within', { size: 6, hint: 'builder.withinHint' })}</>; break;
    case 'page': body = <>{input('path', 'builder.path')}{input('url', 'builder.url')}{countedInputs}</>; break;
    case 'email': body = <>{select('action', 'builder.action', [['opened', t('builder.opened')], ['clicked', t('builder.clicked')]])}{countedInputs}</>; break;
    case 'segment': body = select('id', 'builder.segment', [['', '—'], ...props.ctx.segments.map((s): [string, string] => [s.id, s.name])]); break;
    case 'lifecycle': body = input('in', 'builder.stages', { size: 30, hint: 'builder.listHint' }); break;
    case 'score': body = <>{select('kind', 'builder.scoreKind', [['engagement', t('person.engagement')], ['fit', t('person.fit')]])}{ops()}{input('value', 'builder.value', { size: 6 })}</>; break;
    case 'consent': body = <>{input('purpose', 'builder.purpose')}{select('granted', 'builder.granted', [['true', t('builder.granted.yes')], ['false', t('builder.granted.no')]])}</>; break;
    case 'persona': {
      const known = props.ctx.personas;
      // A stored id the list does not show (a persona too small to list, or of an older model) stays choosable as it is.
      const options: Array<[string, string]> = known ? [['', '—'], ...known.map((p): [string, string] => [p.id, `${p.name} (${p.id})`])] : [];
      if (known && f.id && !known.some((p) => p.id === f.id)) options.push([f.id, f.id]);
      body = <>{known ? select('id', 'builder.persona', options) : input('id', 'builder.personaId', { size: 8, hint: 'builder.personaIdHint' })}
        {input('minProbability', 'builder.minProbability', { size: 5, hint: 'builder.minProbabilityHint' })}</>;
      break;
    }
  }
  return (
    <fieldset class={`leaf${issues.length ? ' invalid' : ''}`} aria-describedby={issues.length ? `${idp}-issues` : undefined}>
      <legend>{t(`leaf.${l.kind}` as MessageKey)}</legend>
      <div class="leaf-inputs">
        <div class="mini check"><input id={`${idp}-not`} type="checkbox" checked={l.negate} onChange={(e) => props.ctx.set(l.id, (r) => ({ ...r, negate: (e.currentTarget as HTMLInputElement).checked }))} /><label for={`${idp}-not`}>{t('builder.not')}</label></div>
        <div class="mini">
          <label for={`${idp}-kind`}>{t('builder.leafKind')}</label>
          <select id={`${idp}-kind`} value={l.kind} onChange={(e) => { const kind = (e.currentTarget as HTMLSelectElement).value as LeafKind; props.ctx.set(l.id, (r) => withKind(r as Leaf, kind)); }}>
            {LEAF_KINDS.map((k) => <option key={k} value={k}>{t(`leaf.${k}` as MessageKey)}</option>)}
          </select>
        </div>
        {body}
        <button type="button" class="remove" onClick={() => props.ctx.set(l.id, () => null)} aria-label={`${t('builder.remove')}: ${t(`leaf.${l.kind}` as MessageKey)}`}>{t('builder.remove')}</button>
      </div>
      <RuleIssues issues={issues} id={`${idp}-issues`} />
    </fieldset>
  );
}

/**
 * The builder's rules on their own, for every other screen that takes a profile condition (a slot
 * rule's condition, an experiment's targeting): the same group and leaf editors over `root`, with
 * the API's issues (their fields relative to the condition: `condition.trait.key`) shown at the
 * rule they name.
 */
export function ConditionRules(props: { root: Group; onChange(next: Group): void; issues: FieldIssue[]; segments: SegmentView[]; personas: PersonaOption[] | null | undefined }) {
  const { paths } = toCondition(props.root);
  const issuesOf = (id: number) => {
    const mine = paths.get(id);
    if (mine === undefined) return [];
    const all = [...paths.values()];
    const under = (field: string, p: string) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`);
    return props.issues.filter((i) => under(i.field, mine) && !all.some((p) => p.length > mine.length && p.startsWith(mine) && under(i.field, p)));
  };
  const ctx: EditorContext = { set: (id, change) => props.onChange(updateRule(props.root, id, change)), issuesOf, segments: props.segments, personas: props.personas ?? null };
  return <GroupEditor group={props.root} ctx={ctx} isRoot />;
}
