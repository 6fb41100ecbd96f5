/**
 * The global holdout on the Experiments screen: the share of people who see no personalization at all
 * (GET/PUT /v1/experiment-settings, 0 to 0.5), so that the total effect of personalization can be
 * measured against them (the before/after report below uses it). Entered in percent; what is not a
 * number is sent as typed, so that the API names the field.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { useI18n } from '../i18n.js';
import { percent } from './experiment-insights.js';

interface Settings { holdoutShare: number }

/** "5" or "2,5" (percent) → 0.05 / 0.025; anything else unchanged. */
export function shareOfPercent(typed: string): number | string {
  const s = typed.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(s) ? Math.round(Number(s) * 1000) / 100_000 : typed;
}

export function HoldoutPanel(props: { canChange: boolean }) {
  const { t, lang } = useI18n();
  const current = useAsync(() => get<Settings>('/v1/experiment-settings'), []);
  const [share, setShare] = useState<number | null>(null);
  const [typed, setTyped] = useState('');
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(['holdoutShare']);
  let form: HTMLFormElement | null = null;
  useEffect(() => {
    if (!current.data) return;
    setShare(current.data.holdoutShare);
    setTyped(String(Math.round(current.data.holdoutShare * 100_000) / 1000));
  }, [current.data]);

  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void errors.submit(form, async () => {
      const answer = await api<Settings>('PUT', '/v1/experiment-settings', { body: { holdoutShare: shareOfPercent(typed) } });
      setShare(answer.holdoutShare);
      setSaved(true);
    });
  };

  return (
    <Section id="holdout-h" title={t('xh.title')}>
      <p class="hint">{t('xh.hint')}</p>
      {current.loading && <Loading />}
      {current.error !== null && <ErrorBox error={current.error} />}
      {share !== null && <p><strong>{share === 0 ? t('xh.none') : t('xh.current', { share: percent(share, lang) })}</strong></p>}
      {share !== null && props.canChange && (
        <form ref={(f) => { form = f; }} onSubmit={save} noValidate>
          <FormSummary errors={errors} />
          <div class="form-grid">
            <Field label={t('xh.share')} name="holdoutShare" inputMode="decimal" hint={t('xh.shareHint')} value={typed} errors={errors}
              onInput={(e) => { setTyped(e.currentTarget.value); setSaved(false); }} />
          </div>
          <div class="actions"><button type="submit" disabled={errors.busy}>{t('xh.save')}</button>
            <span aria-live="polite">{saved ? ` ${t('xh.saved')}` : ''}</span></div>
        </form>
      )}
    </Section>
  );
}
