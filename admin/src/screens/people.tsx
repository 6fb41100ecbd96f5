/**
 * People: search by any identifier, trait or free text (GET /v1/profiles, `q` and `trait.NAME=…`),
 * paged on the server (cursor pages; the addresses keep the search, so back/forward and links work).
 * An exact identifier (an e-mail, a user id, a profile id) also opens the person directly.
 */
import { useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import type { ProfileView } from '../api-types.js';
import { ErrorBox, Loading, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';

export const personName = (p: Pick<ProfileView, 'traits' | 'identities' | 'id'>) => {
  const t = p.traits as Record<string, unknown>;
  const name = typeof t.name === 'string' ? t.name : [t.firstName, t.lastName].filter((x) => typeof x === 'string').join(' ');
  const email = p.identities.find((i) => i.kind === 'email')?.value ?? (typeof t.email === 'string' ? t.email : null);
  return name || email || p.id;
};

function parseTrait(text: string): { key: string; value: string } | null {
  const i = text.indexOf('=');
  if (i <= 0) return null;
  return { key: `trait.${text.slice(0, i).trim()}`, value: text.slice(i + 1).trim() };
}

export function People() {
  const { t, lang } = useI18n();
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const trait = loc.query.get('trait') ?? '';
  const cursor = loc.query.get('cursor') ?? '';
  const page = Number(loc.query.get('page') ?? '1') || 1;
  const [draft, setDraft] = useState({ q, trait });
  const errors = useFormErrors(['q', 'trait']);
  let form: HTMLFormElement | null = null;

  const results = useAsync(async () => {
    if (!q && !trait) return null;
    const filter = parseTrait(trait);
    try {
      return await get<{ profiles: ProfileView[]; nextCursor: string | null }>('/v1/profiles', { q, limit: 25, cursor, ...(filter ? { [filter.key]: filter.value } : {}) });
    } catch (e) {
      // The trait filter's issue names `trait.NAME`: show it at the trait input.
      if (e instanceof ApiError) e.issues.forEach((i) => { if (i.field.startsWith('trait.')) i.field = 'trait'; });
      throw e;
    }
  }, [q, trait, cursor]);

  const search = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const params = new URLSearchParams();
      if (draft.q.trim()) params.set('q', draft.q.trim());
      if (draft.trait.trim()) params.set('trait', draft.trait.trim());
      navigate(`/people?${params.toString()}`);
    });
  };
  const pageLink = (next: string | null, n: number) => {
    const params = new URLSearchParams(loc.query);
    if (next) params.set('cursor', next); else params.delete('cursor');
    params.set('page', String(n));
    return `/people?${params.toString()}`;
  };

  return (
    <>
      <h1>{t('people.title')}</h1>
      {loc.query.get('erased') && <Notice kind="success">{t('person.erased', { who: loc.query.get('erased')! })}</Notice>}
      <form ref={(f) => { form = f; }} class="search card" role="search" onSubmit={search}>
        <FormSummary errors={errors} />
        <div class="search-row">
          <Field label={t('people.search')} name="q" type="search" hint={t('people.searchHint')} value={draft.q} errors={errors} onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
          <Field label={t('people.trait')} name="trait" hint={t('people.traitHint')} value={draft.trait} errors={errors} onInput={(e) => setDraft({ ...draft, trait: e.currentTarget.value })} />
          <button type="submit" class="primary">{t('people.submit')}</button>
        </div>
      </form>
      {results.loading && (q || trait) && <Loading />}
      {results.error !== null && <ErrorBox error={results.error} />}
      {results.data && (
        results.data.profiles.length === 0 ? <p role="status">{t('people.none')}</p> : (
          <>
            <table class="data">
              <caption>{t('people.caption')} · {t('people.pageOf', { n: page })}</caption>
              <thead><tr><th scope="col">{t('people.col.person')}</th><th scope="col">{t('people.col.identities')}</th><th scope="col">{t('people.col.stage')}</th><th scope="col">{t('people.col.lastSeen')}</th></tr></thead>
              <tbody>
                {results.data.profiles.map((p) => (
                  <tr key={p.id}>
                    <th scope="row"><Link to={`/people/${encodeURIComponent(p.id)}`}>{personName(p)}</Link></th>
                    <td>{p.identities.slice(0, 3).map((i) => `${i.kind}: ${i.value}`).join(' · ')}{p.identities.length > 3 ? ' …' : ''}</td>
                    <td>{p.lifecycle?.stage ?? '—'}</td>
                    <td>{dateTime(p.behaviour.lastSeenAt, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label={t('people.pageOf', { n: page })}>
              {page > 1 && <Link to={pageLink(null, 1)}>{t('people.first')}</Link>}
              {results.data.nextCursor && <Link to={pageLink(results.data.nextCursor, page + 1)} rel="next">{t('people.more')}</Link>}
            </nav>
          </>
        )
      )}
    </>
  );
}
