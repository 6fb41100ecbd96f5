/**
 * Text that ends up in an email header (a subject, a list name in the confirmation subject, the
 * message id in `X-Tessera-Message-Id`) is one line of printable text. The mail library folds a
 * CR/LF into a space rather than letting it start a new header, which silently changes the value;
 * refused instead, naming the field (C0 controls, DEL and C1 controls, as in core/safe-url.ts).
 */
import { z } from 'zod';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A string of `min`–`max` characters without control characters (tab, CR, LF, NUL…). */
export function singleLineText(min: number, max: number) {
  return z.string().min(min).max(max).refine((value) => !CONTROL.test(value), 'must be one line without control characters (tab, CR, LF, NUL…)');
}
