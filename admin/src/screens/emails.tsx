/**
 * Emails, for the marketer: the lists people subscribe to (each with double opt-in: the purpose
 * and the exact wording the person confirms), created and edited with PUT /v1/lists/{id}; the
 * micro-surveys with their results (GET /v1/surveys/{id}/report) as bars; the signed links —
 * their signing keys (rotate) and where link clicks may redirect (GET/PUT /v1/links/settings).
 */
import { useState } from 'preact/hooks';
import { ApiError, api, get } from '../api.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { count, dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';

interface EmailList { id: string; name: string; description?: string; purpose: string; wording?: string }
interface Survey { id: string; name: string; questions: Array<{ id: string; prompt: string; trait: string }> }
interface SurveyReport { survey: string; questions: Array<{ id: string; prompt: string; answers: Array<{ value: string; label: string; count: number }> }> }
interface SigningKey { id: string; createdAt: number; retiredAt: number | null; active: boolean }
interface LinkSettings { allowedDomains: string[]; scannerNetworks: string[]; effectiveAllowedDomains: string[] }

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function Emails() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('nav.emails')}</h1>
      <Lists />
      <Surveys />
      <SignedLinks />
    </>
  );
}

const blank: EmailList = { id: '', name: '', purpose: 'email_marketing', wording: '' };

function Lists() {
  const { t } = useI18n();
  const { access } = useSession();
  const mayChange = access.Email?.change === true;
  const lists = useAsync(() => get<{ lists: EmailList[] }>('/v1/lists'), []);
  const [draft, setDraft] = useState<EmailList | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const errors = useFormErrors(['id', 'name', 'purpose', 'wording', 'description']);
  let form: HTMLFormElement | null = null;
  const d = draft ?? blank;
  const set = (patch: Partial<EmailList>) => setDraft({ ...d, ...patch });
  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const { id, ...rest } = d;
      const body = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '' && v !== undefined));
      if (!id.trim()) throw new ApiError(400, 'invalid_body', t('form.fix'), [{ field: 'id', reason: t('emails.idRequired') }]);
      await api('PUT', `/v1/lists/${encodeURIComponent(id.trim())}`, { body });
      setSaved(id.trim()); setDraft(null); setEditing(null); lists.reload();
    });
  };
  return (
    <Section id="lists-h" title={t('emails.lists')}>
      <p>{t('emails.listsIntro')}</p>
      {lists.loading && !lists.data && <Loading />}
      {lists.error !== null && <ErrorBox error={lists.error} />}
      {saved && <Notice kind="success">{t('emails.listSaved', { id: saved })}</Notice>}
      {lists.data && (lists.data.lists.length === 0 ? <p>{t('emails.noLists')}</p> : (
        <table class="data compact">
          <caption class="visually-hidden">{t('emails.lists')}</caption>
          <thead><tr><th scope="col">{t('emails.list')}</th><th scope="col">{t('form.purpose')}</th><th scope="col">{t('emails.wording')}</th>{mayChange && <th scope="col"><span class="visually-hidden">{t('segment.edit')}</span></th>}</tr></thead>
          <tbody>{lists.data.lists.map((l) => (
            <tr key={l.id}>
              <th scope="row">{l.name} <code>{l.id}</code>{l.description && <p class="hint">{l.description}</p>}</th>
              <td>{l.purpose}</td><td class="wrap">{l.wording ?? <span class="hint">{t('emails.defaultWording')}</span>}</td>
              {mayChange && <td><button type="button" aria-label={`${t('segment.edit')}: ${l.name}`} onClick={() => { setEditing(l.id); setDraft({ ...l, wording: l.wording ?? '' }); setSaved(null); }}>{t('segment.edit')}</button></td>}
            </tr>
          ))}</tbody>
        </table>
      ))}
      <p class="hint">{t('emails.noCounts')}</p>
      {mayChange && (
        <form ref={(f) => { form = f; }} onSubmit={save} class="inline-form" noValidate aria-labelledby="list-form-h">
          <h3 id="list-form-h">{editing ? t('emails.editList', { id: editing }) : t('emails.newList')}</h3>
          <FormSummary errors={errors} />
          <Field label={t('forms.id')} name="id" errors={errors} value={d.id} disabled={editing !== null} onInput={(e) => set({ id: (e.currentTarget as HTMLInputElement).value })} />
          <Field label={t('forms.name')} name="name" errors={errors} value={d.name} onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value })} />
          <Field label={t('form.purpose')} name="purpose" errors={errors} value={d.purpose} onInput={(e) => set({ purpose: (e.currentTarget as HTMLInputElement).value })} />
          <Field label={t('emails.wording')} name="wording" errors={errors} hint={t('emails.wordingHint')} value={d.wording ?? ''} onInput={(e) => set({ wording: (e.currentTarget as HTMLInputElement).value })} />
          <div class="actions">
            <button type="submit" class="primary" disabled={errors.busy}>{t('emails.saveList')}</button>
            {editing && <button type="button" onClick={() => { setEditing(null); setDraft(null); }}>{t('confirm.cancel')}</button>}
          </div>
        </form>
      )}
    </Section>
  );
}

function Surveys() {
  const { t, lang } = useI18n();
  const surveys = useAsync(async () => {
    const { surveys: all } = await get<{ surveys: Survey[] }>('/v1/surveys');
    return Promise.all(all.map(async (s) => ({ survey: s, report: await get<SurveyReport>(`/v1/surveys/${encodeURIComponent(s.id)}/report`) })));
  }, []);
  return (
    <Section id="surveys-h" title={t('emails.surveys')}>
      <p>{t('emails.surveysIntro')}</p>
      {surveys.loading && !surveys.data && <Loading />}
      {surveys.error !== null && <ErrorBox error={surveys.error} />}
      {surveys.data && surveys.data.length === 0 && <p>{t('emails.noSurveys')}</p>}
      {surveys.data?.map(({ survey, report }) => (
        <div key={survey.id} class="survey">
          <h3>{survey.name} <code>{survey.id}</code></h3>
          {report.questions.map((q) => {
            const total = q.answers.reduce((n, a) => n + a.count, 0);
            return (
              <table key={q.id} class="data compact">
                <caption>{q.prompt} · {t('emails.answers', { n: count(total, lang) })}</caption>
                <thead><tr><th scope="col">{t('emails.answer')}</th><th scope="col" class="num">{t('privacy.count')}</th><th scope="col">{t('emails.share')}</th></tr></thead>
                <tbody>{q.answers.map((a) => {
                  const share = total ? a.count / total : 0;
                  return (
                    <tr key={a.value}>
                      <th scope="row">{a.label}</th><td class="num">{count(a.count, lang)}</td>
                      <td><div class="bar-cell"><div class="bar ok" aria-hidden="true"><span style={{ width: `${share * 100}%` }} /></div><span>{Math.round(share * 100)} %</span></div></td>
                    </tr>
                  );
                })}</tbody>
              </table>
            );
          })}
        </div>
      ))}
    </Section>
  );
}

function SignedLinks() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const mayChange = access.Email?.change === true;
  const keys = useAsync(() => get<{ keys: SigningKey[] }>('/v1/links/keys'), []);
  const settings = useAsync(() => get<LinkSettings>('/v1/links/settings'), []);
  const [domains, setDomains] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(['allowedDomains']);
  let form: HTMLFormElement | null = null;
  const text = domains ?? settings.data?.allowedDomains.join('\n') ?? '';
  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      await api('PUT', '/v1/links/settings', { body: { allowedDomains: text.split(/[\n,]+/).map((x) => x.trim()).filter(Boolean), scannerNetworks: settings.data?.scannerNetworks ?? [] } });
      setDomains(null); setSaved(true); settings.reload();
    });
  };
  const domainError = errors.of('allowedDomains');
  return (
    <Section id="links-h" title={t('emails.links')}>
      <p>{t('emails.linksIntro')}</p>
      {keys.error !== null && (keys.error instanceof ApiError && keys.error.status === 403 ? <p class="hint">{t('emails.keysAdmin')}</p> : <ErrorBox error={keys.error} />)}
      {keys.data && (
        <table class="data compact">
          <caption>{t('emails.keys')}</caption>
          <thead><tr><th scope="col">{t('forms.id')}</th><th scope="col">{t('emails.created')}</th><th scope="col">{t('emails.state')}</th></tr></thead>
          <tbody>{keys.data.keys.map((k) => (
            <tr key={k.id}><th scope="row"><code>{k.id}</code></th><td>{dateTime(iso(k.createdAt), lang)}</td>
              <td>{k.active ? t('emails.active') : k.retiredAt ? t('emails.retired', { at: dateTime(iso(k.retiredAt), lang) }) : t('emails.verifies')}</td></tr>
          ))}</tbody>
        </table>
      )}
      {settings.data && (
        <form ref={(f) => { form = f; }} onSubmit={save} noValidate class="inline-form">
          <FormSummary errors={errors} />
          {saved && <Notice kind="success">{t('privacy.saved')}</Notice>}
          <div class={`field${domainError ? ' invalid' : ''}`}>
            <label for="allowed-domains">{t('emails.domains')}</label>
            <p class="hint" id="allowed-domains-hint">{t('emails.domainsHint', { effective: settings.data.effectiveAllowedDomains.join(', ') || '—' })}</p>
            <textarea id="allowed-domains" rows={3} value={text} disabled={!mayChange} aria-invalid={domainError ? 'true' : undefined}
              aria-describedby={`allowed-domains-hint${domainError ? ' allowed-domains-error' : ''}`} onInput={(e) => { setSaved(false); setDomains((e.currentTarget as HTMLTextAreaElement).value); }} />
            {domainError && <p class="error" id="allowed-domains-error">{domainError}</p>}
          </div>
          {mayChange && <button type="submit" class="primary" disabled={errors.busy}>{t('emails.saveDomains')}</button>}
        </form>
      )}
    </Section>
  );
}
