/**
 * The emails Tessera writes itself: the double opt-in confirmation, and the simple email of
 * `POST /v1/emails/send` (links, a survey question with its answer links, the open pixel, the
 * hidden honeypot link, an unsubscribe footer). Plain, accessible HTML with a text alternative;
 * every value is escaped.
 */
import type { EmailList } from '../core/links/email-list.js';
import type { MintedLinks } from './mint-links.js';

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function confirmationMail(list: EmailList, confirmUrl: string, ttlMs: number): { subject: string; html: string; text: string } {
  const days = Math.round(ttlMs / 86_400_000);
  const subject = `Please confirm your subscription to ${list.name}`;
  const text = [
    `Please confirm that you want to receive "${list.name}".`,
    '',
    `Confirm: ${confirmUrl}`,
    '',
    `The link works for ${days} days. If you did not ask for this, ignore this email: you will not be subscribed.`,
  ].join('\n');
  const html = `<p>Please confirm that you want to receive <strong>${esc(list.name)}</strong>.</p>
<p><a href="${esc(confirmUrl)}">Confirm my subscription</a></p>
<p style="color:#616e7c;font-size:13px">The link works for ${days} days. If you did not ask for this, ignore this email: you will not be subscribed.</p>`;
  return { subject, html, text };
}

export interface SimpleMail {
  subject: string;
  /** Paragraphs of plain text, shown before the links. */
  intro: string;
  /** Labels for the links, by index (default: the URL). */
  labels: string[];
}

export function linksMail(mail: SimpleMail, minted: MintedLinks): { subject: string; html: string; text: string } {
  const label = (i: number, url: string) => mail.labels[i] ?? url;
  const parts: string[] = [`<p>${esc(mail.intro).replace(/\n/g, '<br>')}</p>`];
  const text: string[] = [mail.intro, ''];
  if (minted.links.length > 0) {
    parts.push('<ul>', ...minted.links.map((l, i) => `<li><a href="${esc(l.href)}">${esc(label(i, l.url))}</a></li>`), '</ul>');
    text.push(...minted.links.map((l, i) => `${label(i, l.url)}: ${l.href}`), '');
  }
  if (minted.formUrl) {
    parts.push(`<p><a href="${esc(minted.formUrl)}">Tell us a little more</a></p>`);
    text.push(`Tell us a little more: ${minted.formUrl}`, '');
  }
  if (minted.survey) {
    parts.push(`<p><strong>${esc(minted.survey.question.prompt)}</strong></p><p>`,
      ...minted.survey.answers.map((a) => `<a href="${esc(a.href)}" style="display:inline-block;margin:4px 8px 4px 0">${a.imageUrl ? `<img src="${esc(a.imageUrl)}" alt="${esc(a.label)}" height="40"><br>` : ''}${esc(a.label)}</a>`), '</p>');
    text.push(minted.survey.question.prompt, ...minted.survey.answers.map((a) => `- ${a.label}: ${a.href}`), '');
  }
  // A link no person sees (hidden), for the machine verdict; and the open pixel.
  parts.push(`<div style="display:none;max-height:0;overflow:hidden" aria-hidden="true"><a href="${esc(minted.honeypot)}" tabindex="-1">&#8203;</a></div>`);
  parts.push(`<img src="${esc(minted.openPixel)}" width="1" height="1" alt="" style="display:block;border:0">`);
  if (minted.unsubscribe) {
    parts.push(`<p style="color:#616e7c;font-size:13px"><a href="${esc(minted.unsubscribe)}">Unsubscribe</a></p>`);
    text.push(`Unsubscribe: ${minted.unsubscribe}`);
  }
  return { subject: mail.subject, html: parts.join('\n'), text: text.join('\n') };
}
