/**
 * Email-link redirects, no key needed (the signed token is the credential):
 *   GET /e/c/<token>  click: 302 to the signed target when it is on an allowed domain; landing
 *                     pages get `tsr=<identify token>` (single-use, minutes) unless the click is a
 *                     machine's or the email is older than IDENTIFY_FROM_CLICK_WITHIN_MS
 *   GET /e/o/<token>  open pixel: a 1×1 transparent GIF, always (an email must never show a broken image)
 * Each records `Email Link Clicked` / `Email Opened` with the machine verdict. A HEAD request
 * (scanners) is answered without recording anything. Bad, expired or retired tokens get a friendly
 * page and are never trusted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedTarget } from '../../core/links/allowed-domains.js';
import { DEFAULT_MACHINE_RULES, judgeInteraction } from '../../core/links/machine-verdict.js';
import type { Profile } from '../../core/profiles/profile.js';
import { linkRequestOf, recordEmailEvent, type LinkRequest } from '../../links/email-events.js';
import type { LinkDeps } from '../../links/link-context.js';
import { IDENTIFY_FROM_CLICK_WITHIN_MS, LINK_TTL_MS, withTsr } from '../../links/link-lifetimes.js';
import { findProfile } from '../../links/person.js';
import { decisionIdOfUrl, openDecision } from '../../decisions/open-decision.js';
import { problemOf } from '../../links/token-problem.js';
import { sendLinkProblem } from '../pages/link-page.js';
import { safeText } from '../schemas/query.js';
import { empty, routeSchema, text } from '../schemas/route-docs.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const CLICK_BURST_LOOKBACK = 20;

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

const tokenParams = { type: 'object', properties: { token: safeText(8192, 'The signed token of the link.') } } as const;
const schemas = {
  click: routeSchema({
    summary: 'An email link click: 302 to the signed target (on an allowed domain), recording Email Link Clicked', tags: ['Email pages'], auth: 'link-token', params: tokenParams, pages: true,
    description: 'Landing pages get `tsr=<identify token>` unless the click looks like a machine\'s. A HEAD request records nothing.',
    response: { 302: empty('To the target.'), ...{ 200: text('text/html', 'A page for a person.') } },
  }),
  // No pattern on the token: the pixel is a GIF whatever the address (an email must never show a broken image).
  open: routeSchema({ summary: 'The open pixel: a 1×1 GIF, always, recording Email Opened', tags: ['Email pages'], auth: 'link-token', params: { type: 'object', properties: { token: { type: 'string', description: 'The signed token of the link.' } } }, pages: true, response: { 200: text('image/gif', 'A transparent pixel.') } }),
};

export function registerEmailLinkRoutes(app: FastifyInstance, deps: LinkDeps): void {
  const record = async (request: FastifyRequest, run: () => Promise<unknown>) => {
    // The person must get where they are going even when recording fails (overload, a bug).
    try { await run(); } catch (error) { request.log.warn({ err: error }, 'email link event not recorded'); }
  };

  app.get('/e/c/:token', { schema: schemas.click }, async (request: TokenRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
    const verified = await deps.signer.verify(null, request.params.token, 'click');
    if (!verified.ok) return sendLinkProblem(reply, problemOf(verified.reason));
    const { claims } = verified;
    const data = claims.data ?? {};
    const settings = await deps.settings.get(claims.workspaceId);
    // Checked again at click time: the allow list may have changed, and a token signed before
    // control characters were refused may carry one (never put into a Location header).
    const target = allowedTarget(data.url, settings.allowedDomains);
    if (!target) return sendLinkProblem(reply, 'not_allowed');
    const url = data.url as string;
    // The Location is the parsed URL's serialisation (ASCII, percent-encoded), never the raw text.
    if (request.method === 'HEAD') return reply.redirect(target.href, 302);
    const profile = await findProfile(deps.store, claims.workspaceId, claims.recipient);
    if (!profile) return reply.redirect(target.href, 302);
    const link = linkRequestOf(request);
    const email = typeof data.email === 'string' ? data.email : null;
    const verdict = judgeInteraction({
      kind: 'click', userAgent: link.userAgent, ip: link.ip, at: deps.now(), sentAt: claims.issuedAt, prefetch: link.prefetch,
      honeypot: data.honeypot === true, otherClicksAt: await otherClicks(deps, profile, email, url),
    }, { ...DEFAULT_MACHINE_RULES, scannerNetworks: settings.scannerNetworks });
    // A link of a decided block (GET /v1/decide/email) attributes the click to its decision, when the id opens for this workspace.
    const decision = await openDecision(deps, decisionIdOfUrl(url), claims.workspaceId);
    const attribution = decision ? { decisionId: decisionIdOfUrl(url)!, slot: decision.claims.slotId, variant: decision.claims.variantId, ruleId: decision.claims.ruleId } : {};
    await record(request, () => recordEmailEvent(deps.ingest, {
      workspaceId: claims.workspaceId, profile, name: 'Email Link Clicked', request: link, verdict,
      properties: { link_url: url, ...(email ? { email_id: email } : {}), ...(data.honeypot === true ? { honeypot: true } : {}), ...attribution },
    }));
    // No recognition for machines, for links minted without it, nor from an old email (link-lifetimes.ts).
    if (verdict.machine || data.identify === false || deps.now() - claims.issuedAt > IDENTIFY_FROM_CLICK_WITHIN_MS) return reply.redirect(target.href, 302);
    const identify = await deps.signer.sign(claims.workspaceId, { purpose: 'identify', recipient: profile.id, ttlMs: LINK_TTL_MS.identify, ...(email ? { data: { email } } : {}) });
    return reply.redirect(withTsr(target.href, identify), 302);
  });

  app.get('/e/o/:token', { schema: schemas.open }, async (request: TokenRequest, reply: FastifyReply) => {
    const pixel = () => reply.code(200).header('content-type', 'image/gif').header('cache-control', 'no-store, no-cache, private, max-age=0').send(PIXEL);
    const verified = await deps.signer.verify(null, request.params.token, 'open');
    if (!verified.ok || request.method === 'HEAD') return pixel();
    const { claims } = verified;
    const profile = await findProfile(deps.store, claims.workspaceId, claims.recipient);
    if (profile) {
      const link: LinkRequest = linkRequestOf(request);
      const settings = await deps.settings.get(claims.workspaceId);
      const verdict = judgeInteraction({ kind: 'open', userAgent: link.userAgent, ip: link.ip, at: deps.now(), sentAt: claims.issuedAt, prefetch: link.prefetch },
        { ...DEFAULT_MACHINE_RULES, scannerNetworks: settings.scannerNetworks });
      const email = claims.data?.email;
      await record(request, () => recordEmailEvent(deps.ingest, {
        workspaceId: claims.workspaceId, profile, name: 'Email Opened', request: link, verdict, properties: typeof email === 'string' ? { email_id: email } : {},
      }));
    }
    return pixel();
  });
}

/** When the person clicked other links of the same email lately (for the click-burst rule). */
async function otherClicks(deps: LinkDeps, profile: Profile, email: string | null, url: string): Promise<number[]> {
  if (!email) return [];
  const page = await deps.store.profiles.events(profile.workspaceId, profile.id, { limit: CLICK_BURST_LOOKBACK });
  return page.events
    .filter((e) => e.type === 'track' && e.name === 'Email Link Clicked' && e.properties.email_id === email && e.properties.link_url !== url)
    .map((e) => e.timestamp);
}
