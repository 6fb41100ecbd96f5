/**
 * The audit log (GET /v1/privacy/audit): newest first, 100 entries a page with "Load older entries"
 * (the API's cursor). The API has no filters, so the filters by who, action and day apply to the
 * entries loaded so far, and the screen says so; the filters live in the address (bookmarkable).
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorBox, Loading, Section } from '../components/common.js';
import { dateTime, display } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { PrivacyTabs, type AuditEntry } from './privacy.js';

const PAGE = 100;

export function PrivacyAudit() {
  const { t, lang } = useI18n();
  const loc = useLocation();
  const filters = { actor: loc.query.get('actor') ?? '', action: loc.query.get('action') ?? '', from: loc.query.get('from') ?? '', to: loc.query.get('to') ?? '' };
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = async (after: string | null) => {
    setLoading(true); setError(null);
    try {
      const page = await get<{ entries: AuditEntry[]; nextCursor: string | null }>('/v1/privacy/audit', { limit: PAGE, cursor: after });
      setEntries((held) => (after ? [...held, ...page.entries] : page.entries));
      setCursor(page.nextCursor);
      setDone(page.nextCursor === null);
    } catch (e) { setError(e); } finally { setLoading(false); }
  };
  useEffect(() => { void load(null); }, []);

  const setFilter = (name: keyof typeof filters, value: string) => {
    const params = new URLSearchParams(loc.query);
    if (value) params.set(name, value); else params.delete(name);
    const qs = params.toString();
    navigate(`/privacy/audit${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const actions = [...new Set(entries.map((e) => e.action))].sort();
  const shown = entries.filter((e) => {
    if (filters.actor && !e.actor.toLowerCase().includes(filters.actor.toLowerCase())) return false;
    if (filters.action && e.action !== filters.action) return false;
    const day = e.at.slice(0, 10);
    if (filters.from && day < filters.from) return false;
    if (filters.to && day > filters.to) return false;
    return true;
  });

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <PrivacyTabs current="audit" />
      <p>{t('audit.intro')}</p>
      <Section id="audit-filters-h" title={t('audit.filters')}>
        <div class="filter-row">
          <div class="field">
            <label for="audit-actor">{t('audit.actor')}</label>
            <p class="hint" id="audit-actor-hint">{t('audit.actorHint')}</p>
            <input id="audit-actor" type="search" aria-describedby="audit-actor-hint" value={filters.actor} onInput={(e) => setFilter('actor', (e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="audit-action">{t('audit.action')}</label>
            <select id="audit-action" value={filters.action} onChange={(e) => setFilter('action', (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('audit.actionAll')}</option>
              {(filters.action && !actions.includes(filters.action) ? [filters.action, ...actions] : actions).map((a) => <option key={a} value={a}>{a}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="audit-from">{t('audit.from')}</label>
            <input id="audit-from" type="date" value={filters.from} onInput={(e) => setFilter('from', (e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="audit-to">{t('audit.to')}</label>
            <input id="audit-to" type="date" value={filters.to} onInput={(e) => setFilter('to', (e.currentTarget as HTMLInputElement).value)} />
          </div>
          <button type="button" onClick={() => navigate('/privacy/audit', { replace: true })}>{t('audit.clear')}</button>
        </div>
        <p class="hint">{t('audit.filterNote', { n: entries.length })}</p>
      </Section>
      {error !== null && <ErrorBox error={error} />}
      {loading && entries.length === 0 ? <Loading /> : (
        <>
          <table class="data compact audit">
            <caption>{t('audit.caption', { shown: shown.length, loaded: entries.length })}</caption>
            <thead><tr><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.subject')}</th><th scope="col">{t('audit.details')}</th></tr></thead>
            <tbody>
              {shown.map((e, i) => (
                <tr key={`${e.at}${i}`}>
                  <td class="nowrap">{dateTime(e.at, lang)}</td>
                  <td class="wrap">{e.actor}</td>
                  <th scope="row">{e.action}</th>
                  <td class="wrap">{e.subject ? <Link to={`/people/${encodeURIComponent(e.subject)}`}>{e.subject}</Link> : '—'}</td>
                  <td class="wrap details">{e.details && Object.keys(e.details).length ? display(e.details) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p>{t('audit.none')}</p>}
          <div class="pager">
            {done ? <p>{t('audit.end')}</p> : <button type="button" disabled={loading} onClick={() => void load(cursor)}>{t('audit.more')}</button>}
          </div>
        </>
      )}
    </>
  );
}
