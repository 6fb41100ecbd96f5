/**
 * URLs Tessera stores to send people to (email-link targets, survey and form redirects, survey
 * images) must not carry control characters. The WHATWG URL parser silently drops tabs and line
 * breaks (`https://a.example/x\r\ny` parses as `/xy`), so a URL that "parses" can still hold a CR/LF
 * that breaks a `Location` header or smuggles one into whatever reads the raw text. Refused, never
 * cleaned: a stored URL is exactly what the admin sent.
 *
 * Refused: C0 controls U+0000–U+001F (tab, CR, LF, NUL…), DEL U+007F and C1 controls
 * U+0080–U+009F, raw or percent-encoded (`%0d`, `%7F`, `%C2%85`): a target is handed to other
 * systems that may decode it before putting it in a header of their own.
 */
import { z } from 'zod';

const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// %00–%1F, %7F, and the UTF-8 encodings of U+0080–U+009F (%C2%80–%C2%9F).
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f|c2%[89][0-9a-f])/i;

/** Why this URL text is refused, as a field reason; null when it has no control character. */
export function urlTextProblem(raw: string): string | null {
  const rawMatch = RAW_CONTROL.exec(raw);
  if (rawMatch) {
    const code = rawMatch[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (found U+${code} at position ${rawMatch.index})`;
  }
  const encoded = ENCODED_CONTROL.exec(raw);
  if (encoded) return `must not contain percent-encoded control characters (found ${encoded[0]} at position ${encoded.index})`;
  // The URL parser drops surrounding spaces too: refused rather than silently changed.
  if (raw !== raw.trim()) return 'must not start or end with whitespace';
  return null;
}

/** Whether the text is an absolute http(s) URL with a host, written with `//` (`http:host` is a slip). */
function isHttpUrl(raw: string): boolean {
  if (!/^https?:\/\//i.test(raw)) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * An absolute http(s) URL of at most `max` characters, without control characters, kept exactly
 * as written. (Zod's own `z.url()` silently strips tabs, line breaks and surrounding spaces from
 * the value it returns, so the checks run on the raw string instead.)
 */
export function httpUrlSchema(max: number, message = 'must be an absolute http(s) URL') {
  return z.string().max(max).superRefine((value, ctx) => {
    const problem = urlTextProblem(value) ?? (isHttpUrl(value) ? null : message);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
