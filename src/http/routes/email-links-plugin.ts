/**
 * Everything of the email links (issue 6) in one registration: the services built from the app's
 * dependencies, the admin and JSON routes, and the `/e/…` pages in a scope of their own that reads
 * any request body as text (pages post HTML forms; RFC 8058 providers post
 * `List-Unsubscribe=One-Click` as application/x-www-form-urlencoded), leaving the JSON parsing of
 * the API untouched.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { dropInvalidHeaders } from '../errors.js';
import { sendLinkProblem, sendPage } from '../pages/link-page.js';
import type { IdentityGuard } from '../../core/identity/identity-key.js';
import type { IngestService } from '../../ingest/ingest-service.js';
import type { LinkDeps } from '../../links/link-context.js';
import { createLinkSettings } from '../../links/link-settings.js';
import type { LinkSigner } from '../../links/link-signer.js';
import { createSubscriptions } from '../../links/subscriptions.js';
import type { Mailer } from '../../ports/mailer.js';
import type { Store } from '../../ports/store.js';
import type { PrivacyContexts } from '../../privacy/privacy-context.js';
import type { PublicBase } from '../../public-base.js';
import type { KeyResolver } from '../auth.js';
import { registerEmailAdminRoutes } from './email-admin.js';
import { registerEmailLinkRoutes } from './email-links.js';
import { registerEmailRoutes } from './emails.js';
import { registerSubscriptionApi, registerSubscriptionPages } from './subscription-pages.js';
import { registerSurveyPages } from './survey-pages.js';
import { routeSchema, text } from '../schemas/route-docs.js';

export interface EmailLinksDeps {
  store: Store;
  ingest: IngestService;
  privacy: PrivacyContexts;
  signer: LinkSigner;
  guard: IdentityGuard;
  keys: KeyResolver;
  now: () => number;
  mailer?: Mailer;
  linkDomains?: readonly string[];
  /** Where links point: configuration only (public-base.ts). */
  publicBase: PublicBase;
}

const NO_MAILER: Mailer = {
  configured: false,
  send: async () => { throw new Error('no mailer'); },
  close: async () => undefined,
};

export async function registerEmailLinks(app: FastifyInstance, deps: EmailLinksDeps): Promise<void> {
  // Tessera's own address is an allowed target (the honeypot link of an email without links) once configured.
  const ownAddress = deps.publicBase.source === 'configured' ? { publicUrl: deps.publicBase.url } : {};
  const settings = createLinkSettings({ store: deps.store, now: deps.now, configuredDomains: deps.linkDomains ?? [], ...ownAddress });
  const links: LinkDeps = { store: deps.store, signer: deps.signer, ingest: deps.ingest, settings, mailer: deps.mailer ?? NO_MAILER, now: deps.now, publicBase: deps.publicBase };
  const subscriptions = createSubscriptions({ ...links, guard: deps.guard });
  registerEmailRoutes(app, { ...links, keys: deps.keys });
  registerEmailAdminRoutes(app, { ...links, keys: deps.keys, privacy: deps.privacy });
  registerSubscriptionApi(app, { subscriptions, keys: deps.keys });
  await app.register(async (pages) => {
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));
    // People see these pages: a failure is a friendly page too, never a JSON or stack dump.
    pages.setErrorHandler((error: FastifyError, request, reply) => {
      // A token that fails its schema (control characters in the address) is a link that does not work.
      if (error.validation) return sendLinkProblem(reply, 'invalid');
      if (dropInvalidHeaders(reply).length > 0) request.log.error('invalid response headers dropped');
      const client = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
      if (!client) request.log.error({ err: error }, 'email link page failed');
      return sendPage(reply, { status: client ? 400 : 500, title: 'Something went wrong', body: '<h1>Something went wrong</h1><p>Please try the link again in a moment.</p>' });
    });
    registerEmailLinkRoutes(pages, links);
    registerSurveyPages(pages, links);
    registerSubscriptionPages(pages, { subscriptions, keys: deps.keys });
    // A link cut short or mangled by a mail client (`/e/c`, `/e/s/`, `/e/zz/…`) is a person's
    // mistake too: the friendly page, not the API's JSON 404.
    pages.all('/e/*', { schema: routeSchema({ summary: 'A link cut short or mangled by a mail client: a friendly page', tags: ['Email pages'], auth: 'none', pages: true, response: { 400: text('text/html', 'The link is not valid.') } }) }, async (_request, reply) => sendLinkProblem(reply, 'invalid'));
  });
}
