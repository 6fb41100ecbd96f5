/**
 * The small HTML pages people see after following an email link (survey answer, unsubscribe,
 * opt-in confirmation, a bad or expired link). Plain, readable, accessible, in the person's
 * language where it matters least to get wrong (English only for now).
 *
 * Safety, for pages reached from an email: every value is HTML-escaped; the Content Security
 * Policy allows no script but the one inline script with this response's nonce (the one-click
 * auto-submit), no frames, and forms that post only back to Tessera; the token never leaks
 * through a Referer (no-referrer); nothing is cached or indexed. A page never shows a stack, a
 * JSON error or anything read from a token that failed verification.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PageOptions {
  status?: number;
  title: string;
  /** Trusted HTML: build it with escapeHtml for every value. */
  body: string;
  /** An inline script (trusted), allowed by this response's nonce. */
  script?: string;
  /** The page's language (default en). */
  lang?: 'en' | 'de';
}

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa;margin:0;padding:2rem 1rem}
main{max-width:32rem;margin:0 auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:1.25rem 0 .5rem}p{margin:0 0 1rem}
button,.button{font:inherit;background:#2456c7;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;cursor:pointer;text-decoration:none;display:inline-block;margin:.25rem .25rem .25rem 0}
button.secondary{background:#e4e7eb;color:#1f2933}button:focus-visible,.button:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
form.inline{display:inline}.muted{color:#616e7c;font-size:.9rem}`;

export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="${options.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head>
<body><main>${options.body}</main>${options.script ? `<script nonce="${nonce}">${options.script}</script>` : ''}</body></html>`;
  return reply
    .code(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; script-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`)
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/** Why a link did not work, in words for the person (never the internal reason). */
export type LinkProblem = 'invalid' | 'expired' | 'gone' | 'not_allowed';

const PROBLEMS: Record<LinkProblem, { status: number; title: string; text: string }> = {
  invalid: { status: 400, title: 'This link does not work', text: 'The link may have been cut off or changed when it was copied. Please use the link from the email again, or copy the whole address.' },
  expired: { status: 410, title: 'This link has expired', text: 'Links in our emails stop working after a while, to keep your data safe. A newer email from us will have a link that works.' },
  gone: { status: 404, title: 'This link is no longer available', text: 'What this link pointed to no longer exists.' },
  not_allowed: { status: 403, title: 'This link cannot be followed', text: 'The address this link points to is not one we send people to. If you expected a page here, please contact the sender of the email.' },
};

export function sendLinkProblem(reply: FastifyReply, problem: LinkProblem): FastifyReply {
  const p = PROBLEMS[problem];
  return sendPage(reply, { status: p.status, title: p.title, body: `<h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.text)}</p>` });
}
