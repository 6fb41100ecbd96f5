/**
 * "What would this person score": the panel at the bottom of each rule editor. It sends the
 * configuration with the rule as typed (not saved) and a person's identifier to
 * POST /v1/scoring/preview and shows every rule's points with the rule and now, the totals, and
 * the lifecycle moves the rules would make. The API's issues of the unsaved rule appear at the
 * editor's inputs, as on a save (the editor's own FormErrors run the preview), and an unknown
 * person at the person's input.
 */
import { useState } from 'preact/hooks';
import { Field, type FormErrors } from '../components/form-errors.js';
import { useI18n, type MessageKey } from '../i18n.js';
import type { ScorePreview } from '../../../src/core/scoring/preview.js';

export type ScorePreviewAnswer = ScorePreview & { profileId: string };

/** The input's name: the screen renames the API's `profile` issue (and an unknown person) to it. */
export const PREVIEW_FIELD = 'previewProfile';

export interface PreviewProps {
  errors: FormErrors;
  /** Runs the preview with the rule as typed; throws the API's error with the editor's field names. */
  run(profile: string): Promise<ScorePreviewAnswer>;
  /** The edited rule's id as typed (its row is marked), and the stages' labels. */
  ruleId: string;
  stageLabel(key: string): string;
}

export function ScorePreviewPanel(props: PreviewProps) {
  const { t, lang } = useI18n();
  const [profile, setProfile] = useState('');
  const [result, setResult] = useState<{ id: string; answer: ScorePreviewAnswer } | null>(null);
  const go = (form: HTMLFormElement | null) => void props.errors.submit(form, async () => {
    setResult(null);
    const id = profile.trim();
    setResult({ id, answer: await props.run(id) });
  });
  const n = (x: number) => x.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 });
  const r = result?.answer;
  return (
    <fieldset class="sub score-preview">
      <legend>{t('sp.title')}</legend>
      <p class="hint">{t('sp.hint')}</p>
      <div class="leaf-inputs">
        <Field label={t('sp.person')} name={PREVIEW_FIELD} errors={props.errors} hint={t('sp.personHint')} value={profile} autoComplete="off"
          onInput={(e) => setProfile(e.currentTarget.value)}
          // Enter here previews; it must not save the rule (the editor is the surrounding form).
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); go(e.currentTarget.form); } }} />
        <button type="button" disabled={props.errors.busy} onClick={(e) => go(e.currentTarget.form)}>{t('sp.run')}</button>
      </div>
      {result && r && (
        <div class="preview-result" role="status">
          <p><strong>{t('sp.result', { id: result.id })}</strong></p>
          <p>{t('sp.totals', { engagement: n(r.proposed.engagement), engagementNow: n(r.current.engagement), fit: n(r.proposed.fit), fitNow: n(r.current.fit) })}</p>
          <table class="data">
            <caption class="visually-hidden">{t('sp.caption')}</caption>
            <thead><tr><th scope="col">{t('sp.rule')}</th><th scope="col">{t('sp.kind')}</th><th scope="col" class="num">{t('sp.events')}</th><th scope="col" class="num">{t('sp.would')}</th><th scope="col" class="num">{t('sp.now')}</th></tr></thead>
            <tbody>{r.rules.map((rule) => {
              const mine = rule.ruleId === props.ruleId.trim();
              return (
                <tr key={`${rule.kind}-${rule.ruleId}`} class={mine ? 'highlight' : undefined}>
                  <th scope="row">{rule.label} {mine && <em>{t('sp.thisRule')}</em>}</th>
                  <td>{t(`sp.kind.${rule.kind}` as MessageKey)}</td>
                  <td class="num">{rule.kind === 'fit' ? t(rule.count ? 'sp.matched' : 'sp.notMatched') : n(rule.count)}</td>
                  <td class="num">{n(rule.points)}</td>
                  <td class="num">{n(rule.current)}</td>
                </tr>
              );
            })}</tbody>
          </table>
          <p>{r.lifecycle.stage ? t('sp.stage', { stage: props.stageLabel(r.lifecycle.stage) }) : t('sp.noStage')}{' '}
            {r.lifecycle.heldUntil ? t('sp.held', { until: new Date(r.lifecycle.heldUntil).toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB') })
              : r.lifecycle.moves.length === 0 ? t('sp.noMoves') : t('sp.moves')}</p>
          {!r.lifecycle.heldUntil && r.lifecycle.moves.length > 0 && (
            <ol class="preview-moves">{r.lifecycle.moves.map((m, i) => <li key={i}>{m.from ? props.stageLabel(m.from) : '—'} → <strong>{props.stageLabel(m.to)}</strong> <span class="hint">({m.reason})</span></li>)}</ol>
          )}
        </div>
      )}
    </fieldset>
  );
}
