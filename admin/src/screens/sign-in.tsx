/** Sign-in with e-mail and password (POST /v1/session); on success back to the intended screen. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../api-types.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { useI18n } from '../i18n.js';
import { useLocation } from '../router.js';

/** Only app paths are followed after sign-in (never another origin). */
export const safeNext = (next: string | null) => (next && /^\/(?!\/)/.test(next) ? next : '/');

export function SignIn(props: { onSignedIn(session: Session, next: string): void }) {
  const { t } = useI18n();
  const loc = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errors = useFormErrors(['email', 'password']);
  let form: HTMLFormElement | null = null;
  const reason = loc.query.get('reason');
  const submit = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const session = await api<Session>('POST', '/v1/session', { body: { email, password }, quiet401: true });
      props.onSignedIn(session, safeNext(loc.query.get('next')));
    });
  };
  return (
    <main id="main" class="auth-page">
      <form ref={(f) => { form = f; }} class="auth-card" onSubmit={submit} noValidate>
        <h1>{t('signIn.title')}</h1>
        {reason === 'expired' && <Notice>{t('signIn.expired')}</Notice>}
        {reason === 'signed-out' && <Notice>{t('signIn.signedOut')}</Notice>}
        <FormSummary errors={errors} />
        <Field label={t('signIn.email')} name="email" type="email" autoComplete="username" required value={email} errors={errors} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Field label={t('signIn.password')} name="password" type="password" autoComplete="current-password" required value={password} errors={errors} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={errors.busy}>{t('signIn.submit')}</button>
      </form>
    </main>
  );
}
