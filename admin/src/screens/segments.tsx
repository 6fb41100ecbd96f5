/** Segments: the list with member counts and backfill state, and one segment with its members. */
import { useEffect, useState } from 'preact/hooks';
import { apiUrl, get } from '../api.js';
import type { SegmentView } from '../api-types.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { count, dateTime } from '../format.js';
import { useI18n, type Translate } from '../i18n.js';
import { Link, useLocation } from '../router.js';
import { can } from '../areas.js';
import { useSession } from '../session.js';

type Backfill = SegmentView['backfill'];
const backfillText = (b: Backfill, t: Translate) =>
  !b ? '—' : b.state === 'done' ? t('segments.done') : b.state === 'failed' ? t('segments.failed') : t('segments.running', { percent: Math.round(b.percent ?? 0) });

export function Segments() {
  const { t, lang } = useI18n();
  // Every count comes with the list: the server keeps them as members enter and leave (docs/segments.md).
  const list = useAsync(() => get<{ segments: SegmentView[] }>('/v1/segments'), []);
  const { access } = useSession();
  return (
    <>
      <h1>{t('segments.title')}</h1>
      {can.editSegments(access) && <p class="actions"><Link to="/segments/new" class="button primary">{t('segments.new')}</Link></p>}
      {list.loading && <Loading />}
      {list.error !== null && <ErrorBox error={list.error} />}
      {list.data && (list.data.segments.length === 0 ? <p>{can.editSegments(access) ? t('segments.noneBuild') : t('segments.none')}</p> : (
        <table class="data">
          <caption>{t('segments.caption')}</caption>
          <thead><tr><th scope="col">{t('segments.col.name')}</th><th scope="col">{t('segments.col.condition')}</th><th scope="col" class="num">{t('segments.col.members')}</th><th scope="col">{t('segments.col.backfill')}</th></tr></thead>
          <tbody>
            {list.data.segments.map((s) => (
              <tr key={s.id}>
                <th scope="row"><Link to={`/segments/${encodeURIComponent(s.id)}`}>{s.name}</Link></th>
                <td>{s.readable}</td>
                <td class="num">{typeof s.members === 'number' ? count(s.members, lang) : '—'}</td>
                <td>{backfillText(s.backfill, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

interface Member { profileId: string; userId?: string | null; email?: string | null; name?: string | null; since: string | null; reason: string }
interface MembersPage { segmentId: string; total: number; members: Member[]; nextCursor: string | null }

/** A member as people know them: the name, else the e-mail, else the user id, else the profile id. */
const memberName = (m: Member) => m.name || m.email || m.userId || m.profileId;

export function SegmentDetail(props: { id: string }) {
  const { t, lang } = useI18n();
  const loc = useLocation();
  const cursor = loc.query.get('cursor');
  const page = Number(loc.query.get('page') ?? '1') || 1;
  const segment = useAsync(() => get<SegmentView>(`/v1/segments/${encodeURIComponent(props.id)}`), [props.id]);
  const { access } = useSession();
  // Members are people: only roles that may read profiles see them (the count is for everyone).
  const members = useAsync(async () => (can.readPeople(access) ? get<MembersPage>(`/v1/segments/${encodeURIComponent(props.id)}/members`, { limit: 50, cursor }) : null), [props.id, cursor, access]);
  const s = segment.data;
  const base = `/segments/${encodeURIComponent(props.id)}`;
  // While the members are being computed (a new or changed segment), follow the progress quietly
  // and read the segment and its members again once it is done.
  const [progress, setProgress] = useState<Backfill | null>(null);
  useEffect(() => {
    setProgress(null);
    if (s?.backfill?.state !== 'running') return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const follow = async () => {
      const fresh = await get<SegmentView>(`/v1/segments/${encodeURIComponent(props.id)}`).catch(() => null);
      if (!live) return;
      if (fresh?.backfill?.state === 'running') { setProgress(fresh.backfill); timer = setTimeout(() => void follow(), 1000); return; }
      segment.reload();
      members.reload();
    };
    timer = setTimeout(() => void follow(), 1000);
    return () => { live = false; clearTimeout(timer); };
  }, [s]);
  return (
    <>
      <p class="crumbs"><Link to="/segments">{t('segments.title')}</Link></p>
      <h1>{s?.name ?? props.id}</h1>
      {segment.error !== null && <ErrorBox error={segment.error} />}
      {s && (
        <Section id="condition-h" title={t('segment.condition')}>
          {s.description && <p>{s.description}</p>}
          <p class="readable">{s.readable}</p>
          <p role="status">{t('segments.col.backfill')}: {backfillText(progress ?? s.backfill, t)}</p>
          {can.editSegments(access) && <p><Link to={`/segments/${encodeURIComponent(s.id)}/edit`} class="button">{t('segment.edit')}</Link></p>}
        </Section>
      )}
      <Section id="members-h" title={t('segment.members', { n: count(members.data?.total ?? s?.members ?? 0, lang) })}
        actions={can.readPeople(access) && <a class="button" href={apiUrl(`/v1/segments/${encodeURIComponent(props.id)}/members`, { format: 'csv' })} download>{t('segment.csv')}</a>}>
        {!can.readPeople(access) && <p>{t('segment.membersHidden')}</p>}
        {members.loading && <Loading />}
        {members.error !== null && <ErrorBox error={members.error} />}
        {members.data && (members.data.members.length === 0 ? <p>{t('segment.noMembers')}</p> : (
          <>
            <table class="data">
              <caption class="visually-hidden">{t('segment.members', { n: members.data.total })} · {t('people.pageOf', { n: page })}</caption>
              <thead><tr><th scope="col">{t('people.col.person')}</th><th scope="col">{t('segment.email')}</th><th scope="col">{t('segment.since')}</th><th scope="col">{t('segment.reason')}</th></tr></thead>
              <tbody>{members.data.members.map((m) => (
                <tr key={m.profileId}><th scope="row"><Link to={`/people/${encodeURIComponent(m.profileId)}`}>{memberName(m)}</Link></th><td>{m.email ?? '—'}</td><td>{dateTime(m.since, lang)}</td><td>{m.reason}</td></tr>
              ))}</tbody>
            </table>
            <nav class="pager" aria-label={t('people.pageOf', { n: page })}>
              {page > 1 && <Link to={base}>{t('people.first')}</Link>}
              {members.data.nextCursor && <Link to={`${base}?cursor=${encodeURIComponent(members.data.nextCursor)}&page=${page + 1}`} rel="next">{t('people.more')}</Link>}
            </nav>
          </>
        ))}
      </Section>
    </>
  );
}
