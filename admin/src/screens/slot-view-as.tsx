/**
 * "View as": what a slot would show a person (found by any identifier through the people search,
 * GET /v1/profiles?q=), a typical member of a persona (one of GET /v1/personas: made up, assigned
 * to that persona, nothing else known) or a made-up visit (page, UTM, device, time, how well the
 * visitor is recognised), from POST /v1/slots/{id}/preview, which writes nothing. Shows the chosen variant
 * rendered (HTML in a sandboxed frame: no scripts, no requests), the explanation the person would
 * read, the depth and what limited it, and the trace of every rule looked at. A person in the global
 * holdout sees the default; the screen says so and shows, beside it, what the rules would choose for
 * them outside the holdout (the answer's `outsideHoldout`).
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import type { ProfileView } from '../api-types.js';
import type { Decision } from '../../../src/core/decisions/decision.js';
import { ErrorBox, Loading, Section, useAsync } from '../components/common.js';
import { Field, FormSummary, useFormErrors } from '../components/form-errors.js';
import { SelectField } from '../components/personalization-fields.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { percent } from './experiment-insights.js';
import { Link } from '../router.js';
import { personName } from './people.js';
import { usePersonaOptions } from './segment-builder.js';
import type { SlotDoc } from './slot-editor.js';

/** POST /v1/slots/{id}/preview: the decision as the server's core makes it. */
interface PreviewAnswer { decision: Decision; profileId: string | null; at: string; durationMs?: number; holdoutShare?: number; outsideHoldout?: Decision; persona?: string }

const VISIT_FIELDS = ['path', 'url', 'category', 'referrer', 'utmSource', 'utmMedium', 'utmCampaign', 'localHour', 'weekday', 'country'] as const;
type Visit = Record<(typeof VISIT_FIELDS)[number] | 'deviceClass' | 'recognised' | 'locale' | 'at', string>;
const LABEL: Record<(typeof VISIT_FIELDS)[number], MessageKey> = {
  path: 'p.path', url: 'p.url', category: 'p.category', referrer: 'p.referrer', utmSource: 'p.utmSource', utmMedium: 'p.utmMedium', utmCampaign: 'p.utmCampaign',
  localHour: 'p.hour', weekday: 'p.weekday', country: 'p.country',
};
/** The API's field path of each input (issues name them: `context.localHour`). */
const API_FIELD: Record<string, string> = { utmSource: 'context.utm.source', utmMedium: 'context.utm.medium', utmCampaign: 'context.utm.campaign' };
const apiField = (f: string) => API_FIELD[f] ?? (f === 'at' ? 'at' : `context.${f}`);

function contextOf(v: Visit): Record<string, unknown> {
  const num = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
  const utm = Object.fromEntries([['source', v.utmSource], ['medium', v.utmMedium], ['campaign', v.utmCampaign]].filter(([, x]) => x!.trim()).map(([k, x]) => [k, x!.trim()]));
  const out: Record<string, unknown> = {};
  for (const f of ['path', 'url', 'category', 'referrer', 'country'] as const) if (v[f].trim()) out[f] = v[f].trim();
  if (Object.keys(utm).length) out.utm = utm;
  if (v.localHour.trim()) out.localHour = num(v.localHour);
  if (v.weekday.trim()) out.weekday = num(v.weekday);
  if (v.deviceClass) out.deviceClass = v.deviceClass;
  if (v.recognised) out.recognised = v.recognised;
  if (v.locale) out.locale = v.locale;
  return out;
}

export function SlotViewAs(props: { id: string }) {
  const { t } = useI18n();
  const slot = useAsync(() => get<SlotDoc>(`/v1/slots/${encodeURIComponent(props.id)}`), [props.id]);
  const [who, setWho] = useState<'person' | 'persona' | 'visit'>('person');
  const personas = usePersonaOptions();
  const [personaId, setPersonaId] = useState('');
  const [q, setQ] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [visit, setVisit] = useState<Visit>({ path: '', url: '', category: '', referrer: '', utmSource: '', utmMedium: '', utmCampaign: '', localHour: '', weekday: '', country: '', deviceClass: '', recognised: '', locale: '', at: '' });
  const [answer, setAnswer] = useState<PreviewAnswer | null>(null);
  const hits = useAsync(async () => (searched ? get<{ profiles: ProfileView[] }>('/v1/profiles', { q: searched, limit: 5 }) : null), [searched]);
  const errors = useFormErrors(['profile', 'persona', ...VISIT_FIELDS.map(apiField), 'context.deviceClass', 'context.recognised', 'context.locale', 'at', 'context']);
  let form: HTMLFormElement | null = null;
  const name = slot.data?.name ?? props.id;

  const show = (e: Event) => {
    e.preventDefault();
    void errors.submit(form, async () => {
      setAnswer(null);
      const at = visit.at.trim() ? new Date(visit.at).toISOString() : undefined;
      const body = { ...(who === 'person' && person ? { profile: person.id } : {}), ...(who === 'persona' && personaId ? { persona: personaId } : {}), context: contextOf(visit), ...(at ? { at } : {}), channel: slot.data?.channel === 'email' ? 'email' : 'web' };
      setAnswer(await post<PreviewAnswer>(`/v1/slots/${encodeURIComponent(props.id)}/preview`, body));
      setTimeout(() => document.getElementById('result-h')?.focus(), 0);
    });
  };
  const search = () => { setPerson(null); setSearched(q.trim() || null); };

  return (
    <>
      <p class="crumbs"><Link to="/personalization">{t('p.title')}</Link> › <Link to={`/personalization/slots/${encodeURIComponent(props.id)}/edit`}>{name}</Link></p>
      <h1>{t('p.viewAsTitle', { name })}</h1>
      {slot.error !== null && <ErrorBox error={slot.error} />}
      <form ref={(f) => { form = f; }} class="card" onSubmit={show} noValidate>
        <FormSummary errors={errors} />
        <fieldset class="bare">
          <legend class="h2like">{t('p.who')}</legend>
          <div class="radios">
            <span><input type="radio" id="who-person" name="who" checked={who === 'person'} onChange={() => setWho('person')} /> <label for="who-person">{t('p.who.person')}</label></span>
            <span><input type="radio" id="who-persona" name="who" checked={who === 'persona'} onChange={() => setWho('persona')} /> <label for="who-persona">{t('p.who.persona')}</label></span>
            <span><input type="radio" id="who-visit" name="who" checked={who === 'visit'} onChange={() => setWho('visit')} /> <label for="who-visit">{t('p.who.visit')}</label></span>
          </div>
        </fieldset>
        {who === 'person' && (
          <div class="person-pick">
            <div class="search-row">
              <Field label={t('p.find')} name="profile" type="search" hint={t('p.findHint')} value={q} errors={errors}
                onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } }} />
              <button type="button" onClick={search}>{t('p.search')}</button>
            </div>
            <div aria-live="polite">
              {person && <p class="ok"><strong>{t('p.chosen', { name: person.name })}</strong></p>}
              {!person && hits.data && (hits.data.profiles.length === 0 ? <p>{t('p.noHits')}</p> : (
                <ul class="plain hits">
                  {hits.data.profiles.map((p) => {
                    const n = personName(p);
                    return <li key={p.id}><button type="button" onClick={() => setPerson({ id: p.id, name: n })}>{t('p.choose', { name: n })}</button> <span class="hint">{p.identities.slice(0, 2).map((i) => i.value).join(' · ')}</span></li>;
                  })}
                </ul>
              ))}
            </div>
            {hits.loading && searched && <Loading />}
            {hits.error !== null && <ErrorBox error={hits.error} />}
          </div>
        )}
        {who === 'persona' && personas === undefined && <Loading />}
        {who === 'persona' && personas !== undefined && (personas
          ? <div class="person-pick">
              <SelectField label={t('p.persona')} name="persona" hint={t('p.personaHint')} value={personaId} errors={errors} onChange={setPersonaId}
                options={[['', '—'], ...personas.map((p): [string, string] => [p.id, `${p.name} (${p.id})`])]} />
            </div>
          : <p class="notice" id="no-personas">{t('p.noPersonas')} <Link to="/personas">{t('nav.personas')}</Link></p>)}
        <fieldset class="bare">
          <legend class="h2like">{t('p.visit')}</legend>
          <div class="form-grid">
            {VISIT_FIELDS.map((f) => <Field key={f} label={t(LABEL[f])} name={apiField(f)} value={visit[f]} errors={errors} inputMode={f === 'localHour' || f === 'weekday' ? 'numeric' : undefined}
              onInput={(e) => setVisit({ ...visit, [f]: e.currentTarget.value })} />)}
            <SelectField label={t('p.device')} name="context.deviceClass" value={visit.deviceClass} errors={errors} onChange={(v) => setVisit({ ...visit, deviceClass: v })}
              options={[['', t('p.device.any')], ['desktop', 'desktop'], ['mobile', 'mobile'], ['tablet', 'tablet']]} />
            <SelectField label={t('p.recognised')} hint={t('p.recognisedHint')} name="context.recognised" value={visit.recognised} errors={errors} onChange={(v) => setVisit({ ...visit, recognised: v })}
              options={[['', t('p.recognised.default')], ...(['none', 'cookie', 'signed', 'login'] as const).map((r): [string, string] => [r, t(`p.recognised.${r}` as MessageKey)])]} />
            <SelectField label={t('p.locale')} name="context.locale" value={visit.locale} errors={errors} onChange={(v) => setVisit({ ...visit, locale: v })}
              options={[['', '—'], ['en', 'English'], ['de', 'Deutsch']]} />
            <Field label={t('p.at')} name="at" type="datetime-local" hint={t('p.atHint')} value={visit.at} errors={errors} onInput={(e) => setVisit({ ...visit, at: e.currentTarget.value })} />
          </div>
        </fieldset>
        <div class="actions"><button type="submit" class="primary" disabled={errors.busy || (who === 'person' && !person) || (who === 'persona' && !personaId)}>{t('p.show')}</button></div>
      </form>
      {answer && <PreviewResult answer={answer} person={who === 'person' ? person?.name ?? null
        : answer.persona ? t('p.typicalMember', { name: personas?.find((p) => p.id === answer.persona)?.name ?? answer.persona }) : null} />}
    </>
  );
}

function PreviewResult(props: { answer: PreviewAnswer; person: string | null }) {
  const { t, lang } = useI18n();
  const d = props.answer.decision;
  const v = d.variant;
  const outside = props.answer.outsideHoldout;
  const depth = (x: string) => t(`p.depth.${x}` as MessageKey);
  const from = (x: Decision) => (x.ruleId === 'default' ? t('p.fromDefault') : t('p.fromRule', { rule: x.ruleId }));
  return (
    <section class="card result" aria-labelledby="result-h">
      <h2 id="result-h" tabIndex={-1}>{t('p.result')}</h2>
      {d.holdout && (
        <div class="notice warn" role="status">
          <p><strong>{t('p.heldOut', { name: props.person ?? t('p.nobody'), share: percent(props.answer.holdoutShare ?? null, lang) })}</strong></p>
          <p>{t('p.heldOutHint')} <Link to="/experiments">{t('p.heldOutSettings')}</Link></p>
        </div>
      )}
      <p class="hint">{from(d)} · {t('p.variant', { n: v.id })}
        {props.answer.durationMs !== undefined ? ` · ${t('p.tookMs', { ms: Math.round(props.answer.durationMs * 10) / 10, profile: props.person ?? t('p.nobody') })}` : ''}</p>
      <div class="columns">
        <VariantRender variant={v} />
        <div>
          <h3>{t('p.why')}</h3>
          <blockquote class="why" lang={d.explanation.locale}>{d.explanation.text}</blockquote>
          {d.explanation.dataKindLabels.length > 0 && <p>{t('p.dataKinds')}: {d.explanation.dataKindLabels.join(', ')}</p>}
          <p><strong>{t('p.depthIs', { depth: depth(d.depth), allowed: depth(d.allowedDepth) })}</strong></p>
          <p>{t('p.limitedBy')}: {d.limitedBy.length ? d.limitedBy.map((l) => t(`p.limit.${l}` as MessageKey) || l).join(', ') : t('p.notLimited')}</p>
        </div>
      </div>
      {outside && (
        <Section id="outside-h" title={t('p.outside')}>
          <p class="hint">{from(outside)} · {t('p.variant', { n: outside.variant.id })}</p>
          <div class="columns">
            <VariantRender variant={outside.variant} />
            <div>
              <h3>{t('p.why')}</h3>
              <blockquote class="why" lang={outside.explanation.locale}>{outside.explanation.text}</blockquote>
            </div>
          </div>
          <Trace decision={outside} caption={t('p.outsideTrace')} />
        </Section>
      )}
      <Section id="trace-h" title={t('p.trace')}>
        <Trace decision={d} caption={t('p.traceCaption')} />
      </Section>
    </section>
  );
}

function VariantRender(props: { variant: Decision['variant'] }) {
  const { t } = useI18n();
  const v = props.variant;
  return (
    <div class="variant-render">
      {v.imageUrl && <p class="hint">{v.imageUrl}</p>}
      {v.title && <h3>{v.title}</h3>}
      {v.format === 'html'
        ? <iframe title={t('p.htmlPreview')} sandbox="" srcdoc={v.body} class="html-preview" />
        : <p class="body-text">{v.body}</p>}
      {v.linkUrl && <p><a href={v.linkUrl} rel="noopener noreferrer" target="_blank">{v.linkUrl}</a></p>}
    </div>
  );
}

function Trace(props: { decision: Decision; caption: string }) {
  const { t } = useI18n();
  return (
    <table class="data">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead><tr><th scope="col">{t('p.col.source')}</th><th scope="col">{t('p.col.outcome')}</th><th scope="col">{t('p.ruleVariant')}</th><th scope="col">{t('p.col.detail')}</th></tr></thead>
      <tbody>{props.decision.trace.map((x, i) => (
        <tr key={i} class={x.outcome === 'chosen' ? 'chosen' : undefined}>
          <th scope="row">{x.source}</th><td><span class={`badge ${x.outcome}`}>{x.outcome}</span></td><td>{x.variantId ?? '—'}</td>
          <td>{[x.detail, ...(x.reasons ?? [])].filter(Boolean).join(' · ') || '—'}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}
