/**
 * Bodies of the session and user routes, checked field by field: every failing field is named
 * (core/access/sign-in-policy.ts has the rules), unknown fields are refused, nothing is changed
 * silently (a name is not trimmed into another name; an e-mail is only lower-cased).
 */
import { isRole, ROLES, type Role } from '../core/access/roles.js';
import { emailIssues, nameIssues, passwordIssues } from '../core/access/sign-in-policy.js';
import { TesseraError, type FieldIssue } from '../core/errors.js';

type Check = (field: string, value: unknown, body: Record<string, unknown>) => FieldIssue[];

const tokenIssues: Check = (field, value) => (typeof value === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? [] : [{ field, reason: 'must be the token of the link (letters, digits, - and _)' }]);
const roleIssues: Check = (field, value) => (isRole(value) ? [] : [{ field, reason: `must be one of ${ROLES.join(', ')}` }]);
const booleanIssues: Check = (field, value) => (typeof value === 'boolean' ? [] : [{ field, reason: 'must be true or false' }]);
/** A password being checked, not set: only its type and size (old passwords may predate the rules). */
const givenPassword: Check = (field, value) => (typeof value !== 'string' || value.length === 0 ? [{ field, reason: 'must be a non-empty string' }] : value.length > 256 ? [{ field, reason: 'must be at most 256 characters' }] : []);
const newPassword = (emailField?: string): Check => (field, value, body) => passwordIssues(field, value, emailField && typeof body[emailField] === 'string' ? body[emailField] : undefined);

const CHECKS = {
  email: emailIssues, name: nameIssues, role: roleIssues, disabled: booleanIssues, token: tokenIssues,
  password: givenPassword, currentPassword: givenPassword,
};

function parse<T>(body: unknown, required: Record<string, Check>, optional: Record<string, Check> = {}, atLeastOne = false): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object' }] });
  const b = body as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const [field, check] of Object.entries(required)) {
    if (b[field] === undefined) issues.push({ field, reason: 'is required' });
    else issues.push(...check(field, b[field], b));
  }
  for (const [field, check] of Object.entries(optional)) if (b[field] !== undefined) issues.push(...check(field, b[field], b));
  for (const field of Object.keys(b)) if (!(field in required) && !(field in optional)) issues.push({ field, reason: 'is not a known field' });
  if (atLeastOne && !Object.keys(optional).some((f) => b[f] !== undefined)) issues.push({ field: 'body', reason: `give at least one of ${Object.keys(optional).join(', ')}` });
  if (issues.length) throw new TesseraError('invalid_body', { issues });
  return b as T;
}

export const parseSignIn = (body: unknown) => parse<{ email: string; password: string }>(body, { email: emailIssues, password: CHECKS.password });
export const parseWelcome = (body: unknown) => parse<{ token: string; email: string; name: string; password: string }>(body, { token: tokenIssues, email: emailIssues, name: nameIssues, password: newPassword('email') });
export const parseSetPassword = (body: unknown) => parse<{ token: string; password: string }>(body, { token: tokenIssues, password: newPassword() });
export const parseOwnPassword = (body: unknown) => parse<{ currentPassword: string; newPassword: string }>(body, { currentPassword: givenPassword, newPassword: newPassword() });
export const parseNewUser = (body: unknown) => parse<{ email: string; name: string; role: Role; password?: string }>(body, { email: emailIssues, name: nameIssues, role: roleIssues }, { password: newPassword('email') });
export const parseUserPatch = (body: unknown) => parse<{ name?: string; role?: Role; disabled?: boolean }>(body, {}, { name: nameIssues, role: roleIssues, disabled: booleanIssues }, true);
