/**
 * Concluding an experiment by hand (POST /v1/experiments/{key}/conclude) from its results: the marketer
 * picks the variation that won and confirms; everyone the experiment reaches then sees it, in every slot
 * that names the experiment, as when the automatic optimisation rolls a winner out. The results are read
 * again afterwards, so the conclusion shows at the top. Only for people who may change experiments, and
 * only while the experiment is running or stopped.
 */
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { Confirm, Section } from '../components/common.js';
import { FormSummary, useFormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { useI18n } from '../i18n.js';

export function ConcludePanel(props: { experimentKey: string; variations: Array<{ id: string; name: string }>; onConcluded(): void }) {
  const { t } = useI18n();
  const [winner, setWinner] = useState(props.variations[1]?.id ?? props.variations[0]?.id ?? '');
  const [asking, setAsking] = useState(false);
  const errors = useFormErrors(['winner']);
  let form: HTMLFormElement | null = null;
  const chosen = props.variations.find((v) => v.id === winner);
  const name = chosen ? chosen.name || chosen.id : winner;
  const conclude = () => {
    setAsking(false);
    void errors.submit(form, async () => {
      await post(`/v1/experiments/${encodeURIComponent(props.experimentKey)}/conclude`, { winner });
      props.onConcluded();
    });
  };
  return (
    <Section id="conclude-h" title={t('xc.title')}>
      <p class="hint">{t('xc.hint')}</p>
      <form ref={(f) => { form = f; }} noValidate onSubmit={(e) => { e.preventDefault(); setAsking(true); }}>
        <FormSummary errors={errors} />
        <div class="form-grid">
          <SelectField label={t('xc.winner')} name="winner" value={winner} errors={errors} onChange={setWinner}
            options={props.variations.map((v, i): [string, string] => [v.id, i === 0 ? t('xc.control', { name: v.name || v.id }) : v.name || v.id])} />
        </div>
        <div class="actions"><button type="submit" disabled={errors.busy}>{t('xc.conclude', { name })}</button></div>
      </form>
      <Confirm open={asking} title={t('xc.confirmTitle', { name })} confirmLabel={t('xc.confirm', { name })} busy={errors.busy} onCancel={() => setAsking(false)} onConfirm={conclude}>
        <p>{t('xc.confirmBody', { name })}</p>
      </Confirm>
    </Section>
  );
}
