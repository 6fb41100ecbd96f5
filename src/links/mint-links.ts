/**
 * The signed links of one email for one recipient (POST /v1/emails/links): every link wrapped in
 * a click redirect, the open pixel, a hidden honeypot link, the survey's answer links, the
 * unsubscribe page and the RFC 8058 `List-Unsubscribe` / `List-Unsubscribe-Post` header values.
 *
 * Landing pages get `tsr=<identify token>` appended when the click is followed (by a person, not
 * a scanner), so the landing page's tracker can recognise the person; the token in the address
 * bar is fresh and short-lived instead of living as long as the email.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { isAllowedTarget } from '../core/links/allowed-domains.js';
import { firstUnanswered } from '../core/links/survey.js';
import { urlTextProblem } from '../core/safe-url.js';
import type { Store } from '../ports/store.js';
import { emailBase, type PublicBase } from '../public-base.js';
import type { LinkSigner } from './link-signer.js';
import { LINK_TTL_MS, linkUrl } from './link-lifetimes.js';
import type { LinkSettingsService } from './link-settings.js';
import { findPerson, type Person } from './person.js';

export interface MintRequest {
  /** A profile id or any identifier (userId, email, anonymousId). */
  recipient: string;
  /** The email's id (the sender's message id): kept on every email event. */
  messageId: string;
  list?: string;
  links: Array<{ url: string; identify?: boolean }>;
  survey?: string;
  formUrl?: string;
}

export interface MintedLinks {
  recipient: string;
  messageId: string;
  links: Array<{ url: string; href: string }>;
  openPixel: string;
  /** Put it in the email where no person sees it (e.g. a hidden anchor); a click on it marks a machine. */
  honeypot: string;
  formUrl: string | null;
  survey: { id: string; question: { id: string; prompt: string }; answers: Array<{ value: string; label: string; imageUrl?: string; href: string }> } | null;
  unsubscribe: string | null;
  headers: Record<string, string>;
  /**
   * With a list: the person's subscription to it and whether their consent for the list's purpose
   * stands now (send a list email only when it does; `POST /v1/emails/send` refuses otherwise).
   */
  subscription: { list: string; status: 'pending' | 'subscribed' | 'unsubscribed' | null; consented: boolean } | null;
}

export interface MintDeps {
  store: Store;
  signer: LinkSigner;
  settings: LinkSettingsService;
  publicBase: PublicBase;
}

const FIELD_LIMIT = 50;

/** Why a link target cannot be minted (control characters first: they are the reason to fix), or null. */
function targetProblem(url: string, allowedDomains: readonly string[]): string | null {
  return urlTextProblem(url) ?? (isAllowedTarget(url, allowedDomains) ? null : 'must be an http(s) URL on an allowed domain (see PUT /v1/links/settings)');
}

/** Refuses (`public_url_required`) while TESSERA_PUBLIC_URL is not configured: these links go into emails. */
export async function mintEmailLinks(deps: MintDeps, workspaceId: string, request: MintRequest): Promise<MintedLinks & { person: Person }> {
  const issues: FieldIssue[] = [];
  const profileId = await deps.store.profiles.resolve(workspaceId, request.recipient);
  const person = profileId ? await findPerson(deps.store, workspaceId, profileId) : null;
  if (!person) throw new TesseraError('not_found', { message: `No profile is known by "${request.recipient}".`, issues: [{ field: 'recipient', reason: 'is not a known profile id or identifier' }] });
  const { allowedDomains } = await deps.settings.get(workspaceId);
  request.links.forEach((link, i) => {
    const problem = targetProblem(link.url, allowedDomains);
    if (problem) issues.push({ field: `links[${i}].url`, reason: problem });
  });
  const formProblem = request.formUrl === undefined ? null : targetProblem(request.formUrl, allowedDomains);
  if (formProblem) issues.push({ field: 'formUrl', reason: formProblem });
  const list = request.list === undefined ? null : await deps.store.emails.getList(workspaceId, request.list);
  if (request.list !== undefined && !list) issues.push({ field: 'list', reason: 'is not a list of the workspace (see PUT /v1/lists/{id})' });
  const survey = request.survey === undefined ? null : await deps.store.emails.getSurvey(workspaceId, request.survey);
  if (request.survey !== undefined && !survey) issues.push({ field: 'survey', reason: 'is not a survey of the workspace (see PUT /v1/surveys/{id})' });
  if (issues.length > 0) throw new TesseraError('invalid_body', { issues: issues.slice(0, FIELD_LIMIT) });
  const base = emailBase(deps.publicBase);

  const recipient = person.profile.id;
  const email = request.messageId;
  const sign = (purpose: 'click' | 'open' | 'survey' | 'unsubscribe', data: Record<string, string | boolean>) =>
    deps.signer.sign(workspaceId, { purpose, recipient, ttlMs: LINK_TTL_MS[purpose], data: { email, ...data } });
  const click = async (url: string, identify: boolean) => linkUrl(base, 'click', await sign('click', { url, identify }));

  const links = await Promise.all(request.links.map(async (l) => ({ url: l.url, href: await click(l.url, l.identify ?? true) })));
  const openPixel = linkUrl(base, 'open', await sign('open', {}));
  const honeypot = linkUrl(base, 'click', await sign('click', { url: request.links[0]?.url ?? base, honeypot: true, identify: false }));
  const formUrl = request.formUrl === undefined ? null : await click(request.formUrl, true);

  let surveyLinks: MintedLinks['survey'] = null;
  if (survey) {
    const question = firstUnanswered(survey, new Set(Object.keys(person.profile.traits)));
    if (question) {
      surveyLinks = {
        id: survey.id, question: { id: question.id, prompt: question.prompt },
        answers: await Promise.all(question.options.map(async (o) => ({
          value: o.value, label: o.label, ...(o.imageUrl ? { imageUrl: o.imageUrl } : {}),
          href: linkUrl(base, 'survey', await sign('survey', { survey: survey.id, question: question.id, answer: o.value })),
        }))),
      };
    }
  }

  let unsubscribe: string | null = null;
  const headers: Record<string, string> = {};
  let subscription: MintedLinks['subscription'] = null;
  if (list) {
    const current = await deps.store.emails.subscription(workspaceId, list.id, person.ids);
    subscription = { list: list.id, status: current?.status ?? null, consented: person.profile.consent[list.purpose]?.granted === true };
    unsubscribe = linkUrl(base, 'unsubscribe', await sign('unsubscribe', { list: list.id }));
    // RFC 2369 List-Unsubscribe with RFC 8058 one-click: the mailbox provider POSTs
    // `List-Unsubscribe=One-Click` to this URL.
    headers['List-Unsubscribe'] = `<${unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return { person, recipient, messageId: email, links, openPixel, honeypot, formUrl, survey: surveyLinks, unsubscribe, headers, subscription };
}
