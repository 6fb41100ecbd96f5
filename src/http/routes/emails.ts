/**
 * Links for one email (admin key):
 *   POST /v1/emails/links `{ recipient, messageId, list?, links: [{ url, identify? }], survey?, formUrl? }`
 *        → the signed URLs (links/mint-links.ts)
 *   POST /v1/emails/send  the same body plus `{ subject, intro?, labels? }` → sends a simple HTML
 *        email with those links to the recipient's address over SMTP; answers the links and the
 *        SMTP message id, and records `Email Sent` on the person's timeline. A list email to someone
 *        without consent for the list is refused (409).
 * Minting reads a profile, so both are written to the audit log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TesseraError } from '../../core/errors.js';
import { singleLineText } from '../../core/header-text.js';
import type { LinkDeps } from '../../links/link-context.js';
import { linksMail } from '../../links/mail-templates.js';
import { mintEmailLinks, type MintedLinks } from '../../links/mint-links.js';
import { emailOf } from '../../links/person.js';
import { recordEmailSent } from '../../links/email-events.js';
import type { KeyResolver } from '../auth.js';
import { jsonSchemaOf } from '../schemas/bodies.js';
import { json, routeSchema } from '../schemas/route-docs.js';

const mintBody = z.object({
  recipient: z.string().min(1).max(512),
  messageId: singleLineText(1, 200),
  list: z.string().min(1).max(64).optional(),
  links: z.array(z.object({ url: z.string().max(2048), identify: z.boolean().optional() }).strict()).max(50).default([]),
  survey: z.string().min(1).max(64).optional(),
  formUrl: z.string().max(2048).optional(),
});
const sendBody = mintBody.extend({
  subject: singleLineText(1, 300),
  intro: z.string().max(5000).default(''),
  labels: z.array(z.string().max(200)).max(50).default([]),
}).strict();

const tags = ['Email'];
const minted = json({ recipient: { type: 'string' }, messageId: { type: 'string' }, links: { type: 'array' }, openPixel: { type: 'string' }, headers: { type: 'object' } }, ['recipient', 'messageId', 'links'], 'The signed URLs and headers to put in the email.');
const schemas = {
  links: routeSchema({ summary: 'Signed links for one email: clicks, open pixel, survey, unsubscribe (audited)', tags, auth: 'adminKey', body: jsonSchemaOf(mintBody.strict(), 'MintLinks'), response: { 200: minted } }),
  send: routeSchema({
    summary: 'Send a simple email with signed links over SMTP and record Email Sent (audited)', tags, auth: 'adminKey', body: jsonSchemaOf(sendBody, 'SendEmail'),
    description: 'A list email to someone without consent for the list is refused (409); without a configured SMTP server the answer is 503 mail_unavailable.',
    response: { 200: { ...minted, properties: { ...minted.properties, smtpMessageId: { type: 'string' } } } },
  }),
};

const view = (m: MintedLinks) => ({
  recipient: m.recipient, messageId: m.messageId, links: m.links, openPixel: m.openPixel, honeypot: m.honeypot, formUrl: m.formUrl,
  survey: m.survey, unsubscribe: m.unsubscribe, headers: m.headers, subscription: m.subscription,
});

export function registerEmailRoutes(app: FastifyInstance, deps: LinkDeps & { keys: KeyResolver }): void {
  const admin = (request: FastifyRequest) => deps.keys.admin(request);
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object' }] });
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new TesseraError('invalid_body', { issues: parsed.error.issues.map((i) => ({ field: i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : n ? `.${String(p)}` : String(p))).join('') || 'body', reason: i.message })) });
    return parsed.data;
  };

  app.post('/v1/emails/links', { schema: schemas.links }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const body = parse(mintBody.strict(), request.body);
    const minted = await mintEmailLinks(deps, workspaceId, body);
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: 'email.links', subject: minted.recipient, details: { messageId: body.messageId, links: body.links.length } });
    return view(minted);
  });

  app.post('/v1/emails/send', { schema: schemas.send }, async (request) => {
    const { workspaceId, keyId } = await admin(request);
    const body = parse(sendBody, request.body);
    if (!deps.mailer.configured) throw new TesseraError('mail_unavailable', { message: 'Email is not configured on this server (set TESSERA_SMTP_URL).' });
    const minted = await mintEmailLinks(deps, workspaceId, body);
    // A list email goes only to someone whose consent for the list's purpose stands.
    if (minted.subscription && !minted.subscription.consented) {
      throw new TesseraError('conflict', { message: `The recipient has not consented to the "${minted.subscription.list}" emails (subscription: ${minted.subscription.status ?? 'none'}).`, issues: [{ field: 'list', reason: 'the recipient has no consent for this list\'s purpose' }] });
    }
    const to = emailOf(minted.person.profile);
    if (!to) throw new TesseraError('invalid_body', { issues: [{ field: 'recipient', reason: 'has no email address' }] });
    const mail = linksMail({ subject: body.subject, intro: body.intro, labels: body.labels }, minted);
    const sent = await deps.mailer.send({ to, ...mail, headers: { ...minted.headers, 'X-Tessera-Message-Id': body.messageId } });
    await recordEmailSent(deps.ingest, { workspaceId, profile: minted.person.profile, emailId: body.messageId, subject: body.subject, ...(body.list ? { list: body.list } : {}) });
    await deps.store.privacy.audit({ workspaceId, at: deps.now(), actor: keyId, action: 'email.send', subject: minted.recipient, details: { messageId: body.messageId } });
    return { ...view(minted), smtpMessageId: sent.messageId };
  });
}
