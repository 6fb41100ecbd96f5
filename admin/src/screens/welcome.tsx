/**
 * The first administrator's account, from the one-time link Tessera prints at its first start
 * (`/admin/welcome?token=…`): POST /v1/session/welcome signs the new administrator in.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../api-types.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { useI18n } from '../i18n.js';
import { useLocation } from '../router.js';

export function Welcome(props: { onSignedIn(session: Session, next: string): void }) {
  const { t } = useI18n();
  const token = useLocation().query.get('token') ?? '';
  const [values, setValues] = useState({ name: '', email: '', password: '' });
  const errors = useFormErrors(['name', 'email', 'password', 'token']);
  let form: HTMLFormElement | null = null;
  const set = (k: keyof typeof values) => (e: { currentTarget: HTMLInputElement }) => setValues({ ...values, [k]: e.currentTarget.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const session = await api<Session>('POST', '/v1/session/welcome', { body: { token, ...values }, quiet401: true });
      // The link is spent: take it out of the address bar and the history.
      history.replaceState(null, '', '/admin/');
      props.onSignedIn(session, '/');
    });
  };
  return (
    <main id="main" class="auth-page">
      <form ref={(f) => { form = f; }} class="auth-card" onSubmit={submit} noValidate>
        <h1>{t('welcome.title')}</h1>
        {token ? <p>{t('welcome.intro')}</p> : <Notice kind="error">{t('welcome.noToken')}</Notice>}
        <FormSummary errors={errors} />
        {errors.of('token') && <Notice kind="error">{errors.of('token')}</Notice>}
        <Field label={t('welcome.name')} name="name" autoComplete="name" required value={values.name} errors={errors} onInput={set('name')} />
        <Field label={t('signIn.email')} name="email" type="email" autoComplete="username" required value={values.email} errors={errors} onInput={set('email')} />
        <Field label={t('welcome.password')} name="password" type="password" autoComplete="new-password" required minLength={12} value={values.password} errors={errors} onInput={set('password')} />
        <button type="submit" class="primary" disabled={errors.busy || !token}>{t('welcome.submit')}</button>
      </form>
    </main>
  );
}

/**
 * A user's own password, from the one-time link an administrator passed on
 * (`/admin/set-password?token=…`): POST /v1/session/set-password signs the user in.
 */
export function SetPassword(props: { onSignedIn(session: Session, next: string): void }) {
  const { t } = useI18n();
  const token = useLocation().query.get('token') ?? '';
  const [password, setPassword] = useState('');
  const errors = useFormErrors(['password', 'token']);
  let form: HTMLFormElement | null = null;
  const submit = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const session = await api<Session>('POST', '/v1/session/set-password', { body: { token, password }, quiet401: true });
      history.replaceState(null, '', '/admin/');
      props.onSignedIn(session, '/');
    });
  };
  return (
    <main id="main" class="auth-page">
      <form ref={(f) => { form = f; }} class="auth-card" onSubmit={submit} noValidate>
        <h1>{t('setPassword.title')}</h1>
        {!token && <Notice kind="error">{t('welcome.noToken')}</Notice>}
        <FormSummary errors={errors} />
        {errors.of('token') && <Notice kind="error">{errors.of('token')}</Notice>}
        <Field label={t('welcome.password')} name="password" type="password" autoComplete="new-password" required minLength={12} value={password} errors={errors} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={errors.busy || !token}>{t('setPassword.submit')}</button>
      </form>
    </main>
  );
}
