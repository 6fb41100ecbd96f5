/**
 * The slot editor (POST /v1/slots, PUT /v1/slots/{id}): the slot's settings, its variants (title,
 * body as text or HTML, image, link, categories), its default, and its rules in order, each with
 * the segment builder's visual condition editor for the profile condition, visit (context)
 * conditions, a declared depth and caps. Rules move with up/down buttons (the focus stays on the
 * moved rule's button, and the move is announced). The API's issues appear at the input they name
 * (`variants[1].linkUrl`, `rules[0].condition.trait.key`); nothing typed is lost on a failed save.
 * Parts of a stored slot the form has no input for (timing, tags, payloads, sequences, a rule's
 * own explanation, nested visit conditions) are kept as they are.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, get, post, type FieldIssue } from '../api.js';
import type { SegmentView } from '../api-types.js';
import type { SlotDefinition } from '../../../src/core/decisions/slot.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { CheckField, SelectField, TextAreaField } from '../components/personalization-fields.js';
import { fromCondition, newGroup, newLeaf, OPS, toCondition, type Group } from '../condition-model.js';
import { useI18n, type MessageKey, type Translate } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { ConditionRules, usePersonaOptions, type PersonaOption } from './segment-builder.js';
import { useSession } from '../session.js';

export const DEPTHS = ['none', 'contextual', 'segment', 'persona', 'individual'] as const;
export const CONTEXT_FIELDS = ['path', 'url', 'category', 'referrer', 'utm.source', 'utm.medium', 'utm.campaign', 'utm.content', 'utm.term', 'deviceClass', 'localHour', 'weekday', 'country', 'recognised', 'locale'] as const;
const NUMERIC_CONTEXT = new Set(['localHour', 'weekday']);

/** A slot as GET /v1/slots/{id} answers (the server's own definition type; docs/decisions.md). */
export type SlotDoc = SlotDefinition & { createdAt: string; updatedAt: string; version: number };

interface VariantForm { key: number; orig: Record<string, unknown>; id: string; title: string; body: string; format: string; imageUrl: string; linkUrl: string; categories: string }
interface ContextRow { key: number; field: string; op: string; value: string }
interface CapRow { key: number; max: string; window: string }
interface RuleForm {
  key: number; orig: Record<string, unknown>; id: string; name: string; variantId: string; depth: string;
  useProfile: boolean; root: Group; rawCondition: unknown;
  context: ContextRow[]; rawContext: unknown; caps: CapRow[];
}
interface SlotForm { id: string; name: string; description: string; channel: string; defaultVariantId: string; strategy: string; halfLife: string; depthCeiling: string; explain: boolean; goalEvent: string; goalWithin: string }

let keys = 0;
const k = () => ++keys;
const text = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));
const without = (o: Record<string, unknown>, ...names: string[]) => Object.fromEntries(Object.entries(o).filter(([n]) => !names.includes(n)));

const newVariant = (n: number): VariantForm => ({ key: k(), orig: {}, id: `v${n}`, title: '', body: '', format: 'text', imageUrl: '', linkUrl: '', categories: '' });
const newRule = (n: number, variantId: string): RuleForm => ({
  key: k(), orig: {}, id: `rule-${n}`, name: '', variantId, depth: 'segment', useProfile: true,
  root: newGroup('and', [newLeaf('trait')]), rawCondition: undefined, context: [], rawContext: undefined, caps: [],
});

/** Visit conditions the form shows: one leaf, or "and" of leaves. Anything else is kept as it is. */
function contextRows(c: unknown): ContextRow[] | null {
  if (c === undefined || c === null) return [];
  const leaf = (x: unknown): ContextRow | null => {
    const l = x as Record<string, unknown>;
    if (typeof l !== 'object' || l === null || typeof l.field !== 'string') return null;
    const op = typeof l.op === 'string' ? l.op : 'equals';
    const value = op === 'in' || op === 'not_in' ? text(l.values ?? l.value) : op === 'between' ? `${text(l.min)}, ${text(l.max)}` : text(l.value);
    return { key: k(), field: l.field, op, value };
  };
  const and = (c as { and?: unknown[] }).and;
  const rows = Array.isArray(and) ? and.map(leaf) : [leaf(c)];
  return rows.every(Boolean) ? rows as ContextRow[] : null;
}

/** A comparison as the API takes it; numbers where the field is a number, as typed otherwise (the API says what is wrong). */
function comparison(op: string, value: string, numeric: boolean): Record<string, unknown> {
  const one = (v: string) => (numeric && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v.trim());
  if (op === 'exists' || op === 'not_exists') return { op };
  if (op === 'in' || op === 'not_in') return { op, values: value.split(',').map(one).filter((v) => v !== '') };
  if (op === 'between') { const [min = '', max = ''] = value.split(','); return { op, min: one(min), max: one(max) }; }
  return { op, value: one(value) };
}

function toForm(s: SlotDoc | null): { slot: SlotForm; variants: VariantForm[]; rules: RuleForm[] } {
  if (!s) {
    const variants = [newVariant(1)];
    return { slot: { id: '', name: '', description: '', channel: 'web', defaultVariantId: 'v1', strategy: 'rules', halfLife: '', depthCeiling: 'individual', explain: true, goalEvent: '', goalWithin: '' }, variants, rules: [] };
  }
  return {
    slot: {
      id: s.id, name: s.name, description: s.description ?? '', channel: s.channel, defaultVariantId: s.defaultVariantId,
      strategy: s.strategy?.kind ?? 'rules', halfLife: text(s.strategy?.halfLife), depthCeiling: s.depthCeiling, explain: s.explain,
      goalEvent: s.goal?.event ?? '', goalWithin: s.goal?.within ?? '',
    },
    variants: s.variants.map((v) => ({ key: k(), orig: v as unknown as Record<string, unknown>, id: v.id, title: v.title ?? '', body: v.body, format: v.format, imageUrl: v.imageUrl ?? '', linkUrl: v.linkUrl ?? '', categories: text(v.categories) })),
    rules: s.rules.map((r) => {
      const root = r.condition ? fromCondition(r.condition as never) : null;
      const ctx = contextRows(r.context);
      return {
        key: k(), orig: r as unknown as Record<string, unknown>, id: r.id, name: r.name ?? '', variantId: r.variantId ?? '', depth: r.depth,
        useProfile: r.condition !== undefined, root: root ?? newGroup('and', [newLeaf('trait')]), rawCondition: r.condition !== undefined && !root ? r.condition : undefined,
        context: ctx ?? [], rawContext: ctx ? undefined : r.context,
        caps: (r.caps ?? []).map((c) => ({ key: k(), max: text(c.max), window: text(c.window) })),
      };
    }),
  };
}

function toDefinition(orig: SlotDoc | null, slot: SlotForm, variants: VariantForm[], rules: RuleForm[]): Record<string, unknown> {
  const strategy = slot.strategy === (orig?.strategy?.kind ?? 'rules') && orig ? { ...orig.strategy } : { kind: slot.strategy };
  if (slot.strategy === 'score-sorted') { if (slot.halfLife.trim()) strategy.halfLife = slot.halfLife.trim(); else delete strategy.halfLife; }
  return {
    ...(orig ? without(orig as unknown as Record<string, unknown>, 'createdAt', 'updatedAt', 'version', 'goal', 'description') : {}),
    id: slot.id.trim(), name: slot.name, ...(slot.description ? { description: slot.description } : {}), channel: slot.channel,
    variants: variants.map((v) => ({
      ...without(v.orig, 'title', 'imageUrl', 'linkUrl', 'categories'),
      id: v.id.trim(), ...(v.title ? { title: v.title } : {}), body: v.body, format: v.format,
      ...(v.imageUrl.trim() ? { imageUrl: v.imageUrl.trim() } : {}), ...(v.linkUrl.trim() ? { linkUrl: v.linkUrl.trim() } : {}),
      ...(v.categories.trim() ? { categories: v.categories.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    })),
    defaultVariantId: slot.defaultVariantId,
    rules: rules.map((r) => {
      const context = r.rawContext !== undefined ? r.rawContext : r.context.length === 0 ? undefined
        : r.context.length === 1 ? { field: r.context[0]!.field, ...comparison(r.context[0]!.op, r.context[0]!.value, NUMERIC_CONTEXT.has(r.context[0]!.field)) }
          : { and: r.context.map((c) => ({ field: c.field, ...comparison(c.op, c.value, NUMERIC_CONTEXT.has(c.field)) })) };
      const condition = !r.useProfile ? undefined : r.rawCondition !== undefined ? r.rawCondition : toCondition(r.root).condition;
      return {
        ...without(r.orig, 'name', 'condition', 'context', 'caps', 'variantId'),
        id: r.id.trim(), ...(r.name ? { name: r.name } : {}),
        ...(r.variantId || !r.orig.sequence ? { variantId: r.variantId } : {}),
        ...(condition !== undefined ? { condition } : {}), ...(context !== undefined ? { context } : {}),
        depth: r.depth,
        ...(r.caps.length ? { caps: r.caps.map((c) => ({ max: /^\d+$/.test(c.max.trim()) ? Number(c.max.trim()) : c.max, window: c.window.trim() })) } : {}),
      };
    }),
    strategy, depthCeiling: slot.depthCeiling, explain: slot.explain,
    ...(slot.goalEvent.trim() ? { goal: { event: slot.goalEvent.trim(), ...(slot.goalWithin.trim() ? { within: slot.goalWithin.trim() } : {}) } } : {}),
  };
}

export const depthOptions = (t: Translate): Array<[string, string]> => DEPTHS.map((d) => [d, t(`p.depth.${d}` as MessageKey)]);

export function SlotEditor(props: { id?: string }) {
  const { t } = useI18n();
  const existing = useAsync(async () => (props.id ? get<SlotDoc>(`/v1/slots/${encodeURIComponent(props.id)}`) : null), [props.id]);
  if (props.id && existing.loading) return <><h1>{props.id}</h1><Loading /></>;
  if (existing.error !== null) return <><h1>{props.id}</h1><ErrorBox error={existing.error} /></>;
  return <SlotForm key={`${props.id ?? 'new'}-${existing.data?.version ?? 0}`} slot={existing.data} title={existing.data ? t('p.editTitle', { name: existing.data.name }) : t('p.newTitle')} />;
}

function SlotForm(props: { slot: SlotDoc | null; title: string }) {
  const { t } = useI18n();
  const loc = useLocation();
  const orig = props.slot;
  const initial = useMemo(() => toForm(orig), [orig]);
  const [slot, setSlot] = useState(initial.slot);
  const [variants, setVariants] = useState(initial.variants);
  const [rules, setRules] = useState(initial.rules);
  const [conditionIssues, setConditionIssues] = useState<FieldIssue[]>([]);
  const [moved, setMoved] = useState<{ key: number; dir: 'up' | 'down'; at: number } | null>(null);
  const segments = useAsync(() => get<{ segments: SegmentView[] }>('/v1/segments', { counts: 'cached' }).catch(() => ({ segments: [] })), []);
  const personas = usePersonaOptions();
  const fields = [
    'id', 'name', 'description', 'channel', 'defaultVariantId', 'strategy', 'depthCeiling', 'explain', 'goal.event', 'goal.within', 'goal',
    ...variants.flatMap((_, i) => ['id', 'title', 'body', 'format', 'imageUrl', 'linkUrl', 'categories'].map((f) => `variants[${i}].${f}`).concat(`variants[${i}]`)),
    ...rules.flatMap((_, i) => ['id', 'name', 'variantId', 'depth', 'context', 'caps'].map((f) => `rules[${i}].${f}`).concat(`rules[${i}]`)),
    'variants', 'rules',
  ];
  const errors = useFormErrors(fields);
  let form: HTMLFormElement | null = null;

  // After a move: the focus stays with the moved rule (its button in the same direction, or the other when at an end).
  useEffect(() => {
    if (!moved) return;
    const target = document.getElementById(`rule-${moved.key}-${moved.dir}`) as HTMLButtonElement | null;
    const other = document.getElementById(`rule-${moved.key}-${moved.dir === 'up' ? 'down' : 'up'}`) as HTMLButtonElement | null;
    (target && !target.disabled ? target : other)?.focus();
  }, [moved]);

  const variantOptions: Array<[string, string]> = variants.map((v) => [v.id, v.title ? `${v.id} – ${v.title}` : v.id]);
  const setV = (key: number, change: Partial<VariantForm>) => setVariants((vs) => vs.map((v) => (v.key === key ? { ...v, ...change } : v)));
  const setR = (key: number, change: Partial<RuleForm>) => setRules((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const move = (index: number, dir: 'up' | 'down') => {
    const to = dir === 'up' ? index - 1 : index + 1;
    if (to < 0 || to >= rules.length) return;
    const next = [...rules];
    [next[index], next[to]] = [next[to]!, next[index]!];
    setRules(next);
    setConditionIssues([]);
    setMoved({ key: rules[index]!.key, dir, at: to + 1 });
  };

  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      setConditionIssues([]);
      const body = toDefinition(orig, slot, variants, rules);
      try {
        const saved = orig ? await api<SlotDoc>('PUT', `/v1/slots/${encodeURIComponent(orig.id)}`, { body }) : await post<SlotDoc>('/v1/slots', body);
        navigate(`/personalization/slots/${encodeURIComponent(saved.id)}/edit?saved=${saved.version}`, { replace: !orig });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const isCondition = (i: FieldIssue) => /^rules\[\d+\]\.condition/.test(i.field);
        setConditionIssues(error.issues.filter(isCondition));
        const rest = error.issues.filter((i) => !isCondition(i));
        throw new ApiError(error.status, error.code, error.message, rest.length || !error.issues.length ? rest : [{ field: 'rules', reason: t('p.fixRules') }]);
      }
    });
  };

  const saved = loc.query.get('saved');
  // Roles that may read slots but not change them see the slot in the same form, unchangeable.
  const readOnly = useSession().access.Personalization?.change !== true;
  return (
    <>
      <p class="crumbs"><Link to="/personalization">{t('p.title')}</Link></p>
      <h1>{props.title}</h1>
      {orig && <p class="actions"><Link class="button" to={`/personalization/slots/${encodeURIComponent(orig.id)}/view-as`}>{t('p.viewAs')}</Link><Link class="button" to={`/personalization/slots/${encodeURIComponent(orig.id)}/report`}>{t('p.report')}</Link></p>}
      {saved && <Notice kind="success">{t('p.saved', { v: saved })}</Notice>}
      <form ref={(f) => { form = f; }} class="slot-form" onSubmit={save} noValidate>
        <FormSummary errors={errors} />
        <fieldset class="bare" disabled={readOnly}>
        <Section id="slot-about-h" title={t('p.about')}>
          <div class="form-grid">
            {!orig && <Field label={t('p.id')} name="id" hint={t('p.idHint')} required value={slot.id} errors={errors} onInput={(e) => setSlot({ ...slot, id: e.currentTarget.value })} />}
            <Field label={t('p.name')} name="name" required value={slot.name} errors={errors} onInput={(e) => setSlot({ ...slot, name: e.currentTarget.value })} />
            <Field label={t('p.description')} name="description" value={slot.description} errors={errors} onInput={(e) => setSlot({ ...slot, description: e.currentTarget.value })} />
            <SelectField label={t('p.channel')} name="channel" value={slot.channel} errors={errors} onChange={(v) => setSlot({ ...slot, channel: v })}
              options={[['web', t('p.channel.web')], ['email', t('p.channel.email')], ['any', t('p.channel.any')]]} />
            <SelectField label={t('p.strategy')} name="strategy" value={slot.strategy} errors={errors} onChange={(v) => setSlot({ ...slot, strategy: v })}
              options={[['rules', t('p.strategy.rules')], ['score-sorted', t('p.strategy.score')], ...(['rules', 'score-sorted'].includes(slot.strategy) ? [] : [[slot.strategy, slot.strategy] as [string, string]])]} />
            {slot.strategy === 'score-sorted' && <Field label={t('p.halfLife')} name="strategy.halfLife" hint={t('p.halfLifeHint')} value={slot.halfLife} errors={errors} onInput={(e) => setSlot({ ...slot, halfLife: e.currentTarget.value })} />}
            <SelectField label={t('p.depthCeiling')} name="depthCeiling" hint={t('p.depthHint')} value={slot.depthCeiling} errors={errors} onChange={(v) => setSlot({ ...slot, depthCeiling: v })} options={depthOptions(t)} />
            <Field label={t('p.goalEvent')} name="goal.event" hint={t('p.goalHint')} value={slot.goalEvent} errors={errors} onInput={(e) => setSlot({ ...slot, goalEvent: e.currentTarget.value })} />
            <Field label={t('p.goalWithin')} name="goal.within" hint={t('p.goalWithinHint')} value={slot.goalWithin} errors={errors} onInput={(e) => setSlot({ ...slot, goalWithin: e.currentTarget.value })} />
          </div>
          <CheckField label={t('p.explain')} name="explain" errors={errors} checked={slot.explain} onChange={(v) => setSlot({ ...slot, explain: v })} />
        </Section>

        <Section id="slot-variants-h" title={t('p.variants')}>
          {errors.of('variants') && <p class="error">{errors.of('variants')}</p>}
          <ol class="plain stack">
            {variants.map((v, i) => (
              <li key={v.key}>
                <fieldset class="item">
                  <legend>{t('p.variant', { n: i + 1 })}{v.id ? ` · ${v.id}` : ''}</legend>
                  {errors.of(`variants[${i}]`) && <p class="error">{errors.of(`variants[${i}]`)}</p>}
                  <div class="form-grid">
                    <Field label={t('p.variantId')} name={`variants[${i}].id`} value={v.id} errors={errors} onInput={(e) => {
                      const id = e.currentTarget.value;
                      // Renaming a variant keeps what pointed to it pointing to it.
                      if (slot.defaultVariantId === v.id) setSlot({ ...slot, defaultVariantId: id });
                      setRules((rs) => rs.map((r) => (r.variantId === v.id ? { ...r, variantId: id } : r)));
                      setV(v.key, { id });
                    }} />
                    <Field label={t('p.vTitle')} name={`variants[${i}].title`} value={v.title} errors={errors} onInput={(e) => setV(v.key, { title: e.currentTarget.value })} />
                    <SelectField label={t('p.format')} name={`variants[${i}].format`} value={v.format} errors={errors} onChange={(format) => setV(v.key, { format })} options={[['text', t('p.format.text')], ['html', t('p.format.html')]]} />
                  </div>
                  <TextAreaField label={t('p.body')} name={`variants[${i}].body`} hint={t('p.bodyHint')} value={v.body} errors={errors} onInput={(body) => setV(v.key, { body })} />
                  <div class="form-grid">
                    <Field label={t('p.image')} name={`variants[${i}].imageUrl`} type="url" value={v.imageUrl} errors={errors} onInput={(e) => setV(v.key, { imageUrl: e.currentTarget.value })} />
                    <Field label={t('p.link')} name={`variants[${i}].linkUrl`} type="url" value={v.linkUrl} errors={errors} onInput={(e) => setV(v.key, { linkUrl: e.currentTarget.value })} />
                    <Field label={t('p.categories')} name={`variants[${i}].categories`} hint={t('p.categoriesHint')} value={v.categories} errors={errors} onInput={(e) => setV(v.key, { categories: e.currentTarget.value })} />
                  </div>
                  {variants.length > 1 && <button type="button" onClick={() => setVariants((vs) => vs.filter((x) => x.key !== v.key))}>{t('p.removeVariant', { n: i + 1 })}</button>}
                </fieldset>
              </li>
            ))}
          </ol>
          <p><button type="button" onClick={() => setVariants((vs) => [...vs, newVariant(vs.length + 1)])}>{t('p.addVariant')}</button></p>
          <SelectField label={t('p.default')} name="defaultVariantId" hint={t('p.defaultHint')} value={slot.defaultVariantId} errors={errors}
            options={variantOptions.some(([id]) => id === slot.defaultVariantId) ? variantOptions : [[slot.defaultVariantId, slot.defaultVariantId || '—'], ...variantOptions]}
            onChange={(v) => setSlot({ ...slot, defaultVariantId: v })} />
        </Section>

        <Section id="slot-rules-h" title={t('p.rules')}>
          {errors.of('rules') && <p class="error">{errors.of('rules')}</p>}
          <p class="visually-hidden" aria-live="polite">{moved ? t('p.moved', { n: moved.at }) : ''}</p>
          {rules.length === 0 && <p>{t('p.noRules')}</p>}
          <ol class="plain stack">
            {rules.map((r, i) => (
              <li key={r.key}>
                <RuleEditor rule={r} index={i} count={rules.length} errors={errors} t={t} variantOptions={variantOptions} segments={segments.data?.segments ?? []} personas={personas}
                  conditionIssues={conditionIssues.filter((x) => x.field.startsWith(`rules[${i}].`)).map((x) => ({ ...x, field: x.field.slice(`rules[${i}].`.length) }))}
                  set={(change) => setR(r.key, change)} move={(dir) => move(i, dir)} remove={() => setRules((rs) => rs.filter((x) => x.key !== r.key))} />
              </li>
            ))}
          </ol>
          <p><button type="button" onClick={() => setRules((rs) => [...rs, newRule(rs.length + 1, variants[0]?.id ?? '')])}>{t('p.addRule')}</button></p>
        </Section>
        {!readOnly && <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{orig ? t('p.save') : t('p.create')}</button></div>}
        </fieldset>
      </form>
    </>
  );
}

function RuleEditor(props: {
  rule: RuleForm; index: number; count: number; errors: ReturnType<typeof useFormErrors>; t: Translate; variantOptions: Array<[string, string]>; segments: SegmentView[]; personas: PersonaOption[] | null | undefined;
  conditionIssues: FieldIssue[]; set(change: Partial<RuleForm>): void; move(dir: 'up' | 'down'): void; remove(): void;
}) {
  const { rule: r, index: i, errors, t } = props;
  const n = i + 1;
  const at = (f: string) => `rules[${i}].${f}`;
  const setCtx = (key: number, change: Partial<ContextRow>) => props.set({ context: r.context.map((c) => (c.key === key ? { ...c, ...change } : c)) });
  const setCap = (key: number, change: Partial<CapRow>) => props.set({ caps: r.caps.map((c) => (c.key === key ? { ...c, ...change } : c)) });
  return (
    <fieldset class="item rule">
      <legend>{t('p.rule', { n })}{r.name ? ` · ${r.name}` : ` · ${r.id}`}</legend>
      <div class="rule-tools">
        <button type="button" id={`rule-${r.key}-up`} disabled={i === 0} onClick={() => props.move('up')} aria-label={t('p.up', { n })}>↑</button>
        <button type="button" id={`rule-${r.key}-down`} disabled={i === props.count - 1} onClick={() => props.move('down')} aria-label={t('p.down', { n })}>↓</button>
        <button type="button" onClick={props.remove}>{t('p.removeRule', { n })}</button>
      </div>
      {errors.of(`rules[${i}]`) && <p class="error">{errors.of(`rules[${i}]`)}</p>}
      <div class="form-grid">
        <Field label={t('p.ruleId')} name={at('id')} value={r.id} errors={errors} onInput={(e) => props.set({ id: e.currentTarget.value })} />
        <Field label={t('p.ruleName')} name={at('name')} value={r.name} errors={errors} onInput={(e) => props.set({ name: e.currentTarget.value })} />
        <SelectField label={t('p.ruleVariant')} name={at('variantId')} value={r.variantId} errors={errors} onChange={(variantId) => props.set({ variantId })}
          options={props.variantOptions.some(([id]) => id === r.variantId) ? props.variantOptions : [[r.variantId, r.variantId || '—'], ...props.variantOptions]} />
        <SelectField label={t('p.ruleDepth')} name={at('depth')} hint={t('p.ruleDepthHint')} value={r.depth} errors={errors} onChange={(depth) => props.set({ depth })} options={depthOptions(t)} />
      </div>
      <CheckField label={t('p.useProfile')} name={at('useProfile')} checked={r.useProfile} onChange={(useProfile) => props.set({ useProfile })} />
      {r.useProfile && (r.rawCondition !== undefined
        ? <p class="notice">{t('builder.unsupported')}</p>
        : <div class="rule-condition" role="group" aria-label={`${t('p.profileCondition')} · ${t('p.rule', { n })}`}>
            <ConditionRules root={r.root} onChange={(root) => props.set({ root })} issues={props.conditionIssues} segments={props.segments} personas={props.personas} />
          </div>)}
      <fieldset class="sub">
        <legend>{t('p.context')}</legend>
        {errors.of(at('context')) && <p class="error" role="alert">{errors.of(at('context'))}</p>}
        {r.rawContext !== undefined ? <p class="notice">{t('p.contextKept')}</p> : (
          <>
            {r.context.map((c, ci) => (
              <div class="leaf-inputs" key={c.key}>
                <div class="mini"><label for={`ctx-${c.key}-field`}>{t('p.contextField')}</label>
                  <select id={`ctx-${c.key}-field`} value={c.field} onChange={(e) => setCtx(c.key, { field: (e.currentTarget as HTMLSelectElement).value })}>
                    {CONTEXT_FIELDS.map((f) => <option key={f} value={f}>{f}</option>)}
                  </select></div>
                <div class="mini"><label for={`ctx-${c.key}-op`}>{t('builder.op')}</label>
                  <select id={`ctx-${c.key}-op`} value={c.op} onChange={(e) => setCtx(c.key, { op: (e.currentTarget as HTMLSelectElement).value })}>
                    {OPS.map((o) => <option key={o} value={o}>{t(`op.${o}` as MessageKey)}</option>)}
                  </select></div>
                <div class="mini"><label for={`ctx-${c.key}-value`}>{t('p.contextValue')}</label>
                  <input id={`ctx-${c.key}-value`} value={c.value} onInput={(e) => setCtx(c.key, { value: e.currentTarget.value })} /></div>
                <button type="button" class="remove" onClick={() => props.set({ context: r.context.filter((x) => x.key !== c.key) })}>{t('p.removeContext', { n: ci + 1 })}</button>
              </div>
            ))}
            <button type="button" onClick={() => props.set({ context: [...r.context, { key: k(), field: 'path', op: 'equals', value: '' }] })}>{t('p.addContext')}</button>
          </>
        )}
      </fieldset>
      <fieldset class="sub">
        <legend>{t('p.caps')}</legend>
        {errors.of(at('caps')) && <p class="error" role="alert">{errors.of(at('caps'))}</p>}
        {r.caps.map((c, ci) => (
          <div class="leaf-inputs" key={c.key}>
            <div class="mini"><label for={`cap-${c.key}-max`}>{t('p.capMax')}</label><input id={`cap-${c.key}-max`} size={4} inputMode="numeric" value={c.max} onInput={(e) => setCap(c.key, { max: e.currentTarget.value })} /></div>
            <div class="mini"><label for={`cap-${c.key}-window`}>{t('p.capWindow')}</label><input id={`cap-${c.key}-window`} size={6} value={c.window} onInput={(e) => setCap(c.key, { window: e.currentTarget.value })} /></div>
            <button type="button" class="remove" onClick={() => props.set({ caps: r.caps.filter((x) => x.key !== c.key) })}>{t('p.removeCap', { n: ci + 1 })}</button>
          </div>
        ))}
        <button type="button" onClick={() => props.set({ caps: [...r.caps, { key: k(), max: '3', window: '7d' }] })}>{t('p.addCap')}</button>
      </fieldset>
    </fieldset>
  );
}
