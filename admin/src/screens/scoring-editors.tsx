/**
 * The three rule editors of the Scoring & lifecycle screen: an engagement rule (event, property
 * filters, points, cap, half-life), a fit rule (trait condition, points) and a lifecycle rule (the
 * stage it moves to, from which stages, and its conditions joined by all / any). Each sends the
 * whole configuration with the rule in place; the API's issues of the rule appear at their inputs
 * (the screen hands them over without the rule's prefix), and nothing typed is lost.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, FormSummary, useFormErrors, type FormErrors } from '../components/form-errors.js';
import { CheckField, SelectField } from '../components/personalization-fields.js';
import { useI18n, type MessageKey } from '../i18n.js';
import {
  engagementRule, EVENT_TYPES, FILTER_OPS, fitRule, lifecycleRule, newLeaf, describeLifecycle,
  type EngagementFields, type FitFields, type LeafFields, type LifecycleFields, type LifecycleConfig,
} from '../scoring-model.js';
import { PREVIEW_FIELD, ScorePreviewPanel, type ScorePreviewAnswer } from './scoring-preview.js';

interface EditorProps<F> {
  title: string;
  initial: F;
  creating: boolean;
  /** Saves the rule (the API's JSON); throws the API's error with the rule's own field paths. */
  onSave(rule: Record<string, unknown>): Promise<void>;
  onCancel(): void;
  /** "What would this person score" with the rule as typed (roles that may change the rules). */
  preview?: { run(profile: string, rule: Record<string, unknown>): Promise<ScorePreviewAnswer>; stageLabel(key: string): string };
}

/** The preview panel of an editor, when the screen offers it: runs through the editor's errors. */
function previewOf(props: EditorProps<unknown>, errors: FormErrors, ruleId: string, rule: () => Record<string, unknown>) {
  const preview = props.preview;
  return preview ? <ScorePreviewPanel errors={errors} ruleId={ruleId} stageLabel={preview.stageLabel} run={(profile) => preview.run(profile, rule())} /> : null;
}

/** The frame of an editor: heading (focused when it opens), summary of errors, save and cancel. */
function EditorFrame(props: { id: string; title: string; errors: FormErrors; creating: boolean; saveLabel?: string; onSubmit(form: HTMLFormElement): void; onCancel(): void; children: ComponentChildren; preview?: ComponentChildren }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  return (
    <form class="card rule-editor" aria-labelledby={props.id} noValidate onSubmit={(e) => { e.preventDefault(); props.onSubmit(e.currentTarget); }}>
      <h3 id={props.id} tabIndex={-1} ref={heading}>{props.title}</h3>
      <FormSummary errors={props.errors} />
      {props.children}
      {props.preview}
      <div class="actions">
        <button type="submit" class="primary" disabled={props.errors.busy}>{props.saveLabel ?? t(props.creating ? 'sc.create' : 'sc.save')}</button>
        <button type="button" onClick={props.onCancel}>{t('confirm.cancel')}</button>
      </div>
    </form>
  );
}

const opOptions = (t: (k: MessageKey) => string): Array<[string, string]> => FILTER_OPS.map((op) => [op, t(`op.${op}` as MessageKey)]);
const needsValue = (op: string) => op !== 'exists' && op !== 'not_exists';

export function EngagementEditor(props: EditorProps<EngagementFields>) {
  const { t } = useI18n();
  const [f, setF] = useState(props.initial);
  const whereFields = f.where.flatMap((_, i) => [`where[${i}].property`, `where[${i}].op`, `where[${i}].value`]);
  const errors = useFormErrors([...whereFields, 'id', 'label', 'type', 'event', 'points', 'cap', 'halfLifeDays', 'where', PREVIEW_FIELD]);
  // (The filters' own inputs first: an issue of `where[0].value` belongs to that input, not to the list.)
  const set = (patch: Partial<EngagementFields>) => setF({ ...f, ...patch });
  const setWhere = (i: number, patch: Partial<EngagementFields['where'][number]>) => set({ where: f.where.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  return (
    <EditorFrame id="engagement-editor-h" title={props.title} errors={errors} creating={props.creating} onCancel={props.onCancel}
      preview={previewOf(props as EditorProps<unknown>, errors, f.id, () => engagementRule(f))}
      onSubmit={(form) => void errors.submit(form, () => props.onSave(engagementRule(f)))}>
      <div class="form-grid">
        <Field label={t('sc.ruleId')} name="id" errors={errors} hint={t('sc.ruleIdHint')} value={f.id} onInput={(e) => set({ id: e.currentTarget.value })} />
        <Field label={t('sc.label')} name="label" errors={errors} value={f.label} onInput={(e) => set({ label: e.currentTarget.value })} />
        <SelectField label={t('sc.type')} name="type" errors={errors} value={f.type} options={EVENT_TYPES.map((x) => [x, t(`sc.type.${x}` as MessageKey)])} onChange={(v) => set({ type: v })} />
        <Field label={t('sc.event')} name="event" errors={errors} hint={t('sc.eventHint')} value={f.event} onInput={(e) => set({ event: e.currentTarget.value })} />
        <Field label={t('sc.points')} name="points" errors={errors} hint={t('sc.pointsHint')} inputMode="decimal" value={f.points} onInput={(e) => set({ points: e.currentTarget.value })} />
        <Field label={t('sc.cap')} name="cap" errors={errors} hint={t('sc.capHint')} inputMode="decimal" value={f.cap} onInput={(e) => set({ cap: e.currentTarget.value })} />
        <Field label={t('sc.halfLife')} name="halfLifeDays" errors={errors} hint={t('sc.halfLifeHint')} value={f.halfLife} onInput={(e) => set({ halfLife: e.currentTarget.value })} />
      </div>
      <fieldset class="sub">
        <legend>{t('sc.where')}</legend>
        {f.where.length === 0 && <p class="hint">{t('sc.noWhere')}</p>}
        {f.where.map((w, i) => (
          <div class="leaf-inputs" key={i} role="group" aria-label={t('sc.whereN', { n: i + 1 })}>
            <Field label={t('sc.property')} name={`where[${i}].property`} errors={errors} value={w.property} onInput={(e) => setWhere(i, { property: e.currentTarget.value })} />
            <SelectField label={t('sc.op')} name={`where[${i}].op`} errors={errors} value={w.op} options={opOptions(t)} onChange={(v) => setWhere(i, { op: v })} />
            {needsValue(w.op) && <Field label={t('sc.value')} name={`where[${i}].value`} errors={errors} hint={w.op === 'in' || w.op === 'not_in' ? t('sc.listHint') : undefined} value={w.value} onInput={(e) => setWhere(i, { value: e.currentTarget.value })} />}
            <button type="button" class="remove" onClick={() => set({ where: f.where.filter((_, j) => j !== i) })}>{t('sc.removeWhere', { n: i + 1 })}</button>
          </div>
        ))}
        <button type="button" onClick={() => set({ where: [...f.where, { property: '', op: 'equals', value: '' }] })}>{t('sc.addWhere')}</button>
      </fieldset>
    </EditorFrame>
  );
}

export function FitEditor(props: EditorProps<FitFields>) {
  const { t } = useI18n();
  const [f, setF] = useState(props.initial);
  const errors = useFormErrors(['id', 'label', 'trait', 'op', 'value', 'values', 'points', PREVIEW_FIELD]);
  const set = (patch: Partial<FitFields>) => setF({ ...f, ...patch });
  return (
    <EditorFrame id="fit-editor-h" title={props.title} errors={errors} creating={props.creating} onCancel={props.onCancel}
      preview={previewOf(props as EditorProps<unknown>, errors, f.id, () => fitRule(f))}
      onSubmit={(form) => void errors.submit(form, () => props.onSave(fitRule(f)))}>
      <div class="form-grid">
        <Field label={t('sc.ruleId')} name="id" errors={errors} hint={t('sc.ruleIdHint')} value={f.id} onInput={(e) => set({ id: e.currentTarget.value })} />
        <Field label={t('sc.label')} name="label" errors={errors} value={f.label} onInput={(e) => set({ label: e.currentTarget.value })} />
        <Field label={t('sc.trait')} name="trait" errors={errors} hint={t('sc.traitHint')} value={f.trait} onInput={(e) => set({ trait: e.currentTarget.value })} />
        <SelectField label={t('sc.op')} name="op" errors={errors} value={f.op} options={opOptions(t)} onChange={(v) => set({ op: v })} />
        {needsValue(f.op) && <Field label={t('sc.value')} name="value" errors={errors} hint={f.op === 'in' || f.op === 'not_in' ? t('sc.listHint') : undefined} value={f.value} onInput={(e) => set({ value: e.currentTarget.value })} />}
        <Field label={t('sc.points')} name="points" errors={errors} hint={t('sc.pointsHint')} inputMode="decimal" value={f.points} onInput={(e) => set({ points: e.currentTarget.value })} />
      </div>
    </EditorFrame>
  );
}

const LEAF_KINDS: Array<LeafFields['kind']> = ['engagement', 'fit', 'bant', 'trait'];

export function LifecycleEditor(props: EditorProps<LifecycleFields> & { config: LifecycleConfig }) {
  const { t } = useI18n();
  const [f, setF] = useState(props.initial);
  const errors = useFormErrors(['id', 'to', 'from', 'when', ...f.leaves.map((_, i) => `leaf[${i}]`), PREVIEW_FIELD]);
  const set = (patch: Partial<LifecycleFields>) => setF({ ...f, ...patch });
  const setLeaf = (i: number, patch: Partial<LeafFields>) => set({ leaves: f.leaves.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const stages = props.config.stages.map((s): [string, string] => [s.key, s.label]);
  return (
    <EditorFrame id="lifecycle-editor-h" title={props.title} errors={errors} creating={props.creating} onCancel={props.onCancel}
      preview={previewOf(props as EditorProps<unknown>, errors, f.id, () => lifecycleRule(f))}
      onSubmit={(form) => void errors.submit(form, () => props.onSave(lifecycleRule(f)))}>
      <div class="form-grid">
        <Field label={t('sc.ruleId')} name="id" errors={errors} hint={t('sc.stageIdHint')} value={f.id} onInput={(e) => set({ id: e.currentTarget.value })} />
        <SelectField label={t('sc.to')} name="to" errors={errors} value={f.to} options={stages} onChange={(v) => set({ to: v })} />
      </div>
      <fieldset class="sub">
        <legend>{t('sc.from')}</legend>
        <p class="hint">{t('sc.fromHint')}</p>
        <div class="radios">
          {stages.map(([key, label]) => (
            <CheckField key={key} label={label} name={`from-${key}`} checked={f.from.includes(key)}
              onChange={(on) => set({ from: on ? props.config.stages.map((s) => s.key).filter((k) => k === key || f.from.includes(k)) : f.from.filter((k) => k !== key) })} />
          ))}
        </div>
        {errors.of('from') && <p class="error">{errors.of('from')}</p>}
      </fieldset>
      <fieldset class="sub">
        <legend>{t('sc.when')}</legend>
        {f.kept ? (
          <p class="notice">{t('sc.kept')} <strong>{describeLifecycle(f.kept, t as never)}</strong></p>
        ) : (
          <>
            {f.leaves.length > 1 && (
              <SelectField label={t('sc.join')} name="join" errors={errors} value={f.join} options={[['all', t('sc.join.all')], ['any', t('sc.join.any')]]} onChange={(v) => set({ join: v === 'any' ? 'any' : 'all' })} />
            )}
            {f.leaves.map((l, i) => <LeafInputs key={i} n={i} leaf={l} errors={errors} onChange={(p) => setLeaf(i, p)} onRemove={f.leaves.length > 1 ? () => set({ leaves: f.leaves.filter((_, j) => j !== i) }) : undefined} />)}
            <button type="button" onClick={() => set({ leaves: [...f.leaves, newLeaf()] })}>{t('sc.addCondition')}</button>
          </>
        )}
      </fieldset>
    </EditorFrame>
  );
}

function LeafInputs(props: { n: number; leaf: LeafFields; errors: FormErrors; onChange(p: Partial<LeafFields>): void; onRemove?: () => void }) {
  const { t } = useI18n();
  const { leaf: l, n } = props;
  const error = props.errors.of(`leaf[${n}]`);
  const ops: Array<[string, string]> = l.kind === 'bant' ? [['complete', t('sc.bant.complete')], ['atLeast', t('sc.bant.atLeast')]]
    : l.kind === 'trait' ? opOptions(t) : [['gte', t('op.gte')], ['lt', t('op.lt')]];
  const quiet: FormErrors = { ...props.errors, of: () => undefined };
  return (
    <fieldset class={`leaf${error ? ' invalid' : ''}`} aria-describedby={error ? `leaf-${n}-error` : undefined}>
      <legend>{t('sc.conditionN', { n: n + 1 })}</legend>
      <div class="leaf-inputs">
        <SelectField label={t('sc.kind')} name={`leaf[${n}].kind`} errors={quiet} value={l.kind} options={LEAF_KINDS.map((k) => [k, t(`sc.kind.${k}` as MessageKey)])}
          onChange={(v) => props.onChange({ kind: v as LeafFields['kind'], op: v === 'bant' ? 'complete' : v === 'trait' ? 'equals' : 'gte', value: '' })} />
        {l.kind === 'trait' && <Field label={t('sc.trait')} name={`leaf[${n}].trait`} errors={quiet} value={l.trait} onInput={(e) => props.onChange({ trait: e.currentTarget.value })} />}
        <SelectField label={t('sc.op')} name={`leaf[${n}].op`} errors={quiet} value={l.op} options={ops} onChange={(v) => props.onChange({ op: v })} />
        {(l.kind === 'bant' ? l.op === 'atLeast' : needsValue(l.op)) && (
          <Field label={t('sc.value')} name={`leaf[${n}].value`} errors={quiet} value={l.value} aria-invalid={error ? 'true' : undefined} onInput={(e) => props.onChange({ value: e.currentTarget.value })} />
        )}
        {props.onRemove && <button type="button" class="remove" onClick={props.onRemove}>{t('sc.removeCondition', { n: n + 1 })}</button>}
      </div>
      {error && <p class="error" id={`leaf-${n}-error`}>{error}</p>}
    </fieldset>
  );
}

/**
 * The lifecycle stages in order: labels edited, stages added, removed and moved (↑ ↓; the focus
 * stays on the moved stage's button). Keys are what rules and profiles store: a key a rule still
 * names cannot go (the API says which rule), and renaming is by label only.
 */
export function StagesEditor(props: { initial: Array<{ key: string; label: string }>; onSave(stages: Array<{ key: string; label: string }>): Promise<void>; onCancel(): void }) {
  const { t } = useI18n();
  const [stages, setStages] = useState(props.initial.map((s) => ({ ...s, stored: true })));
  const [moved, setMoved] = useState('');
  const errors = useFormErrors(stages.flatMap((_, i) => [`stages[${i}].key`, `stages[${i}].label`]));
  const set = (i: number, patch: Partial<{ key: string; label: string }>) => setStages(stages.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: -1 | 1, button: HTMLButtonElement) => {
    const next = [...stages];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    setStages(next);
    setMoved(t('sc.stageMoved', { label: item!.label || item!.key, n: i + by + 1 }));
    const label = button.getAttribute('data-dir');
    setTimeout(() => document.querySelector<HTMLButtonElement>(`[data-stage="${i + by}"][data-dir="${label}"]`)?.focus(), 0);
  };
  return (
    <EditorFrame id="stages-editor-h" title={t('sc.editStages')} errors={errors} creating={false} saveLabel={t('sc.saveStages')} onCancel={props.onCancel}
      onSubmit={(form) => void errors.submit(form, () => props.onSave(stages.map((s) => ({ key: s.key.trim(), ...(s.label.trim() ? { label: s.label.trim() } : {}) }) as { key: string; label: string })))}>
      <p class="hint">{t('sc.stagesHint')}</p>
      <ol class="stack">
        {stages.map((s, i) => (
          <li key={i} class="leaf-inputs stage-row">
            <Field label={t('sc.stageKey', { n: i + 1 })} name={`stages[${i}].key`} errors={errors} value={s.key} readOnly={s.stored} onInput={(e) => set(i, { key: e.currentTarget.value })} />
            <Field label={t('sc.stageLabel', { n: i + 1 })} name={`stages[${i}].label`} errors={errors} value={s.label} onInput={(e) => set(i, { label: e.currentTarget.value })} />
            <span class="rule-tools">
              <button type="button" data-stage={i} data-dir="up" disabled={i === 0} aria-label={t('sc.stageUp', { n: i + 1 })} onClick={(e) => move(i, -1, e.currentTarget)}>↑</button>
              <button type="button" data-stage={i} data-dir="down" disabled={i === stages.length - 1} aria-label={t('sc.stageDown', { n: i + 1 })} onClick={(e) => move(i, 1, e.currentTarget)}>↓</button>
              <button type="button" class="remove" disabled={stages.length === 1} onClick={() => setStages(stages.filter((_, j) => j !== i))}>{t('sc.removeStage', { n: i + 1 })}</button>
            </span>
          </li>
        ))}
      </ol>
      <p class="visually-hidden" role="status">{moved}</p>
      <button type="button" onClick={() => setStages([...stages, { key: '', label: '', stored: false }])}>{t('sc.addStage')}</button>
    </EditorFrame>
  );
}
