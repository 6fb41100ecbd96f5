/**
 * The admin app: loads the session (GET /v1/session), shows the sign-in or welcome screen when
 * there is none, and otherwise the shell with the screen of the address. A 401 from any request
 * (the session timed out) leads back to sign-in, keeping the address to return to.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken, whenUnauthorized } from './api.js';
import type { Session } from './api-types.js';
import { AREAS, areaOf, mayRead, normaliseRole } from './areas.js';
import { ErrorBox, Loading } from './components/common.js';
import { Shell } from './components/shell.js';
import { I18nContext, initialLang, translator, type Lang } from './i18n.js';
import { match, navigate, useLocation } from './router.js';
import { SessionContext, type SessionState } from './session.js';
import { NotAllowed, NotFound, PendingArea } from './screens/area.js';
import { People } from './screens/people.js';
import { Person } from './screens/person.js';
import { Privacy } from './screens/privacy.js';
import { PrivacyAudit } from './screens/privacy-audit.js';
import { FormDesigner, Forms } from './screens/forms.js';
import { Emails } from './screens/emails.js';
import { SegmentBuilder } from './screens/segment-builder.js';
import { SegmentDetail, Segments } from './screens/segments.js';
import { Settings, WebhookDetail } from './screens/settings.js';
import { SignIn } from './screens/sign-in.js';
import { ExperimentEditor, ExperimentResults, Experiments } from './screens/experiments.js';
import { PersonalizationSettings, Slots } from './screens/personalization.js';
import { Personas } from './screens/personas.js';
import { Audiences } from './screens/audiences.js';
import { SlotEditor } from './screens/slot-editor.js';
import { SlotReportScreen } from './screens/slot-report.js';
import { SlotViewAs } from './screens/slot-view-as.js';
import { SetPassword, Welcome } from './screens/welcome.js';
import { Home } from './screens/home.js';
import { Scoring } from './screens/scoring.js';
import './styles.css';

const PUBLIC = new Set(['/sign-in', '/welcome', '/set-password']);

function Screen(props: { path: string }) {
  const { path } = props;
  let m: Record<string, string> | null;
  if (path === '/') return <Home />;
  if (path === '/scoring') return <Scoring />;
  if (path === '/people') return <People />;
  if ((m = match('/people/:id', path))) return <Person id={m.id!} />;
  if (path === '/segments') return <Segments />;
  if (path === '/segments/new') return <SegmentBuilder />;
  if ((m = match('/segments/:id/edit', path))) return <SegmentBuilder id={m.id!} />;
  if ((m = match('/segments/:id', path))) return <SegmentDetail id={m.id!} />;
  if (path === '/privacy') return <Privacy />;
  if (path === '/privacy/audit') return <PrivacyAudit />;
  if (path === '/forms') return <Forms />;
  if (path === '/emails') return <Emails />;
  if (path === '/forms/new') return <FormDesigner />;
  if ((m = match('/forms/:id', path))) return <FormDesigner id={m.id!} />;
  if (path === '/personalization') return <Slots />;
  if (path === '/personalization/settings') return <PersonalizationSettings />;
  if (path === '/personalization/slots/new') return <SlotEditor />;
  if ((m = match('/personalization/slots/:id/edit', path))) return <SlotEditor id={m.id!} />;
  if ((m = match('/personalization/slots/:id/view-as', path))) return <SlotViewAs id={m.id!} />;
  if ((m = match('/personalization/slots/:id/report', path))) return <SlotReportScreen id={m.id!} />;
  if (path === '/experiments') return <Experiments />;
  if (path === '/experiments/new') return <ExperimentEditor />;
  if ((m = match('/experiments/:key/edit', path))) return <ExperimentEditor experimentKey={m.key!} />;
  if ((m = match('/experiments/:key', path))) return <ExperimentResults experimentKey={m.key!} />;
  if (path === '/personas') return <Personas />;
  if (path === '/personas/audiences') return <Audiences />;
  if (path === '/settings') return <Settings />;
  if ((m = match('/settings/webhooks/:id', path))) return <WebhookDetail id={m.id!} />;
  const area = AREAS.find((a) => a.path === path);
  if (area) return <PendingArea area={area} />;
  return <NotFound />;
}

function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo(() => ({
    lang, t: translator(lang),
    setLang: (l: Lang) => { localStorage.setItem('tessera.lang', l); setLangState(l); },
  }), [lang]);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);

  const loc = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(null);
  const here = () => `${loc.path}${location.search}`;

  const toSignIn = (reason: string | null) => {
    const next = PUBLIC.has(loc.path) ? null : here();
    const params = new URLSearchParams();
    if (next && next !== '/') params.set('next', next);
    if (reason) params.set('reason', reason);
    const qs = params.toString();
    navigate(`/sign-in${qs ? `?${qs}` : ''}`, { replace: true });
  };

  useEffect(() => {
    api<Session>('GET', '/v1/session', { quiet401: true }).then((s) => { setCsrfToken(s.csrfToken); setSession(s); }, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else setFailure(e);
    });
  }, []);
  useEffect(() => {
    whenUnauthorized(() => { setCsrfToken(null); setSession(null); toSignIn('expired'); });
    return () => whenUnauthorized(null);
  });
  useEffect(() => { if (session === null && !PUBLIC.has(loc.path)) toSignIn(null); }, [session, loc.path]);

  const signedIn = (s: Session, next: string) => { setCsrfToken(s.csrfToken); setSession(s); navigate(next, { replace: true }); };
  const state: SessionState | null = session ? {
    session, role: normaliseRole(session.user.role), access: session.access ?? {},
    signOut: async () => {
      try { await api('DELETE', '/v1/session', { quiet401: true }); } catch { /* signed out either way */ }
      setCsrfToken(null); setSession(null);
      navigate('/sign-in?reason=signed-out', { replace: true });
    },
  } : null;

  let body;
  if (loc.path === '/welcome') body = <Welcome onSignedIn={signedIn} />;
  else if (loc.path === '/set-password') body = <SetPassword onSignedIn={signedIn} />;
  else if (loc.path === '/sign-in') body = session ? null : <SignIn onSignedIn={signedIn} />;
  else if (failure) body = <main id="main"><h1>{i18n.t('error.title')}</h1><ErrorBox error={failure} /></main>;
  else if (!state) body = <main id="main"><Loading /></main>;
  else {
    const area = areaOf(loc.path);
    const allowed = !area || mayRead(state.access, area);
    body = <Shell>{allowed ? <Screen path={loc.path} /> : <NotAllowed />}</Shell>;
  }
  useEffect(() => { if (session && loc.path === '/sign-in') navigate('/', { replace: true }); }, [session, loc.path]);

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={state}>{body}</SessionContext.Provider>
    </I18nContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
