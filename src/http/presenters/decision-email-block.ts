/**
 * The HTML block an email platform pastes per recipient (GET /v1/decide/email): one element per
 * slot, `data-tessera-slot` and `data-tessera-decision` on it, the variant's title, body and link.
 * Links carry `tsr_decision=<decisionId>` so that the click (Tessera's own email links, or the
 * tracker on the landing page) attributes to the decision. A text variant is escaped; an HTML
 * variant is the admin's own markup (its placeholders were escaped when rendered, template.ts).
 */
import type { PublicDecision } from '../../decisions/decide-for-visitor.js';
import { escapeHtml } from '../pages/link-page.js';

export const DECISION_PARAM = 'tsr_decision';

/** `url` with `tsr_decision` added (http(s) URLs only; anything else is left alone). */
export function withDecision(url: string, decisionId: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    u.searchParams.set(DECISION_PARAM, decisionId);
    return u.toString();
  } catch {
    return url;
  }
}

/** Absolute http(s) hrefs of the admin's HTML get the decision too. */
const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']*)\2/gi;

function body(d: PublicDecision): string {
  const { variant } = d;
  if (variant.format === 'html') return variant.body.replace(HREF, (_m, start: string, quote: string, url: string) => `${start}${quote}${escapeHtml(withDecision(url.replace(/&amp;/g, '&'), d.decisionId))}${quote}`);
  return escapeHtml(variant.body).replace(/\n/g, '<br>');
}

export function decisionEmailBlock(d: PublicDecision): string {
  const { variant } = d;
  const parts = [
    variant.title ? `<h2>${escapeHtml(variant.title)}</h2>` : '',
    variant.imageUrl ? `<img src="${escapeHtml(variant.imageUrl)}" alt="">` : '',
    `<div>${body(d)}</div>`,
    variant.linkUrl ? `<p><a href="${escapeHtml(withDecision(variant.linkUrl, d.decisionId))}">${escapeHtml(variant.title ?? variant.linkUrl)}</a></p>` : '',
  ];
  return `<div data-tessera-slot="${escapeHtml(d.slot)}" data-tessera-decision="${escapeHtml(d.decisionId)}" data-tessera-variant="${escapeHtml(variant.id)}">${parts.join('')}</div>`;
}
