/** Validation of the timing vocabulary (timing-policy.ts): caps, "not within", cool-down, quiet hours, sequences. */
import type { FieldIssue } from '../errors.js';
import { DURATION_RULE, parseDuration } from '../segments/duration.js';
import { SLOT_LIMITS } from './slot.js';
import { MAX_CAP, MAX_CAP_WINDOW_MS } from './timing-policy.js';
import { usableZone } from './timing.js';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function onlyKeys(node: Obj, path: string, allowed: readonly string[], issues: FieldIssue[]): void {
  for (const key of Object.keys(node)) if (!allowed.includes(key)) issues.push({ field: path ? `${path}.${key}` : key, reason: `is not a field here; expected one of ${allowed.join(', ')}` });
}

/** Printable text: no control characters (C0, DEL, C1), not blank, bounded. */
export function checkText(v: unknown, path: string, max: number, issues: FieldIssue[]): v is string {
  if (typeof v !== 'string' || v.trim() === '') { issues.push({ field: path, reason: 'must be a non-empty string' }); return false; }
  if (v.length > max) { issues.push({ field: path, reason: `must be at most ${max} characters` }); return false; }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F-\u009F]/.test(v)) { issues.push({ field: path, reason: 'must not contain control characters' }); return false; }
  return true;
}

export function checkWindow(v: unknown, path: string, issues: FieldIssue[], maxMs = MAX_CAP_WINDOW_MS): void {
  const ms = parseDuration(v);
  if (ms === undefined) issues.push({ field: path, reason: DURATION_RULE });
  else if (ms > maxMs) issues.push({ field: path, reason: `must be at most ${Math.round(maxMs / 86_400_000)} days` });
}

export function checkCaps(v: unknown, path: string, issues: FieldIssue[]): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length > SLOT_LIMITS.capsPerScope) { issues.push({ field: path, reason: `must be an array of at most ${SLOT_LIMITS.capsPerScope} caps {max, window}` }); return; }
  v.forEach((cap, i) => {
    const at = `${path}[${i}]`;
    if (!isObj(cap)) { issues.push({ field: at, reason: 'must be an object {max, window}' }); return; }
    onlyKeys(cap, at, ['max', 'window'], issues);
    if (!Number.isInteger(cap.max) || (cap.max as number) < 1 || (cap.max as number) > MAX_CAP) issues.push({ field: `${at}.max`, reason: `must be a whole number from 1 to ${MAX_CAP}` });
    checkWindow(cap.window, `${at}.window`, issues);
  });
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export function checkQuietHours(v: unknown, path: string, issues: FieldIssue[]): void {
  if (v === null || v === undefined) return;
  if (!isObj(v)) { issues.push({ field: path, reason: 'must be an object {from, to} or null' }); return; }
  onlyKeys(v, path, ['from', 'to'], issues);
  for (const f of ['from', 'to'] as const) if (typeof v[f] !== 'string' || !HHMM.test(v[f] as string)) issues.push({ field: `${path}.${f}`, reason: 'must be a local time "HH:MM" (00:00–23:59)' });
  if (typeof v.from === 'string' && v.from === v.to) issues.push({ field: `${path}.to`, reason: 'must differ from from' });
}

export function checkTimeZone(v: unknown, path: string, issues: FieldIssue[]): void {
  if (typeof v !== 'string' || usableZone(v) === undefined) issues.push({ field: path, reason: 'must be an IANA time zone such as "Europe/Berlin"' });
}

export function checkTimingPolicy(v: unknown, path: string, issues: FieldIssue[]): void {
  if (v === undefined) return;
  if (!isObj(v)) { issues.push({ field: path, reason: 'must be an object {caps, notWithin, dismissCooldown, quietHours}' }); return; }
  onlyKeys(v, path, ['caps', 'notWithin', 'dismissCooldown', 'quietHours'], issues);
  checkCaps(v.caps, `${path}.caps`, issues);
  if (v.notWithin !== undefined) {
    if (!Array.isArray(v.notWithin) || v.notWithin.length > SLOT_LIMITS.notWithin) issues.push({ field: `${path}.notWithin`, reason: `must be an array of at most ${SLOT_LIMITS.notWithin} {event, window}` });
    else v.notWithin.forEach((n, i) => {
      const at = `${path}.notWithin[${i}]`;
      if (!isObj(n)) { issues.push({ field: at, reason: 'must be an object {event, window}' }); return; }
      onlyKeys(n, at, ['event', 'window'], issues);
      checkText(n.event, `${at}.event`, 200, issues);
      checkWindow(n.window, `${at}.window`, issues);
    });
  }
  if (v.dismissCooldown !== undefined) checkWindow(v.dismissCooldown, `${path}.dismissCooldown`, issues);
  checkQuietHours(v.quietHours, `${path}.quietHours`, issues);
}

/** A rule's sequence; `variantIds` are the slot's. */
export function checkSequence(v: unknown, path: string, variantIds: ReadonlySet<string>, issues: FieldIssue[]): void {
  if (!isObj(v)) { issues.push({ field: path, reason: 'must be an object {steps, conversion, within}' }); return; }
  onlyKeys(v, path, ['steps', 'conversion', 'within'], issues);
  if (!Array.isArray(v.steps) || v.steps.length < 2 || v.steps.length > SLOT_LIMITS.sequenceSteps) issues.push({ field: `${path}.steps`, reason: `must be an array of 2 to ${SLOT_LIMITS.sequenceSteps} variant ids, in order` });
  else {
    const seen = new Set<unknown>();
    v.steps.forEach((s, i) => {
      if (typeof s !== 'string' || !variantIds.has(s)) issues.push({ field: `${path}.steps[${i}]`, reason: 'must be the id of a variant of this slot' });
      else if (seen.has(s)) issues.push({ field: `${path}.steps[${i}]`, reason: 'repeats an earlier step' });
      seen.add(s);
    });
  }
  checkText(v.conversion, `${path}.conversion`, 200, issues);
  checkWindow(v.within, `${path}.within`, issues, 3660 * 86_400_000);
}
