/** The person's timeline told as a story (story.ts), page by page from the API. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import type { EventView } from '../api-types.js';
import { ErrorBox, Loading } from '../components/common.js';
import { dateTime, duration, time } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { tellStory, type Moment, type PageStep, type Visit } from '../story.js';

const PAGE = 200;

/** A visit's pages and what the person did, in the order it happened (a page before what was done on it at the same instant). */
function inOrder(v: Visit): Array<{ kind: 'page'; page: PageStep } | { kind: 'action'; moment: Moment }> {
  const at = (iso: string) => Date.parse(iso) || 0;
  const steps = [...v.pages.map((page, i) => ({ t: at(page.at), rank: 0, i, x: { kind: 'page' as const, page } })),
    ...v.actions.map((moment, i) => ({ t: at(moment.at), rank: 1, i, x: { kind: 'action' as const, moment } }))];
  return steps.sort((a, b) => a.t - b.t || a.rank - b.rank || a.i - b.i).map((s) => s.x);
}

export function Timeline(props: { profileId: string; version?: number }) {
  const { t, lang } = useI18n();
  const [events, setEvents] = useState<EventView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({ loading: true, error: null });

  const load = async (from: string | null, reset: boolean) => {
    setState({ loading: true, error: null });
    try {
      const page = await get<{ events: EventView[]; nextCursor: string | null }>(`/v1/profiles/${encodeURIComponent(props.profileId)}/events`, { limit: PAGE, cursor: from });
      setEvents((old) => (reset ? page.events : [...old, ...page.events]));
      setCursor(page.nextCursor);
      setState({ loading: false, error: null });
    } catch (error) {
      setState({ loading: false, error });
    }
  };
  useEffect(() => { void load(null, true); }, [props.profileId, props.version]);

  const story = tellStory(events);
  const say = (m: Moment) => t(`story.${m.what}` as MessageKey, m.vars);
  return (
    <div class="timeline">
      {state.error !== null && <ErrorBox error={state.error} />}
      {!state.loading && story.length === 0 && <p>{t('story.empty')}</p>}
      <ol class="story">
        {story.map((item, i) => item.kind === 'visit' ? (
          <li key={`v${i}`} class="visit">
            <h3>
              {t('story.visit', { date: dateTime(item.start, lang) })}
              {item.source && <> · {t('story.visitFrom', { source: item.source })}</>}
              {' · '}{t(item.pages.length === 1 ? 'story.onePage' : 'story.pages', { n: item.pages.length, duration: duration(item.seconds, lang) })}
            </h3>
            <ol class="pages">
              {inOrder(item).map((x, j) => x.kind === 'page' ? (
                <li key={j}>
                  <span class="when">{time(x.page.at, lang)}</span>
                  <span class="what"><strong>{x.page.title}</strong> <code>{x.page.path}</code></span>
                  <span class="seconds">{x.page.seconds === null ? '—' : `${x.page.estimated ? '≈ ' : ''}${t('story.seconds', { duration: duration(x.page.seconds, lang) })}`}</span>
                </li>
              ) : (
                <li key={j} class="action"><span class="when">{time(x.moment.at, lang)}</span><span class="what">{say(x.moment)}</span></li>
              ))}
            </ol>
          </li>
        ) : (
          <li key={`m${i}`} class={`moment ${item.what}`}>
            <span class="when">{dateTime(item.at, lang)}</span> <span class="what">{say(item)}</span>
          </li>
        ))}
      </ol>
      {state.loading && <Loading />}
      {cursor && !state.loading && <button type="button" onClick={() => void load(cursor, false)}>{t('person.olderEvents')}</button>}
    </div>
  );
}
