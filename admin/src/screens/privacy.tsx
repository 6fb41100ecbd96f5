/**
 * Privacy, for the privacy officer: data-subject requests (find the person, download their export,
 * erase them with a confirmation naming what goes; the requests carried out, from the audit log),
 * purposes with their legal bases and retention (edited through PUT /v1/privacy/settings), running
 * retention now, and what ingest withheld. The audit log has its own screen (privacy-audit.tsx).
 */
import { useState } from 'preact/hooks';
import { api, apiUrl, del, get, post } from '../api.js';
import type { ProfileView } from '../api-types.js';
import { can } from '../areas.js';
import { Confirm, ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { count, dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { personName } from './people.js';

export interface Purpose { key: string; name: string; description: string; legalBasis: string; retentionDays: number }
export interface PrivacySettings {
  purposes: Purpose[];
  schema: { mode: string; events: Record<string, unknown>; traits: Record<string, unknown> };
  ip: string; userAgent: string; gpcPurposes: string[]; erasedIdentifiers: string;
}
export interface AuditEntry { at: string; actor: string; action: string; subject: string | null; details?: Record<string, unknown> | null }
interface RetentionReport {
  startedAt: string; finishedAt: string;
  events: Array<{ rule: string; keptDays: number; deleted: number }>;
  traits: Array<{ trait: string; keptDays: number; profiles: number }>;
  profilesRecomputed: number; profilesDeleted: number;
}
interface IngestReport { from: string; to: string; explanation?: Record<string, string>; totals: Record<string, Record<string, number>> }

/** The legal bases the API accepts (src/core/privacy/purposes.ts). */
const LEGAL_BASES = ['consent', 'contract', 'legitimate_interest', 'legal_obligation'] as const;

/** The tabs of the Privacy area: the overview and the audit log. */
export function PrivacyTabs(props: { current: 'overview' | 'audit' }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('privacy.tabs')} class="tabs">
      <Link to="/privacy" aria-current={props.current === 'overview' ? 'page' : undefined}>{t('privacy.overview')}</Link>
      <Link to="/privacy/audit" aria-current={props.current === 'audit' ? 'page' : undefined}>{t('privacy.auditTab')}</Link>
    </nav>
  );
}

export function Privacy() {
  const { t } = useI18n();
  const loc = useLocation();
  const erased = loc.query.get('erased');
  return (
    <>
      <h1>{t('privacy.title')}</h1>
      <PrivacyTabs current="overview" />
      {erased && <Notice kind="success">{t('privacy.erased', { who: erased })}</Notice>}
      <DataSubjectRequests />
      <Purposes />
      <Retention />
      <IngestReportSection />
    </>
  );
}

function DataSubjectRequests() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [toErase, setToErase] = useState<ProfileView | null>(null);
  const errors = useFormErrors(['q']);
  let form: HTMLFormElement | null = null;
  const found = useAsync(async () => (q ? get<{ profiles: ProfileView[]; nextCursor: string | null }>('/v1/profiles', { q, limit: 25 }) : null), [q]);
  const log = useAsync(() => get<{ entries: AuditEntry[] }>('/v1/privacy/audit', { limit: 200 }), []);
  const requests = (log.data?.entries ?? []).filter((e) => e.action === 'profile.export' || e.action === 'profile.erase');

  const search = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => { navigate(`/privacy?q=${encodeURIComponent(draft.trim())}`); });
  };
  return (
    <Section id="requests-h" title={t('privacy.requests')}>
      <p>{t('privacy.requestsIntro')}</p>
      <form ref={(f) => { form = f; }} onSubmit={search} class="search-row" role="search" aria-label={t('privacy.requests')}>
        <FormSummary errors={errors} />
        <Field label={t('privacy.find')} name="q" errors={errors} hint={t('privacy.findHint')} value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="primary">{t('privacy.findSubmit')}</button>
      </form>
      {found.loading && q && <Loading />}
      {found.error !== null && <ErrorBox error={found.error} />}
      {found.data && (found.data.profiles.length === 0 ? <p>{t('privacy.noneFound', { q })}</p> : (
        <table class="data">
          <caption>{t('privacy.results')}</caption>
          <thead><tr><th scope="col">{t('privacy.person')}</th><th scope="col">{t('privacy.identifiers')}</th><th scope="col">{t('privacy.lastSeen')}</th><th scope="col">{t('privacy.actions')}</th></tr></thead>
          <tbody>{found.data.profiles.map((p) => (
            <tr key={p.id}>
              <th scope="row"><Link to={`/people/${encodeURIComponent(p.id)}`}>{personName(p)}</Link></th>
              <td class="wrap">{p.identities.map((i) => i.value).join(', ')}</td>
              <td>{dateTime(p.behaviour.lastSeenAt, lang)}</td>
              <td>
                <div class="row-actions">
                  {can.export(access) && <a class="button" href={apiUrl(`/v1/profiles/${encodeURIComponent(p.id)}/export`)} download aria-label={`${t('privacy.export')}: ${personName(p)}`}>{t('privacy.export')}</a>}
                  {can.erase(access) && <button type="button" class="danger" aria-label={`${t('privacy.erase')} ${personName(p)}`} onClick={() => setToErase(p)}>{t('privacy.erase')}</button>}
                </div>
              </td>
            </tr>
          ))}</tbody>
        </table>
      ))}
      <EraseDialog person={toErase} onClose={() => setToErase(null)} onErased={(who) => { setToErase(null); log.reload(); navigate(`/privacy?erased=${encodeURIComponent(who)}`); }} />
      <h3 class="subhead">{t('privacy.requestsLog')}</h3>
      <p class="hint">{t('privacy.requestsLogHint')}</p>
      {log.error !== null && <ErrorBox error={log.error} />}
      {log.data && (requests.length === 0 ? <p>{t('privacy.noRequests')}</p> : (
        <table class="data compact">
          <caption class="visually-hidden">{t('privacy.requestsLog')}</caption>
          <thead><tr><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.subject')}</th><th scope="col">{t('privacy.status.done')}</th></tr></thead>
          <tbody>{requests.map((r, i) => (
            <tr key={i}>
              <td>{dateTime(r.at, lang)}</td><td>{r.action}</td><td class="wrap">{r.actor}</td><td class="wrap"><code>{r.subject ?? '—'}</code>{r.details && <p class="hint">{requestSummary(r.details)}</p>}</td><td>✓ {t('privacy.status.done')}</td>
            </tr>
          ))}</tbody>
        </table>
      ))}
    </Section>
  );
}

/** What a request took or removed, from its audit details: "events 3 · identities 3 · …". */
function requestSummary(details: Record<string, unknown>): string {
  return Object.entries(details).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${String(v)}`).join(' · ');
}

/**
 * Erasure with the confirmation the person view shows: it reads the whole profile first, so the
 * dialog names the profile, every identifier, and how many traits and events go.
 */
export function EraseDialog(props: { person: ProfileView | null; onClose(): void; onErased(who: string): void }) {
  const { t, lang } = useI18n();
  const id = props.person?.id ?? null;
  const full = useAsync(async () => (id ? get<ProfileView>(`/v1/profiles/${encodeURIComponent(id)}`) : null), [id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const p = full.data && full.data.id === id ? full.data : null;
  const who = props.person ? personName(props.person) : '';
  const erase = async () => {
    if (!p) return;
    setBusy(true); setError(null);
    try { await del(`/v1/profiles/${encodeURIComponent(p.id)}`); props.onErased(who); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return (
    <Confirm open={props.person !== null} title={t('person.eraseTitle', { who })} confirmLabel={t('person.eraseConfirm')} busy={busy || !p} onCancel={() => { setError(null); props.onClose(); }} onConfirm={() => void erase()}>
      {error !== null && <ErrorBox error={error} />}
      {full.error !== null && <ErrorBox error={full.error} />}
      {!p ? props.person !== null && full.error === null && <Loading /> : (
        <p>{t('person.eraseWhat', {
          id: p.id, identities: p.identities.length, list: p.identities.map((i) => i.value).join(', '),
          traits: Object.keys(p.traits).length, events: count(p.behaviour.eventCount, lang),
        })}</p>
      )}
    </Confirm>
  );
}

function Purposes() {
  const { t } = useI18n();
  const { access } = useSession();
  const mayChange = access.Privacy?.change === true;
  const settings = useAsync(() => get<PrivacySettings>('/v1/privacy/settings'), []);
  const [draft, setDraft] = useState<Purpose[] | null>(null);
  const [saved, setSaved] = useState(false);
  const purposes = draft ?? settings.data?.purposes ?? [];
  // Each cell its own field path (the API names `purposes.1.retentionDays`); the rest goes to the summary.
  const errors = useFormErrors(purposes.flatMap((_, i) => ['name', 'legalBasis', 'retentionDays'].map((k) => `purposes.${i}.${k}`)));
  let form: HTMLFormElement | null = null;
  const set = (i: number, patch: Partial<Purpose>) => { setSaved(false); setDraft(purposes.map((p, j) => (j === i ? { ...p, ...patch } : p))); };
  const issueAt = (i: number, key: string) => errors.of(`purposes.${i}.${key}`);
  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      await api<PrivacySettings>('PUT', '/v1/privacy/settings', { body: { purposes } });
      setDraft(null); setSaved(true);
      settings.reload();
    });
  };
  const s = settings.data;
  return (
    <Section id="purposes-h" title={t('privacy.purposes')}>
      <p>{t('privacy.purposesIntro')}</p>
      {settings.loading && !s && <Loading />}
      {settings.error !== null && <ErrorBox error={settings.error} />}
      {s && (
        <form ref={(f) => { form = f; }} onSubmit={save} noValidate>
          <FormSummary errors={errors} />
          {saved && <Notice kind="success">{t('privacy.saved')}</Notice>}
          {!mayChange && <p class="hint">{t('privacy.readOnly')}</p>}
          <table class="data">
            <caption class="visually-hidden">{t('privacy.purposes')}</caption>
            <thead><tr><th scope="col">{t('privacy.purposeKey')}</th><th scope="col">{t('privacy.purposeName')}</th><th scope="col">{t('privacy.legalBasis')}</th><th scope="col">{t('privacy.retentionDays')}</th></tr></thead>
            <tbody>{purposes.map((p, i) => (
              <tr key={p.key}>
                <th scope="row"><code>{p.key}</code><p class="hint">{p.description}</p></th>
                <td><CellInput label={`${t('privacy.purposeName')}: ${p.key}`} error={issueAt(i, 'name')} value={p.name} disabled={!mayChange} onInput={(v) => set(i, { name: v })} /></td>
                <td>
                  <CellSelect label={`${t('privacy.legalBasis')}: ${p.key}`} error={issueAt(i, 'legalBasis')} value={p.legalBasis} disabled={!mayChange} onChange={(v) => set(i, { legalBasis: v })}
                    options={LEGAL_BASES.map((b) => [b, t(`basis.${b}` as MessageKey)])} />
                </td>
                <td><CellInput label={`${t('privacy.retentionDays')}: ${p.key}`} error={issueAt(i, 'retentionDays')} type="number" min={1} max={36500} value={String(p.retentionDays)} disabled={!mayChange}
                  onInput={(v) => set(i, { retentionDays: v === '' ? (NaN as number) : Number(v) })} /></td>
              </tr>
            ))}</tbody>
          </table>
          {mayChange && <div class="actions"><button type="submit" class="primary" disabled={errors.busy || draft === null}>{t('privacy.savePurposes')}</button></div>}
          <h3 class="subhead">{t('privacy.settings')}</h3>
          <dl class="pairs">
            <dt>{t('privacy.ip')}</dt><dd>{s.ip}</dd>
            <dt>{t('privacy.userAgent')}</dt><dd>{s.userAgent}</dd>
            <dt>{t('privacy.gpc')}</dt><dd>{s.gpcPurposes.join(', ') || '—'}</dd>
            <dt>{t('privacy.erasedIds')}</dt><dd>{s.erasedIdentifiers}</dd>
            <dt>{t('privacy.schemaMode')}</dt><dd>{s.schema.mode} · {Object.keys(s.schema.events).length} events · {Object.keys(s.schema.traits).length} traits</dd>
          </dl>
          <p class="hint">{t('privacy.consentStats')}</p>
        </form>
      )}
    </Section>
  );
}

let cells = 0;
function CellInput(props: { label: string; error?: string | undefined; value: string; type?: string; min?: number; max?: number; disabled?: boolean; onInput(v: string): void }) {
  const id = useState(() => `cell-${++cells}`)[0];
  return (
    <div class={`cell${props.error ? ' invalid' : ''}`}>
      <input id={id} aria-label={props.label} type={props.type ?? 'text'} min={props.min} max={props.max} value={props.value} disabled={props.disabled}
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-e` : undefined}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)} />
      {props.error && <p class="error" id={`${id}-e`}>{props.error}</p>}
    </div>
  );
}
function CellSelect(props: { label: string; error?: string | undefined; value: string; disabled?: boolean; options: Array<readonly [string, string]>; onChange(v: string): void }) {
  const id = useState(() => `cell-${++cells}`)[0];
  return (
    <div class={`cell${props.error ? ' invalid' : ''}`}>
      <select id={id} aria-label={props.label} value={props.value} disabled={props.disabled} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-e` : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {props.options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {props.error && <p class="error" id={`${id}-e`}>{props.error}</p>}
    </div>
  );
}

function Retention() {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RetentionReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true); setError(null);
    try { setResult(await post<RetentionReport>('/v1/privacy/retention/run')); } catch (e) { setError(e); } finally { setBusy(false); setConfirm(false); }
  };
  return (
    <Section id="retention-h" title={t('privacy.retention')}>
      <p>{t('privacy.retentionIntro')}</p>
      {access.Privacy?.change === true && <div class="actions"><button type="button" onClick={() => setConfirm(true)}>{t('privacy.runRetention')}</button></div>}
      {error !== null && <ErrorBox error={error} />}
      {result && (
        <div role="status">
          <p>{t('privacy.retentionDone', { start: dateTime(result.startedAt, lang), end: dateTime(result.finishedAt, lang) })}</p>
          <table class="data compact">
            <caption class="visually-hidden">{t('privacy.retention')}</caption>
            <thead><tr><th scope="col">{t('privacy.rule')}</th><th scope="col" class="num">{t('privacy.retentionDays')}</th><th scope="col" class="num">{t('privacy.deleted')}</th></tr></thead>
            <tbody>
              {result.events.map((r) => <tr key={`e${r.rule}`}><th scope="row">{r.rule}</th><td class="num">{count(r.keptDays, lang)}</td><td class="num">{count(r.deleted, lang)}</td></tr>)}
              {result.traits.map((r) => <tr key={`t${r.trait}`}><th scope="row">{r.trait}</th><td class="num">{count(r.keptDays, lang)}</td><td class="num">{count(r.profiles, lang)}</td></tr>)}
            </tbody>
          </table>
          <p>{t('privacy.profilesRecomputed')}: {count(result.profilesRecomputed, lang)} · {t('privacy.profilesDeleted')}: {count(result.profilesDeleted, lang)}</p>
        </div>
      )}
      <Confirm open={confirm} title={t('privacy.runTitle')} confirmLabel={t('privacy.runConfirm')} busy={busy} onCancel={() => setConfirm(false)} onConfirm={() => void run()}>
        <p>{t('privacy.runBody')}</p>
      </Confirm>
    </Section>
  );
}

function IngestReportSection() {
  const { t, lang } = useI18n();
  const report = useAsync(() => get<IngestReport>('/v1/privacy/report'), []);
  const rows = report.data ? Object.entries(report.data.totals).flatMap(([kind, byName]) => Object.entries(byName).map(([name, n]) => ({ kind, name, n }))) : [];
  return (
    <Section id="report-h" title={t('privacy.report')}>
      <p>{t('privacy.reportIntro')}</p>
      {report.loading && !report.data && <Loading />}
      {report.error !== null && <ErrorBox error={report.error} />}
      {report.data && (rows.length === 0 ? <p>{t('privacy.reportNothing')}</p> : (
        <table class="data compact">
          <caption class="visually-hidden">{t('privacy.report')}</caption>
          <thead><tr><th scope="col">{t('privacy.kind')}</th><th scope="col">{t('privacy.name')}</th><th scope="col" class="num">{t('privacy.count')}</th></tr></thead>
          <tbody>{rows.map((r) => <tr key={`${r.kind}:${r.name}`}><td title={report.data!.explanation?.[r.kind]}>{report.data!.explanation?.[r.kind] ?? r.kind}</td><th scope="row">{r.name}</th><td class="num">{count(r.n, lang)}</td></tr>)}</tbody>
        </table>
      ))}
    </Section>
  );
}
