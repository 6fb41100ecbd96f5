/**
 * Settings (administrators): users and roles (GET/POST /v1/users, PATCH /v1/users/{id}), API keys
 * (made on the command line), webhooks with their delivery logs.
 */
import { useState } from 'preact/hooks';
import { get, patch, post } from '../api.js';
import type { DeliveryView, Role, UserView, WebhookView } from '../api-types.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';

const ROLES: Role[] = ['admin', 'marketer', 'analyst', 'privacy_officer', 'viewer'];

type UserRow = UserView;

export function Settings() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <Users />
      <Section id="keys-h" title={t('settings.keys')}><p>{t('settings.keysBody')}</p></Section>
      <Webhooks />
    </>
  );
}

function Users() {
  const { t, lang } = useI18n();
  const users = useAsync(() => get<{ users: UserRow[] }>('/v1/users'), []);
  const [draft, setDraft] = useState({ name: '', email: '', role: 'marketer' as Role, password: '' });
  const [created, setCreated] = useState<{ text: string; link: { url: string; expiresAt: string } | null } | null>(null);
  const errors = useFormErrors(['name', 'email', 'role', 'password']);
  let form: HTMLFormElement | null = null;
  const create = (e: Event) => {
    e.preventDefault();
    setCreated(null);
    void errors.submit(form, async () => {
      const { password, ...rest } = draft;
      const answer = await post<{ setPasswordLink: { url: string; expiresAt: string } | null }>('/v1/users', password ? draft : rest);
      setCreated({ text: answer.setPasswordLink ? t('users.link', { email: draft.email, until: dateTime(answer.setPasswordLink.expiresAt, lang) }) : t('users.created', { email: draft.email }), link: answer.setPasswordLink });
      setDraft({ name: '', email: '', role: 'marketer', password: '' });
      users.reload();
    });
  };
  const disabled = (u: UserRow) => u.disabled;
  const [changeError, setChangeError] = useState<unknown>(null);
  const change = async (u: UserRow, body: Record<string, unknown>) => {
    setChangeError(null);
    try { await patch(`/v1/users/${encodeURIComponent(u.id)}`, body); } catch (e) { setChangeError(e); } finally { users.reload(); }
  };
  return (
    <Section id="users-h" title={t('settings.users')}>
      {users.loading && <Loading />}
      {users.error !== null && <ErrorBox error={users.error} />}
      {changeError !== null && <ErrorBox error={changeError} />}
      {users.data && (
        <table class="data">
          <caption class="visually-hidden">{t('users.caption')}</caption>
          <thead><tr><th scope="col">{t('users.name')}</th><th scope="col">{t('users.email')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('users.status')}</th></tr></thead>
          <tbody>{users.data.users.map((u) => (
            <tr key={u.id}>
              <th scope="row">{u.name}</th>
              <td>{u.email}</td>
              <td>
                <label class="visually-hidden" for={`role-${u.id}`}>{t('users.role')}: {u.email}</label>
                <select id={`role-${u.id}`} value={u.role} onChange={(e) => void change(u, { role: (e.currentTarget as HTMLSelectElement).value })}>
                  {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                </select>
              </td>
              <td>
                {disabled(u) ? t('users.disabled') : t('users.active')}{' '}
                <button type="button" onClick={() => void change(u, { disabled: !disabled(u) })} aria-label={`${disabled(u) ? t('users.enable') : t('users.disable')}: ${u.email}`}>
                  {disabled(u) ? t('users.enable') : t('users.disable')}
                </button>
              </td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <form ref={(f) => { form = f; }} class="inline-form" onSubmit={create} noValidate aria-labelledby="add-user-h">
        <h3 id="add-user-h">{t('users.add')}</h3>
        {created && <Notice kind="success">{created.text}{created.link && <> <code class="link">{created.link.url}</code></>}</Notice>}
        <FormSummary errors={errors} />
        <Field label={t('users.name')} name="name" value={draft.name} errors={errors} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
        <Field label={t('users.email')} name="email" type="email" value={draft.email} errors={errors} onInput={(e) => setDraft({ ...draft, email: e.currentTarget.value })} />
        <div class={`field${errors.of('role') ? ' invalid' : ''}`}>
          <label for="new-user-role">{t('users.role')}</label>
          <select id="new-user-role" name="role" value={draft.role} aria-invalid={errors.of('role') ? 'true' : undefined} onChange={(e) => setDraft({ ...draft, role: (e.currentTarget as HTMLSelectElement).value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
          {errors.of('role') && <p class="error">{errors.of('role')}</p>}
        </div>
        <Field label={t('users.password')} name="password" type="password" autoComplete="new-password" value={draft.password} errors={errors} onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })} />
        <button type="submit" class="primary" disabled={errors.busy}>{t('users.create')}</button>
      </form>
    </Section>
  );
}

function Webhooks() {
  const { t } = useI18n();
  const hooks = useAsync(() => get<{ webhooks: WebhookView[] }>('/v1/webhooks'), []);
  return (
    <Section id="webhooks-h" title={t('settings.webhooks')}>
      {hooks.loading && <Loading />}
      {hooks.error !== null && <ErrorBox error={hooks.error} />}
      {hooks.data && (hooks.data.webhooks.length === 0 ? <p>{t('webhooks.none')}</p> : (
        <table class="data">
          <caption class="visually-hidden">{t('webhooks.caption')}</caption>
          <thead><tr><th scope="col">{t('webhooks.url')}</th><th scope="col">{t('webhooks.events')}</th><th scope="col">{t('webhooks.active')}</th></tr></thead>
          <tbody>{hooks.data.webhooks.map((w) => (
            <tr key={w.id}>
              <th scope="row"><Link to={`/settings/webhooks/${encodeURIComponent(w.id)}`}>{w.url}</Link>{w.description ? <div class="hint">{w.description}</div> : null}</th>
              <td>{w.events.join(', ')}</td>
              <td>{w.active ? t('person.yes') : t('person.no')}</td>
            </tr>
          ))}</tbody>
        </table>
      ))}
    </Section>
  );
}

export function WebhookDetail(props: { id: string }) {
  const { t, lang } = useI18n();
  const hook = useAsync(() => get<WebhookView>(`/v1/webhooks/${encodeURIComponent(props.id)}`), [props.id]);
  const deliveries = useAsync(() => get<{ deliveries: DeliveryView[] }>(`/v1/webhooks/${encodeURIComponent(props.id)}/deliveries`, { limit: 50 }), [props.id]);
  return (
    <>
      <p class="crumbs"><Link to="/settings">{t('settings.title')}</Link></p>
      <h1>{hook.data?.url ?? props.id}</h1>
      {hook.error !== null && <ErrorBox error={hook.error} />}
      <Section id="deliveries-h" title={t('webhooks.deliveries')}>
        {deliveries.loading && <Loading />}
        {deliveries.error !== null && <ErrorBox error={deliveries.error} />}
        {deliveries.data && (deliveries.data.deliveries.length === 0 ? <p>{t('webhooks.noDeliveries')}</p> : (
          <table class="data">
            <thead><tr><th scope="col">{t('webhooks.col.event')}</th><th scope="col">{t('webhooks.col.status')}</th><th scope="col" class="num">{t('webhooks.col.attempts')}</th><th scope="col">{t('webhooks.col.created')}</th><th scope="col">{t('webhooks.col.delivered')}</th></tr></thead>
            <tbody>{deliveries.data.deliveries.map((d) => (
              <tr key={d.id}>
                <td>{d.event}</td>
                <td>{d.status}{d.log.length ? <div class="hint">{d.log.map((a) => `${dateTime(a.at, lang)}: ${a.status ?? ''} ${a.error ?? ''}`).join(' · ')}</div> : null}</td>
                <td class="num">{d.attempts}</td>
                <td>{dateTime(d.createdAt, lang)}</td>
                <td>{dateTime(d.deliveredAt, lang)}</td>
              </tr>
            ))}</tbody>
          </table>
        ))}
      </Section>
    </>
  );
}
