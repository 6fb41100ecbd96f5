/**
 * Audiences for ad platforms (docs/audiences.md): the list (GET /v1/audiences) with who is in each
 * (a segment, or a persona above a probability, optionally seen in the last N days) and its last
 * export per platform — rows, people excluded for lack of advertising consent, unmatchable, and the
 * adds and removes of an incremental one; a new audience (POST /v1/audiences, the API's reasons at
 * the inputs, nothing typed lost); the downloads (GET /v1/audiences/{id}/export, Meta / Google /
 * LinkedIn, the full list or the changes since that platform's last export: a plain same-origin
 * link the browser saves, with the session cookie); delete after a confirmation. Only the
 * marketer's and admin's roles see the actions. Fields the screen does not know are ignored.
 */
import { useState } from 'preact/hooks';
import { apiUrl, del, get, post } from '../api.js';
import type { SegmentView } from '../api-types.js';
import { Confirm, ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, Notice, useFormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { count, dateTime } from '../format.js';
import { useI18n, type Translate } from '../i18n.js';
import { useSession } from '../session.js';
import { PersonasTabs, type PersonaList } from './personas.js';

const FORMATS = ['meta', 'google', 'linkedin'] as const;
type Format = (typeof FORMATS)[number];
const FORMAT_NAMES: Record<Format, string> = { meta: 'Meta', google: 'Google', linkedin: 'LinkedIn' };

interface ExportSummary { at: string; incremental: boolean; members: number; excluded: number; unmatchable: number; added?: number; removed?: number }
type Source = { segment: string } | { persona: { id: string; minProbability?: number } };
interface AudienceView { id: string; name: string; source: Source; visitedWithinDays?: number; purpose: string; defaultCountry: string; lastExports: Partial<Record<Format, ExportSummary>> }

interface Names { segments: Map<string, string>; personas: Map<string, string> }

function sourceText(a: AudienceView, names: Names, t: Translate): string {
  const who = 'segment' in a.source
    ? t('audiences.sourceSegment', { name: names.segments.get(a.source.segment) ?? a.source.segment })
    : t('audiences.sourcePersona', { name: names.personas.get(a.source.persona.id) ?? a.source.persona.id, p: Math.round((a.source.persona.minProbability ?? 0.6) * 100) });
  return a.visitedWithinDays ? `${who}, ${t('audiences.visited', { days: a.visitedWithinDays })}` : who;
}

export function Audiences() {
  const { t } = useI18n();
  const { access } = useSession();
  const mayChange = access.Audiences?.change === true;
  const list = useAsync(() => get<{ audiences: AudienceView[] }>('/v1/audiences'), []);
  const sources = useAsync(async () => {
    const [segments, personas] = await Promise.all([
      get<{ segments: SegmentView[] }>('/v1/segments', { counts: 'cached' }).catch(() => ({ segments: [] as SegmentView[] })),
      get<PersonaList>('/v1/personas').catch(() => ({ model: null, personas: [], hidden: 0 }) as PersonaList),
    ]);
    return { segments: segments.segments, personas: personas.personas };
  }, []);
  const names: Names = {
    segments: new Map((sources.data?.segments ?? []).map((s) => [s.id, s.name])),
    personas: new Map((sources.data?.personas ?? []).map((p) => [p.id, p.name])),
  };
  // Kept as key and name, so that it follows a change of language.
  const [notice, setNotice] = useState<{ key: 'audiences.created' | 'audiences.deleted'; name: string } | null>(null);
  const [deleting, setDeleting] = useState<AudienceView | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const remove = async () => {
    if (!deleting) return;
    try {
      await del(`/v1/audiences/${encodeURIComponent(deleting.id)}`);
      setNotice({ key: 'audiences.deleted', name: deleting.name }); setDeleting(null); list.reload();
    } catch (e) { setDeleteError(e); }
  };
  return (
    <>
      <h1>{t('nav.personas')}</h1>
      <PersonasTabs current="audiences" />
      <Section id="audiences-h" title={t('audiences.title')}>
        <p>{t('audiences.intro')}</p>
        {!mayChange && <p class="hint">{t('audiences.readOnly')}</p>}
        {notice && <Notice kind="success">{t(notice.key, { name: notice.name })}</Notice>}
        {list.loading && !list.data && <Loading />}
        {list.error !== null && <ErrorBox error={list.error} />}
        {list.data && (list.data.audiences.length === 0 ? <p class="empty">{t('audiences.none')}</p> : (
          <table class="data audiences">
            <caption>{t('audiences.caption')}</caption>
            <thead><tr><th scope="col">{t('audiences.audience')}</th><th scope="col">{t('audiences.source')}</th><th scope="col">{t('audiences.lastExports')}</th>{mayChange && <th scope="col">{t('audiences.download')}</th>}</tr></thead>
            <tbody>{list.data.audiences.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.name} <code>{a.id}</code></th>
                <td class="wrap">{sourceText(a, names, t)}</td>
                <td class="wrap"><LastExports audience={a} /></td>
                {mayChange && <td><ExportControls audience={a} onExported={list.reload} />
                  <button type="button" class="link danger-text" aria-label={`${t('audiences.delete')} ${a.name}`} onClick={() => { setDeleteError(null); setDeleting(a); }}>{t('audiences.delete')}</button></td>}
              </tr>
            ))}</tbody>
          </table>
        ))}
        {list.data && list.data.audiences.length > 0 && mayChange && <p class="hint">{t('audiences.downloadHint')}</p>}
      </Section>
      {mayChange && sources.data && (
        <NewAudience segments={sources.data.segments} personas={sources.data.personas} onCreated={(name) => { setNotice({ key: 'audiences.created', name }); list.reload(); }} />
      )}
      <Confirm open={deleting !== null} title={t('audiences.deleteTitle', { name: deleting?.name ?? '' })} confirmLabel={t('audiences.deleteConfirm')} onConfirm={remove} onCancel={() => setDeleting(null)}>
        <p>{t('audiences.deleteBody')}</p>
        {deleteError !== null && <ErrorBox error={deleteError} />}
      </Confirm>
    </>
  );
}

function LastExports(props: { audience: AudienceView }) {
  const { t, lang } = useI18n();
  const done = FORMATS.filter((f) => props.audience.lastExports?.[f]);
  if (!done.length) return <span class="hint">{t('audiences.neverExported')}</span>;
  return (
    <ul class="plain">{done.map((f) => {
      const s = props.audience.lastExports[f]!;
      return (
        <li key={f}>
          {t('audiences.exportLine', {
            format: FORMAT_NAMES[f], kind: s.incremental ? t('audiences.incremental') : t('audiences.full'), at: dateTime(s.at, lang),
            members: count(s.members, lang), excluded: count(s.excluded, lang), unmatchable: count(s.unmatchable, lang),
          })}
          {s.incremental && ` ${t('audiences.exportChanges', { added: count(s.added ?? 0, lang), removed: count(s.removed ?? 0, lang) })}`}
        </li>
      );
    })}</ul>
  );
}

/** The platform and the kind of export, and a download link the browser saves (the session's cookie goes with it). */
function ExportControls(props: { audience: AudienceView; onExported(): void }) {
  const { t } = useI18n();
  const a = props.audience;
  const [format, setFormat] = useState<Format>('meta');
  const [kind, setKind] = useState<'full' | 'changes'>('full');
  const last = a.lastExports?.[format];
  const changes = kind === 'changes' && last !== undefined;
  const href = apiUrl(`/v1/audiences/${encodeURIComponent(a.id)}/export`, { format, since: changes ? last.at : undefined });
  const noErrors = useFormErrors([]);
  // The export is written while the browser downloads it: read the list again to show its counts.
  const exported = () => { for (const ms of [1500, 5000]) setTimeout(props.onExported, ms); };
  return (
    <div class="export-controls">
      <SelectField label={t('audiences.format')} name={`format-${a.id}`} errors={noErrors} value={format} options={FORMATS.map((f) => [f, FORMAT_NAMES[f]])} onChange={(v) => setFormat(v as Format)} />
      <SelectField label={t('audiences.kind')} name={`kind-${a.id}`} errors={noErrors} value={last ? kind : 'full'}
        options={[['full', t('audiences.kindFull')], ['changes', last ? t('audiences.kindChanges', { format: FORMAT_NAMES[format] }) : t('audiences.kindChangesNone')]]}
        onChange={(v) => setKind(v as 'full' | 'changes')} />
      <a class="button" href={href} download={`audience-${a.id}-${format}${changes ? '-changes' : ''}.csv`} onClick={exported}
        aria-label={t('audiences.downloadFor', { format: FORMAT_NAMES[format], name: a.name })}>{t('audiences.download')}</a>
    </div>
  );
}

interface Draft { id: string; name: string; kind: 'segment' | 'persona'; segment: string; persona: string; minProbability: string; visitedWithinDays: string; purpose: string; defaultCountry: string }

/** A typed number goes to the API as a number; anything else as typed, so that the API names it (never changed silently). */
const numberOrText = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

function NewAudience(props: { segments: SegmentView[]; personas: PersonaList['personas']; onCreated(name: string): void }) {
  const { t } = useI18n();
  const blank: Draft = { id: '', name: '', kind: props.personas.length && !props.segments.length ? 'persona' : 'segment', segment: props.segments[0]?.id ?? '', persona: props.personas[0]?.id ?? '', minProbability: '0.7', visitedWithinDays: '', purpose: 'advertising', defaultCountry: 'DE' };
  const [d, setDraft] = useState<Draft>(blank);
  const set = (patch: Partial<Draft>) => setDraft({ ...d, ...patch });
  // Specific paths first: an issue goes to the first field whose path it starts with.
  const errors = useFormErrors(['id', 'name', 'source.segment', 'source.persona.id', 'source.persona.minProbability', 'source', 'visitedWithinDays', 'purpose', 'defaultCountry']);
  let form: HTMLFormElement | null = null;
  const save = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      const source = d.kind === 'segment' ? { segment: d.segment } : { persona: { id: d.persona, minProbability: numberOrText(d.minProbability) } };
      const body = {
        ...(d.id.trim() ? { id: d.id.trim() } : {}), name: d.name, source,
        ...(d.visitedWithinDays.trim() ? { visitedWithinDays: numberOrText(d.visitedWithinDays) } : {}),
        purpose: d.purpose, defaultCountry: d.defaultCountry,
      };
      const created = await post<{ name: string }>('/v1/audiences', body);
      setDraft(blank);
      props.onCreated(created.name);
    });
  };
  const input = (key: keyof Draft) => (e: Event) => set({ [key]: (e.currentTarget as HTMLInputElement).value } as Partial<Draft>);
  return (
    <Section id="new-audience-h" title={t('audiences.new')}>
      <form ref={(f) => { form = f; }} onSubmit={save} noValidate class="narrow" aria-labelledby="new-audience-h">
        <FormSummary errors={errors} />
        <Field label={t('audiences.name')} name="name" errors={errors} value={d.name} onInput={input('name')} />
        <Field label={t('audiences.id')} name="id" errors={errors} hint={t('audiences.idHint')} value={d.id} onInput={input('id')} />
        <fieldset class="bare">
          <legend>{t('audiences.sourceKind')}</legend>
          {(['segment', 'persona'] as const).map((k) => (
            <label key={k} class="radio"><input type="radio" name="source-kind" value={k} checked={d.kind === k} onChange={() => set({ kind: k })} /> {k === 'segment' ? t('audiences.fromSegment') : t('audiences.fromPersona')}</label>
          ))}
        </fieldset>
        {d.kind === 'segment' && (props.segments.length
          ? <SelectField label={t('audiences.segment')} name="source.segment" errors={errors} value={d.segment} options={props.segments.map((s) => [s.id, s.name])} onChange={(v) => set({ segment: v })} />
          : <p class="hint">{t('audiences.noSegments')}</p>)}
        {d.kind === 'persona' && (props.personas.length ? (
          <>
            <SelectField label={t('audiences.persona')} name="source.persona.id" errors={errors} value={d.persona} options={props.personas.map((p) => [p.id, `${p.name} (${p.id})`])} onChange={(v) => set({ persona: v })} />
            <Field label={t('audiences.minProbability')} name="source.persona.minProbability" errors={errors} hint={t('audiences.minProbabilityHint')} inputMode="decimal" value={d.minProbability} onInput={input('minProbability')} />
          </>
        ) : <p class="hint">{t('audiences.noPersonas')}</p>)}
        {errors.of('source') && <p class="error" role="alert">{errors.of('source')}</p>}
        <Field label={t('audiences.visitedWithinDays')} name="visitedWithinDays" errors={errors} inputMode="numeric" value={d.visitedWithinDays} onInput={input('visitedWithinDays')} />
        <Field label={t('audiences.purpose')} name="purpose" errors={errors} hint={t('audiences.purposeHint')} value={d.purpose} onInput={input('purpose')} />
        <Field label={t('audiences.defaultCountry')} name="defaultCountry" errors={errors} value={d.defaultCountry} onInput={input('defaultCountry')} />
        <div class="actions"><button type="submit" class="primary" disabled={errors.busy}>{t('audiences.create')}</button></div>
      </form>
    </Section>
  );
}
