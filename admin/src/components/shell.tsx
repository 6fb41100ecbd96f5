/**
 * The frame around every signed-in screen: a skip link, the banner with the person and the
 * language switch, the navigation of the areas the role may use, and the main region. On every
 * change of screen the focus moves to the new screen's heading (a screen reader announces it, and
 * keyboard users continue from there) and the document title follows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { areaOf, areasFor } from '../areas.js';
import { useI18n, type Lang } from '../i18n.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';

export function Shell(props: { children: ComponentChildren }) {
  const { t, lang, setLang } = useI18n();
  const { session, role, access, signOut } = useSession();
  const loc = useLocation();
  const active = areaOf(loc.path);

  // Not on the first screen after a load: there the browser starts at the top (the skip link first).
  const first = useRef(true);
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      if (!first.current) heading.focus({ preventScroll: false });
      document.title = `${heading.textContent ?? ''} · Tessera`;
    }
    first.current = false;
  }, [loc.path]);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">{t('skip')}</a>
      <header class="banner">
        <Link to="/" class="brand">{t('app.name')}</Link>
        <div class="account">
          <span>{t('account.signedInAs', { name: session.user.name || session.user.email, role: t(`role.${role}`) })}</span>
          <label class="lang">
            <span>{t('lang.label')}</span>
            <select value={lang} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
              <option value="en" lang="en">English</option>
              <option value="de" lang="de">Deutsch</option>
            </select>
          </label>
          <button type="button" onClick={() => void signOut()}>{t('account.signOut')}</button>
        </div>
      </header>
      <nav aria-label={t('nav.label')} class="sidebar">
        <ul>
          {areasFor(access).map((a) => (
            <li key={a.id}>
              <Link to={a.path} aria-current={active?.id === a.id ? 'page' : undefined}>{t(a.label)}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>{props.children}</main>
    </div>
  );
}
