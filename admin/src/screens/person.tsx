/**
 * The person view: who (identities, merges with unmerge), what we know (traits with sources), what
 * happened (the timeline as a story), where they stand (scores, lifecycle, segments, consent), and
 * the person's rights (export; erase with a confirmation naming what goes).
 */
import { useState } from 'preact/hooks';
import { apiUrl, del, get, post } from '../api.js';
import type { PersonView } from '../api-types.js';
import { can } from '../areas.js';
import { Confirm, ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Notice } from '../components/form-errors.js';
import { count, dateTime, display, duration } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';
import { personName } from './people.js';
import { Timeline } from './timeline.js';

export function Person(props: { id: string }) {
  const { t, lang } = useI18n();
  const { access } = useSession();
  const person = useAsync(() => get<PersonView>(`/v1/profiles/${encodeURIComponent(props.id)}`), [props.id]);
  const [confirm, setConfirm] = useState<{ kind: 'erase' } | { kind: 'unmerge'; mergedId: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  // Bumped when the person changes under the view (an unmerge): the timeline reads again.
  const [version, setVersion] = useState(0);

  const p = person.data;
  const who = p ? personName(p) : props.id;
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try { await action(); } catch (e) { setActionError(e); } finally { setBusy(false); setConfirm(null); }
  };
  const erase = () => run(async () => {
    await del(`/v1/profiles/${encodeURIComponent(p!.id)}`);
    navigate(`/people?erased=${encodeURIComponent(who)}`);
  });
  const unmerge = (mergedId: string) => run(async () => {
    await post(`/v1/profiles/${encodeURIComponent(p!.id)}/unmerge`, { mergedProfileId: mergedId });
    setNotice(t('person.unmerged'));
    person.reload();
    setVersion((v) => v + 1);
  });

  return (
    <>
      <p class="crumbs"><Link to="/people">{t('people.title')}</Link></p>
      <h1>{who}</h1>
      {person.loading && !p && <Loading />}
      {person.error !== null && <ErrorBox error={person.error} />}
      {notice && <Notice kind="success">{notice}</Notice>}
      {actionError !== null && <ErrorBox error={actionError} />}
      {p && (
        <div class="person">
          <p class="summary">{t('person.summary', {
            visits: count(p.behaviour.sessions.count, lang), pages: count(p.behaviour.pageViews, lang),
            seconds: duration(p.behaviour.timeOnPagesSeconds, lang), first: dateTime(p.behaviour.firstSeenAt, lang), last: dateTime(p.behaviour.lastSeenAt, lang),
          })}</p>
          <div class="actions">
            {can.export(access) && <a class="button" href={apiUrl(`/v1/profiles/${encodeURIComponent(p.id)}/export`)} download>{t('person.export')}</a>}
            {can.erase(access) && <button type="button" class="danger" onClick={() => setConfirm({ kind: 'erase' })}>{t('person.erase')}</button>}
          </div>
          <div class="columns">
            <div class="col-main">
              <Section id="timeline-h" title={t('person.timeline')}><Timeline profileId={p.id} version={version} /></Section>
            </div>
            <div class="col-side">
              <Section id="identities-h" title={t('person.identities')}>
                <table class="data compact">
                  <thead><tr><th scope="col">{t('person.kind')}</th><th scope="col">{t('person.value')}</th><th scope="col">{t('person.firstSeen')}</th></tr></thead>
                  <tbody>{p.identities.map((i) => <tr key={`${i.kind}:${i.value}`}><td>{i.kind}</td><td class="wrap">{i.value}</td><td>{dateTime(i.firstSeenAt, lang)}</td></tr>)}</tbody>
                </table>
              </Section>
              <Section id="merges-h" title={t('person.merges')}>
                {!p.merges?.length ? <p>{t('person.noMerges')}</p> : (
                  <ul class="plain">
                    {p.merges.map((m) => (
                      <li key={`${m.mergedId}${m.at}`}>
                        {t('person.merged', { merged: m.mergedId, cause: `${m.cause.kind} ${m.cause.value}` })} · {dateTime(m.at, lang)}
                        {m.undone ? <> · {t('person.undone', { at: dateTime(m.undone.at, lang) })}</> : can.unmerge(access) && m.survivorId === p.id && (
                          <> <button type="button" onClick={() => setConfirm({ kind: 'unmerge', mergedId: m.mergedId })}>{t('person.unmerge')}</button></>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section id="traits-h" title={t('person.traits')}>
                {Object.keys(p.traits).length === 0 ? <p>{t('person.noTraits')}</p> : (
                  <table class="data compact">
                    <thead><tr><th scope="col">{t('person.trait')}</th><th scope="col">{t('person.value')}</th><th scope="col">{t('person.source')}</th></tr></thead>
                    <tbody>{Object.entries(p.traits).map(([k, v]) => {
                      const s = (p.traitSources as Record<string, { source: string; updatedAt: string | null }>)[k];
                      return <tr key={k}><th scope="row">{k}</th><td class="wrap">{display(v)}</td><td>{s ? `${s.source} · ${dateTime(s.updatedAt, lang)}` : '—'}</td></tr>;
                    })}</tbody>
                  </table>
                )}
              </Section>
              <Section id="scores-h" title={t('person.scores')}>
                {p.scores ? (
                  <dl class="pairs">
                    <dt>{t('person.engagement')}</dt><dd>{count(p.scores.engagement, lang)}</dd>
                    <dt>{t('person.fit')}</dt><dd>{count(p.scores.fit, lang)}</dd>
                  </dl>
                ) : <p>—</p>}
              </Section>
              <Section id="lifecycle-h" title={t('person.lifecycle')}>
                {p.lifecycle ? (
                  <>
                    <p>{t('person.stage', { stage: p.lifecycle.stage, since: dateTime(p.lifecycle.since, lang) })}</p>
                    <ol class="plain">{p.lifecycle.history.map((h, i) => <li key={i}>{dateTime(h.at, lang)}: {display(h.from)} → {h.to} ({h.reason})</li>)}</ol>
                  </>
                ) : <p>{t('person.noLifecycle')}</p>}
              </Section>
              <Section id="segments-h" title={t('person.segments')}>
                {p.segments.length === 0 ? <p>{t('person.noSegments')}</p> : (
                  <ul class="plain">{p.segments.map((s) => <li key={s.id}><Link to={`/segments/${encodeURIComponent(s.id)}`}>{s.name}</Link> · {dateTime(s.since, lang)}</li>)}</ul>
                )}
              </Section>
              <Section id="consent-h" title={t('person.consent')}>
                {Object.keys(p.consent).length === 0 ? <p>{t('person.noConsent')}</p> : (
                  <table class="data compact">
                    <thead><tr><th scope="col">{t('person.purpose')}</th><th scope="col">{t('person.granted')}</th><th scope="col">{t('person.when')}</th><th scope="col">{t('person.channel')}</th></tr></thead>
                    <tbody>{Object.entries(p.consent).map(([purpose, c]) => <tr key={purpose}><th scope="row">{purpose}</th><td>{c.granted ? t('person.yes') : t('person.no')}</td><td>{dateTime(c.at, lang)}</td><td>{c.channel ?? '—'}</td></tr>)}</tbody>
                  </table>
                )}
              </Section>
            </div>
          </div>
          <Confirm open={confirm?.kind === 'erase'} title={t('person.eraseTitle', { who })} confirmLabel={t('person.eraseConfirm')} busy={busy} onCancel={() => setConfirm(null)} onConfirm={() => void erase()}>
            <p>{t('person.eraseWhat', {
              id: p.id, identities: p.identities.length, list: p.identities.map((i) => i.value).join(', '),
              traits: Object.keys(p.traits).length, events: count(p.behaviour.eventCount, lang),
            })}</p>
          </Confirm>
          <Confirm open={confirm?.kind === 'unmerge'} title={t('person.unmerge')} confirmLabel={t('person.unmerge')} busy={busy} onCancel={() => setConfirm(null)} onConfirm={() => confirm?.kind === 'unmerge' && void unmerge(confirm.mergedId)}>
            <p>{t('person.unmergeConfirm', { merged: confirm?.kind === 'unmerge' ? confirm.mergedId : '' })}</p>
          </Confirm>
        </div>
      )}
    </>
  );
}
