/**
 * Micro-survey answers from an email (`/e/s/<token>`, no key: the signed token is the credential):
 *   GET   a small page showing the chosen answer with a button that POSTs it; a tiny inline script
 *         presses it at once, so a click in the email feels like one click. A scanner that only
 *         follows links never answers.
 *   POST  records the answer (survey-answers.ts), then shows the next question (each answer a
 *         POST button with its own signed token), or thanks the person, or redirects (303) to the
 *         survey's allow-listed thank-you page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linkRequestOf } from '../../links/email-events.js';
import type { LinkDeps } from '../../links/link-context.js';
import { answerSurvey, lookUpSurveyChoice, type AnswerOutcome } from '../../links/survey-answers.js';
import { escapeHtml as esc, sendLinkProblem, sendPage } from '../pages/link-page.js';
import { safeText } from '../schemas/query.js';
import { empty, routeSchema, text } from '../schemas/route-docs.js';

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

const tokenParams = { type: 'object', properties: { token: safeText(8192, 'The signed token of the link.') } } as const;
const schemas = {
  choice: routeSchema({ summary: 'The chosen answer with a button that posts it (pressed at once by a tiny script)', tags: ['Email pages'], auth: 'link-token', params: tokenParams, pages: true, response: { 200: text('text/html', 'A page for a person.') } }),
  answer: routeSchema({ summary: 'Record the answer, then the next question, a thank-you, or a 303 to the survey\'s thank-you page', tags: ['Email pages'], auth: 'link-token', params: tokenParams, pages: true, response: { ...{ 200: text('text/html', 'A page for a person.') }, 303: empty('To the survey\'s allow-listed thank-you page.') } }),
};

export function registerSurveyPages(app: FastifyInstance, deps: LinkDeps): void {
  app.get('/e/s/:token', { schema: schemas.choice }, async (request: TokenRequest, reply: FastifyReply) => {
    const found = await lookUpSurveyChoice(deps, request.params.token);
    if (!found.ok) return sendLinkProblem(reply, found.problem);
    const { question, option } = found.choice;
    return sendPage(reply, {
      title: question.prompt,
      body: `<h1>${esc(question.prompt)}</h1>
<form id="answer" method="post" action="${esc(request.params.token)}">
<p>Your answer: <strong>${esc(option.label)}</strong></p>
<button type="submit">Send my answer</button>
</form>
<p class="muted">Sending…</p>`,
      // One click from the email: submit at once (people without scripts press the button).
      script: `document.getElementById('answer').submit();`,
    });
  });

  app.post('/e/s/:token', { schema: schemas.answer }, async (request: TokenRequest, reply: FastifyReply) => {
    const found = await lookUpSurveyChoice(deps, request.params.token);
    if (!found.ok) return sendLinkProblem(reply, found.problem);
    const outcome = await answerSurvey(deps, found.choice, linkRequestOf(request));
    if (outcome.kind === 'gone') return sendLinkProblem(reply, 'gone');
    return sendOutcome(reply, outcome);
  });
}

function sendOutcome(reply: FastifyReply, outcome: AnswerOutcome): FastifyReply {
  if (outcome.kind === 'thanks') {
    if (outcome.redirectUrl) return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(outcome.redirectUrl, 303);
    return sendPage(reply, { title: 'Thank you', body: `<h1>Thank you</h1><p>${esc(outcome.message)}</p>` });
  }
  // Relative actions: the page is at /e/s/<token>, each button posts to /e/s/<its token>.
  const buttons = outcome.answerTokens.map((a) => `<form class="inline" method="post" action="${esc(a.token)}"><button type="submit">${
    a.imageUrl ? `<img src="${esc(a.imageUrl)}" alt="" height="24"> ` : ''}${esc(a.label)}</button></form>`).join('\n');
  return sendPage(reply, {
    title: outcome.question.prompt,
    body: `<p class="muted">Thank you, your answer is saved. One more?</p>
<h1>${esc(outcome.question.prompt)}</h1>
<div role="group" aria-label="${esc(outcome.question.prompt)}">${buttons}</div>`,
  });
}
