/** Validation of a workspace's decision settings (decision-settings.ts); partial input completes from `base`. */
import type { FieldIssue } from '../errors.js';
import { DEFAULT_DECISION_SETTINGS, SALUTATION_STYLES, type DecisionSettings } from './decision-settings.js';
import { isDepth } from './depth.js';
import { LOCALES } from './locale.js';
import { checkCaps, checkQuietHours, checkTimeZone, isObj, onlyKeys } from './validate-timing.js';
import { checkId } from './validate-variant.js';
import { urlTextProblem } from '../safe-url.js';

export type ValidatedSettings = { ok: true; settings: DecisionSettings } | { ok: false; issues: FieldIssue[] };

export function validateDecisionSettings(input: unknown, base: DecisionSettings = DEFAULT_DECISION_SETTINGS): ValidatedSettings {
  if (!isObj(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be an object of decision settings' }] };
  const s = { ...base, ...input } as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  onlyKeys(s, '', Object.keys(DEFAULT_DECISION_SETTINGS), issues);
  if (!isDepth(s.depthCeiling)) issues.push({ field: 'depthCeiling', reason: 'must be one of none, contextual, segment, persona, individual' });
  if (!(SALUTATION_STYLES as readonly unknown[]).includes(s.salutation)) issues.push({ field: 'salutation', reason: 'must be "formal" or "informal"' });
  if (!Number.isInteger(s.minSegmentSize) || (s.minSegmentSize as number) < 1 || (s.minSegmentSize as number) > 1_000_000) issues.push({ field: 'minSegmentSize', reason: 'must be a whole number from 1 to 1000000' });
  checkTimeZone(s.timezone, 'timezone', issues);
  if (!(LOCALES as readonly unknown[]).includes(s.defaultLocale)) issues.push({ field: 'defaultLocale', reason: `must be one of ${LOCALES.join(', ')}` });
  checkCaps(s.globalCaps, 'globalCaps', issues);
  if (!Array.isArray(s.globalCaps)) issues.push({ field: 'globalCaps', reason: 'must be an array of caps {max, window}' });
  if (!isObj(s.tagCaps) || Object.keys(s.tagCaps).length > 100) issues.push({ field: 'tagCaps', reason: 'must be an object of at most 100 tags → caps' });
  else for (const [tag, caps] of Object.entries(s.tagCaps)) {
    if (checkId(tag, `tagCaps.${tag}`, issues) && tag !== tag.toLowerCase()) issues.push({ field: `tagCaps.${tag}`, reason: 'tags are lower case' });
    if (!Array.isArray(caps)) issues.push({ field: `tagCaps.${tag}`, reason: 'must be an array of caps {max, window}' });
    else checkCaps(caps, `tagCaps.${tag}`, issues);
  }
  checkQuietHours(s.quietHours, 'quietHours', issues);
  if (s.privacyUrl !== null) {
    const problem = typeof s.privacyUrl === 'string' && s.privacyUrl.length <= 2000 ? urlTextProblem(s.privacyUrl) ?? (/^https?:\/\/[^/]/i.test(s.privacyUrl) && URL.canParse(s.privacyUrl) ? null : 'must be an absolute http(s) URL') : 'must be an absolute http(s) URL of at most 2000 characters, or null';
    if (problem) issues.push({ field: 'privacyUrl', reason: problem });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, settings: s as unknown as DecisionSettings };
}
