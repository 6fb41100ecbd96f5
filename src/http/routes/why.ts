/**
 * The public "Why am I seeing this?" page (issue 14 §3), no key needed (the unguessable,
 * expiring decision id is the credential; decisions/why-decision.ts):
 *   GET  /why/{decisionId}   the explanation, the kinds of data used, the person's data page and
 *                            the "Show me general content instead" form (en/de: ?lang=, else Accept-Language)
 *   POST /why/{decisionId}   the form: records the withdrawal of the personalization purpose
 * Pages, not JSON: an unknown or expired id is a 404 page; the look and the safety headers are
 * the email-link pages' (pages/link-page.ts).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../core/decisions/locale.js';
import type { WhyDecision, WhyView } from '../../decisions/why-decision.js';
import { escapeHtml as esc, sendPage } from '../pages/link-page.js';
import { safeText } from '../schemas/query.js';
import { routeSchema, text } from '../schemas/route-docs.js';

type WhyRequest = FastifyRequest<{ Params: { decisionId: string }; Querystring: { lang?: string } }>;

const params = { type: 'object', properties: { decisionId: safeText(4096, 'The decisionId of a decide answer.') } } as const;
const query = { type: 'object', properties: { lang: { type: 'string', enum: ['en', 'de'], description: 'The page\'s language (default: Accept-Language).' } } } as const;
const schemas = {
  page: routeSchema({ summary: '"Why am I seeing this?": the explanation of one decision, for the person', tags: ['Personalization (decide)'], auth: 'none', params, querystring: query, pages: true, response: { 200: text('text/html', 'The page.') } }),
  withdraw: routeSchema({ summary: '"Show me general content instead": withdraws the personalization purpose for the decision\'s person (a form POST; idempotent)', tags: ['Personalization (decide)'], auth: 'none', params, querystring: query, pages: true, response: { 200: text('text/html', 'The page saying what changed.') } }),
};

const T = {
  en: {
    title: 'Why am I seeing this?', data: 'What this choice used', noData: 'Nothing about you: the same content is shown in this situation to everyone.',
    general: 'Show me general content instead', generalHelp: 'From your next visit on, this site shows you content that is not tailored to you. You can change this again in the site\'s privacy settings.',
    withdrawn: 'You chose general content: the site no longer tailors content to you.', noPerson: 'This site keeps no profile of you, so there is nothing to switch off.',
    dataPage: 'See, correct or delete the data this site keeps about you', noDataPage: 'To see, correct or delete the data this site keeps about you, please contact the operator of this website (see its privacy notice).',
    expires: 'This explanation is available until', unknownTitle: 'This explanation is not available', unknown: 'The link may have been cut off, or it has expired: explanations are kept for 30 days.',
    doneTitle: 'General content from now on', done: 'Done: from your next visit on, this site shows you general content instead of content tailored to you.',
    badFormTitle: 'Please try again', badForm: 'The form could not be checked. Please open the explanation again and use its button.',
  },
  de: {
    title: 'Warum sehe ich das?', data: 'Was diese Auswahl verwendet hat', noData: 'Nichts über Sie: In dieser Situation sehen alle denselben Inhalt.',
    general: 'Allgemeine Inhalte anzeigen', generalHelp: 'Ab Ihrem nächsten Besuch zeigt Ihnen diese Website Inhalte, die nicht auf Sie zugeschnitten sind. Sie können das in den Datenschutzeinstellungen der Website wieder ändern.',
    withdrawn: 'Sie haben allgemeine Inhalte gewählt: Die Website passt Inhalte nicht mehr an Sie an.', noPerson: 'Diese Website führt kein Profil über Sie, es gibt also nichts abzuschalten.',
    dataPage: 'Ihre Daten bei dieser Website ansehen, berichtigen oder löschen', noDataPage: 'Um Ihre Daten bei dieser Website anzusehen, zu berichtigen oder zu löschen, wenden Sie sich bitte an den Betreiber der Website (siehe Datenschutzerklärung).',
    expires: 'Diese Erklärung ist verfügbar bis', unknownTitle: 'Diese Erklärung ist nicht verfügbar', unknown: 'Der Link wurde vielleicht abgeschnitten, oder er ist abgelaufen: Erklärungen werden 30 Tage aufbewahrt.',
    doneTitle: 'Ab jetzt allgemeine Inhalte', done: 'Erledigt: Ab Ihrem nächsten Besuch zeigt Ihnen diese Website allgemeine Inhalte statt auf Sie zugeschnittener.',
    badFormTitle: 'Bitte noch einmal versuchen', badForm: 'Das Formular konnte nicht geprüft werden. Bitte öffnen Sie die Erklärung erneut und nutzen Sie die Schaltfläche dort.',
  },
} satisfies Record<Locale, Record<string, string>>;

/** ?lang= first, then the first language of Accept-Language we speak, else English. */
export function pageLocale(request: { query: { lang?: string }; headers: Record<string, string | string[] | undefined> }): Locale {
  if (request.query.lang === 'de' || request.query.lang === 'en') return request.query.lang;
  const header = request.headers['accept-language'];
  // Tags in the order sent (quality values are almost always in that order too).
  for (const part of (Array.isArray(header) ? header[0] : header)?.split(',') ?? []) {
    const tag = part.split(';')[0]!.trim();
    if (/^de\b/i.test(tag)) return 'de';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return 'en';
}

function page(view: WhyView, locale: Locale, decisionId: string): string {
  const t = T[locale];
  const dates = new Date(view.claims.expiresAt).toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const labels = view.explanation.dataKindLabels;
  const control = view.person === 'personalized'
    ? `<form method="post" action="${esc(decisionId)}?lang=${locale}"><input type="hidden" name="token" value="${esc(view.formToken)}"><p>${esc(t.generalHelp)}</p><button type="submit">${esc(t.general)}</button></form>`
    : `<p>${esc(view.person === 'withdrawn' ? t.withdrawn : t.noPerson)}</p>`;
  const dataPage = view.privacyUrl ? `<p><a href="${esc(view.privacyUrl)}" rel="noreferrer">${esc(t.dataPage)}</a></p>` : `<p class="muted">${esc(t.noDataPage)}</p>`;
  return `<h1>${esc(t.title)}</h1>
<p><strong>${esc(view.explanation.text)}</strong></p>
<h2>${esc(t.data)}</h2>
${labels.length > 0 ? `<ul>${labels.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : `<p>${esc(t.noData)}</p>`}
${control}
${dataPage}
<p class="muted">${esc(t.expires)} ${esc(dates)}.</p>`;
}

function notFound(reply: FastifyReply, locale: Locale): FastifyReply {
  const t = T[locale];
  return sendPage(reply, { status: 404, lang: locale, title: t.unknownTitle, body: `<h1>${esc(t.unknownTitle)}</h1><p>${esc(t.unknown)}</p>` });
}

export async function registerWhyPages(app: FastifyInstance, deps: { why: WhyDecision }): Promise<void> {
  await app.register(async (pages) => {
    // Forms post application/x-www-form-urlencoded; the body is read as text and parsed here.
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));
    pages.setErrorHandler((error: FastifyError, request, reply) => {
      const locale = pageLocale(request as WhyRequest);
      if (error.validation) return notFound(reply, locale);
      const client = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
      if (!client) request.log.error({ err: error }, 'why page failed');
      return sendPage(reply, { status: client ? 400 : 500, lang: locale, title: 'Something went wrong', body: '<h1>Something went wrong</h1><p>Please try again in a moment.</p>' });
    });

    pages.get('/why/:decisionId', { schema: schemas.page }, async (request: WhyRequest, reply) => {
      const locale = pageLocale(request);
      const view = await deps.why.view(request.params.decisionId, locale);
      if (!view) return notFound(reply, locale);
      return sendPage(reply, { lang: locale, title: T[locale].title, body: page(view, locale, request.params.decisionId) });
    });

    pages.post('/why/:decisionId', { schema: schemas.withdraw }, async (request: WhyRequest, reply) => {
      const locale = pageLocale(request);
      const t = T[locale];
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const userAgent = request.headers['user-agent'];
      const outcome = await deps.why.withdraw(request.params.decisionId, form.get('token'), { ip: request.ip, ...(userAgent ? { userAgent } : {}) });
      if (outcome === 'unknown') return notFound(reply, locale);
      if (outcome === 'bad-form') return sendPage(reply, { status: 403, lang: locale, title: t.badFormTitle, body: `<h1>${esc(t.badFormTitle)}</h1><p>${esc(t.badForm)}</p>` });
      if (outcome === 'no-person') return sendPage(reply, { lang: locale, title: t.title, body: `<h1>${esc(t.title)}</h1><p>${esc(t.noPerson)}</p>` });
      return sendPage(reply, { lang: locale, title: t.doneTitle, body: `<h1>${esc(t.doneTitle)}</h1><p>${esc(t.done)}</p>` });
    });
  });
}
