/**
 * Double opt-in and unsubscribe (links/subscriptions.ts):
 *   POST /v1/subscriptions (write key, CORS) `{ email, list, anonymousId?, wording? }` → 202; sends
 *        the confirmation email. The same answer whether or not the address is known.
 *   GET  /e/optin/<token>  the confirmation page: the list, the exact wording, a Confirm button
 *   POST /e/optin/<token>  confirms (consent granted, the confirmation as evidence)
 *   GET  /e/u/<token>      the unsubscribe page, with an Unsubscribe button
 *   POST /e/u/<token>      unsubscribes: the page's button, or the mailbox provider's RFC 8058
 *                          one-click POST (body `List-Unsubscribe=One-Click`), answered 200
 * The pages need no key: the signed token is the credential. No confirmation or unsubscribe ever
 * happens on a GET (scanners follow every link).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../core/errors.js';
import { linkRequestOf } from '../../links/email-events.js';
import { confirmationWording, type Subscriptions } from '../../links/subscriptions.js';
import { basicUser, type KeyResolver } from '../auth.js';
import { escapeHtml as esc, sendLinkProblem, sendPage } from '../pages/link-page.js';
import { safeText } from '../schemas/query.js';
import { json, routeSchema, text } from '../schemas/route-docs.js';

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

export interface SubscriptionRouteDeps {
  subscriptions: Subscriptions;
  keys: KeyResolver;
}

const tokenParams = { type: 'object', properties: { token: safeText(8192, 'The signed token of the link.') } } as const;
const page = (summary: string, extra: Record<number, object> = {}) => routeSchema({ summary, tags: ['Email pages'], auth: 'link-token', params: tokenParams, pages: true, response: { ...{ 200: text('text/html', 'A page for a person.') }, ...extra } });
const schemas = {
  subscribe: routeSchema({
    summary: 'Ask for a subscription (double opt-in): sends the confirmation email; the same answer whether or not the address is known', tags: ['Email'], auth: 'writeKey',
    body: { type: 'object', properties: { email: { type: 'string' }, list: { type: 'string' }, anonymousId: { type: ['string', 'number'] }, wording: { type: 'object' }, writeKey: { type: 'string' } }, required: ['email', 'list'] },
    response: { 202: json({ accepted: { type: 'boolean' }, message: { type: 'string' } }, ['accepted', 'message']) },
  }),
  optinPage: page('The confirmation page: the list, the exact wording, a Confirm button'),
  optin: page('Confirm the subscription (consent granted, with the confirmation as evidence)'),
  unsubscribePage: page('The unsubscribe page, with an Unsubscribe button'),
  unsubscribe: page('Unsubscribe: the page\'s button, or a mailbox provider\'s RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, answered in plain text)', { 200: { description: 'A page, or plain text for a one-click POST.', content: { 'text/html': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } } } }),
};

/** The JSON API. */
export function registerSubscriptionApi(app: FastifyInstance, deps: SubscriptionRouteDeps): void {
  app.post('/v1/subscriptions', { schema: schemas.subscribe }, async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object' }] });
    const b = body as Record<string, unknown>;
    const workspaceId = await deps.keys.workspaceFor('write', basicUser(request.headers.authorization) ?? (typeof b.writeKey === 'string' ? b.writeKey : undefined) ?? (request.query as Record<string, string | undefined>).writeKey);
    await deps.subscriptions.subscribe(workspaceId, { email: b.email, list: b.list, anonymousId: b.anonymousId, wording: b.wording });
    return reply.code(202).send({ accepted: true, message: 'If the address can receive email, a confirmation link is on its way.' });
  });
}

/** The pages, in a scope that reads any body as text. */
export function registerSubscriptionPages(pages: FastifyInstance, deps: SubscriptionRouteDeps): void {

  pages.get('/e/optin/:token', { schema: schemas.optinPage }, async (request: TokenRequest, reply: FastifyReply) => {
    const found = await deps.subscriptions.lookUpOptin(request.params.token);
    if (!found.ok) return sendLinkProblem(reply, found.problem);
    const { list } = found.action;
    return sendPage(reply, {
      title: `Confirm: ${list.name}`,
      body: `<h1>Confirm your subscription</h1>
<p><strong>${esc(list.name)}</strong>${list.description ? ` — ${esc(list.description)}` : ''}</p>
<form method="post" action="${esc(request.params.token)}">
<p>${esc(confirmationWording(list))}</p>
<button type="submit">Confirm</button>
</form>`,
    });
  });

  pages.post('/e/optin/:token', { schema: schemas.optin }, async (request: TokenRequest, reply: FastifyReply) => {
    const found = await deps.subscriptions.lookUpOptin(request.params.token);
    if (!found.ok) return sendLinkProblem(reply, found.problem);
    const outcome = await deps.subscriptions.confirm(found.action, linkRequestOf(request));
    const name = esc(found.action.list.name);
    const pagesFor = {
      confirmed: { title: 'Subscribed', text: `Thank you: you are now subscribed to <strong>${name}</strong>. Every email has a link to unsubscribe.` },
      already_subscribed: { title: 'Already subscribed', text: `You had already confirmed: you are subscribed to <strong>${name}</strong>.` },
      superseded: { title: 'This link was replaced', text: 'A newer confirmation email was sent, or you unsubscribed since. Please use the link in the newest email, or subscribe again.' },
      not_requested: { title: 'Nothing to confirm', text: 'We have no subscription request waiting for this link.' },
      machine: { title: 'Please confirm in your browser', text: 'We could not confirm from this device. Please open the link from the email in your browser.' },
    } as const;
    const p = pagesFor[outcome];
    return sendPage(reply, { title: p.title, body: `<h1>${esc(p.title)}</h1><p>${p.text}</p>` });
  });

  pages.get('/e/u/:token', { schema: schemas.unsubscribePage }, async (request: TokenRequest, reply: FastifyReply) => {
    const found = await deps.subscriptions.lookUpUnsubscribe(request.params.token);
    if (!found.ok) return sendLinkProblem(reply, found.problem);
    if ((await deps.subscriptions.status(found.action)) === 'unsubscribed') {
      return sendPage(reply, { title: 'Already unsubscribed', body: `<h1>You are unsubscribed</h1><p>You get no <strong>${esc(found.action.list.name)}</strong> emails.</p>` });
    }
    return sendPage(reply, {
      title: `Unsubscribe: ${found.action.list.name}`,
      body: `<h1>Unsubscribe</h1>
<form method="post" action="${esc(request.params.token)}">
<input type="hidden" name="confirm" value="1">
<p>Stop sending me <strong>${esc(found.action.list.name)}</strong>.</p>
<button type="submit">Unsubscribe</button>
</form>`,
    });
  });

  pages.post('/e/u/:token', { schema: schemas.unsubscribe }, async (request: TokenRequest, reply: FastifyReply) => {
    const oneClick = isOneClick(request.body);
    const found = await deps.subscriptions.lookUpUnsubscribe(request.params.token);
    if (!found.ok) {
      // A mail provider's one-click POST gets a plain status (no page to show anyone).
      return oneClick ? reply.code(found.problem === 'expired' ? 410 : 400).header('content-type', 'text/plain; charset=utf-8').send('The unsubscribe link is not valid.\n') : sendLinkProblem(reply, found.problem);
    }
    const outcome = await deps.subscriptions.unsubscribe(found.action, linkRequestOf(request), oneClick);
    if (oneClick) return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(outcome === 'machine' ? 'Not unsubscribed.\n' : 'Unsubscribed.\n');
    const name = esc(found.action.list.name);
    if (outcome === 'machine') return sendPage(reply, { title: 'Please unsubscribe in your browser', body: '<h1>Please unsubscribe in your browser</h1><p>We could not unsubscribe from this device. Please open the link from the email in your browser.</p>' });
    return sendPage(reply, { title: 'Unsubscribed', body: `<h1>You are unsubscribed</h1><p>You will get no more <strong>${name}</strong> emails.${outcome === 'already' ? ' (You had already unsubscribed.)' : ''}</p>` });
  });
}

/**
 * RFC 8058 §3.1: the provider POSTs `List-Unsubscribe=One-Click` as
 * application/x-www-form-urlencoded or as multipart/form-data.
 */
export function isOneClick(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  return /(^|&)List-Unsubscribe=One-Click(&|$)/.test(body.trim()) || /name="?List-Unsubscribe"?\s*\r?\n\r?\nOne-Click\r?\n/.test(body);
}
