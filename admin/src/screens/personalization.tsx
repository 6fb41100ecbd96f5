/**
 * Personalization: the slots list (channel, variants, rules, last change, with the way to each
 * slot's editor, "view as" and report), and the workspace's decision settings
 * (GET/PUT /v1/personalization/settings) with the transparency notice
 * (GET /v1/personalization/notice) and a button that copies it.
 */
import { useState } from 'preact/hooks';
import { api, get } from '../api.js';
import { can } from '../areas.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { count, dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { depthOptions, type SlotDoc } from './slot-editor.js';

export const canEditSlots = (access: Record<string, { read: boolean; change: boolean }>) => access.Personalization?.change === true;

export function Slots() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const list = useAsync(() => get<{ slots: SlotDoc[] }>('/v1/slots'), []);
  const edit = canEditSlots(access);
  return (
    <>
      <h1>{t('p.title')}</h1>
      <p class="actions">
        {edit && <Link to="/personalization/slots/new" class="button primary">{t('p.new')}</Link>}
        <Link to="/personalization/settings" class="button">{t('p.settings')}</Link>
      </p>
      {list.loading && <Loading />}
      {list.error !== null && <ErrorBox error={list.error} />}
      {list.data && (list.data.slots.length === 0 ? <p>{t('p.none')}</p> : (
        <table class="data">
          <caption>{t('p.caption')}</caption>
          <thead><tr>
            <th scope="col">{t('p.col.slot')}</th><th scope="col">{t('p.col.channel')}</th><th scope="col" class="num">{t('p.col.variants')}</th>
            <th scope="col" class="num">{t('p.col.rules')}</th><th scope="col">{t('p.col.changed')}</th><th scope="col">{t('p.col.open')}</th>
          </tr></thead>
          <tbody>
            {list.data.slots.map((s) => {
              const base = `/personalization/slots/${encodeURIComponent(s.id)}`;
              return (
                <tr key={s.id}>
                  <th scope="row"><Link to={`${base}/edit`}>{s.name}</Link> <code>{s.id}</code></th>
                  <td>{t(`p.channel.${s.channel}` as MessageKey)}</td>
                  <td class="num">{count(s.variants.length, lang)}</td>
                  <td class="num">{count(s.rules.length, lang)}</td>
                  <td>{dateTime(s.updatedAt, lang)} <span class="hint">v{s.version}</span></td>
                  <td class="links">
                    <Link to={`${base}/view-as`} aria-label={`${t('p.viewAs')}: ${s.name}`}>{t('p.viewAs')}</Link>
                    <Link to={`${base}/report`} aria-label={`${t('p.report')}: ${s.name}`}>{t('p.report')}</Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </>
  );
}

interface Settings { depthCeiling: string; salutation: string; minSegmentSize: number; timezone: string; defaultLocale: string; privacyUrl: string | null; [k: string]: unknown }

export function PersonalizationSettings() {
  const { t } = useI18n();
  const settings = useAsync(() => get<Settings>('/v1/personalization/settings'), []);
  return (
    <>
      <p class="crumbs"><Link to="/personalization">{t('p.title')}</Link></p>
      <h1>{t('p.settingsTitle')}</h1>
      {settings.loading && <Loading />}
      {settings.error !== null && <ErrorBox error={settings.error} />}
      {settings.data && <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} />}
      <NoticeSection />
    </>
  );
}

function SettingsForm(props: { settings: Settings }) {
  const { t } = useI18n();
  const { access } = useSession();
  const s = props.settings;
  const [draft, setDraft] = useState({ depthCeiling: s.depthCeiling, salutation: s.salutation, minSegmentSize: String(s.minSegmentSize), timezone: s.timezone, defaultLocale: s.defaultLocale, privacyUrl: s.privacyUrl ?? '' });
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(['depthCeiling', 'salutation', 'minSegmentSize', 'timezone', 'defaultLocale', 'privacyUrl']);
  let form: HTMLFormElement | null = null;
  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void errors.submit(form, async () => {
      const min = draft.minSegmentSize.trim();
      // Caps and quiet hours have no inputs here: sent back as they are (PUT replaces the whole settings).
      await api('PUT', '/v1/personalization/settings', { body: {
        ...s, depthCeiling: draft.depthCeiling, salutation: draft.salutation, minSegmentSize: /^\d+$/.test(min) ? Number(min) : min,
        timezone: draft.timezone.trim(), defaultLocale: draft.defaultLocale, privacyUrl: draft.privacyUrl.trim() || null,
      } });
      setSaved(true);
    });
  };
  const readOnly = !canEditSlots(access);
  return (
    <form ref={(f) => { form = f; }} class="card" onSubmit={save} noValidate aria-labelledby="settings-h">
      <h2 id="settings-h">{t('p.decisionSettings')}</h2>
      <FormSummary errors={errors} />
      {saved && <Notice kind="success">{t('p.settingsSaved')}</Notice>}
      <fieldset disabled={readOnly} class="bare">
        <div class="form-grid">
          <SelectField label={t('p.workspaceCeiling')} name="depthCeiling" value={draft.depthCeiling} errors={errors} options={depthOptions(t)} onChange={(v) => setDraft({ ...draft, depthCeiling: v })} />
          <SelectField label={t('p.salutation')} name="salutation" value={draft.salutation} errors={errors} options={[['formal', t('p.salutation.formal')], ['informal', t('p.salutation.informal')]]} onChange={(v) => setDraft({ ...draft, salutation: v })} />
          <Field label={t('p.minSegment')} name="minSegmentSize" hint={t('p.minSegmentHint')} inputMode="numeric" value={draft.minSegmentSize} errors={errors} onInput={(e) => setDraft({ ...draft, minSegmentSize: e.currentTarget.value })} />
          <Field label={t('p.timezone')} name="timezone" value={draft.timezone} errors={errors} onInput={(e) => setDraft({ ...draft, timezone: e.currentTarget.value })} />
          <SelectField label={t('p.defaultLocale')} name="defaultLocale" value={draft.defaultLocale} errors={errors} options={[['en', 'English'], ['de', 'Deutsch']]} onChange={(v) => setDraft({ ...draft, defaultLocale: v })} />
          <Field label={t('p.privacyUrl')} name="privacyUrl" type="url" hint={t('p.privacyUrlHint')} value={draft.privacyUrl} errors={errors} onInput={(e) => setDraft({ ...draft, privacyUrl: e.currentTarget.value })} />
        </div>
        {!readOnly && <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{t('p.saveSettings')}</button></div>}
      </fieldset>
    </form>
  );
}

interface NoticeEntry { slotId: string; name: string; channel: string; depth: string; text?: string; summary?: string; [k: string]: unknown }

/** The notice entry's paragraph (it names the slot itself). */
const noticeText = (e: NoticeEntry) => (typeof e.text === 'string' ? e.text : e.name);

function NoticeSection() {
  const { t, lang } = useI18n();
  const [locale, setLocale] = useState<string>(lang);
  const notice = useAsync(() => get<{ locale: string; slots: NoticeEntry[] }>('/v1/personalization/notice', { locale }), [locale]);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const plain = notice.data ? notice.data.slots.map(noticeText).join('\n\n') : '';
  const copy = async () => {
    try { await navigator.clipboard.writeText(plain); setCopied('yes'); } catch { setCopied('no'); }
  };
  return (
    <Section id="notice-h" title={t('p.notice')} actions={<button type="button" onClick={() => void copy()} disabled={!plain}>{t('p.copy')}</button>}>
      <p class="hint">{t('p.noticeHint')}</p>
      <div class="mini inline">
        <label for="notice-locale">{t('p.noticeLang')}</label>
        <select id="notice-locale" value={locale} onChange={(e) => { setCopied(null); setLocale((e.currentTarget as HTMLSelectElement).value); }}>
          <option value="en">English</option><option value="de">Deutsch</option>
        </select>
      </div>
      <div aria-live="polite">{copied === 'yes' ? <p class="ok">{t('p.copied')}</p> : copied === 'no' ? <p class="error">{t('p.copyFailed')}</p> : null}</div>
      {notice.loading && <Loading />}
      {notice.error !== null && <ErrorBox error={notice.error} />}
      {notice.data && (notice.data.slots.length === 0 ? <p>{t('p.none')}</p> : (
        <div class="notice-text" lang={notice.data.locale}>
          {notice.data.slots.map((e) => <p key={e.slotId}>{noticeText(e)}</p>)}
        </div>
      ))}
    </Section>
  );
}
