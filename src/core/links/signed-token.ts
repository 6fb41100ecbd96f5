/**
 * Signed tokens for links Tessera puts in emails and hands to browsers (identify on arrival, survey
 * answers, open pixel, click redirect, unsubscribe, opt-in confirmation, pre-fill recognition).
 *
 * Strategy:
 * - A token is `<payload>.<keyId>.<mac>`: the payload is base64url JSON of the claims, the MAC is
 *   HMAC-SHA-256 over `tsr1.<keyId>.<payload>` with the workspace's signing key of that id. The key
 *   id lets keys rotate: new tokens use the newest key, old links keep verifying while their key is
 *   not retired.
 * - Every token names one purpose and one workspace; verification is always for an expected
 *   purpose and workspace, so a token minted for an open pixel is useless as an unsubscribe or a
 *   pre-fill token. Every token expires. How long, and which kinds are single-use: the threat model
 *   in links/link-lifetimes.ts.
 * - Verification never throws on input from outside; it answers why a token is not trusted, so that
 *   the caller can show a friendly page (and never trusts the claims of a failed token).
 * - Claims are signed, not encrypted: they carry pseudonymous ids (profile ids), never an email
 *   address or a name.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JsonObject } from '../events/event.js';
import type { EpochMs } from '../time.js';

export const TOKEN_PURPOSES = ['identify', 'survey', 'open', 'click', 'unsubscribe', 'optin', 'prefill'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export interface TokenClaims {
  purpose: TokenPurpose;
  workspaceId: string;
  /** The recipient: a profile id (pseudonymous). */
  recipient: string;
  /** A unique id of this token (for logs, single-use bookkeeping and evidence). */
  id: string;
  issuedAt: EpochMs;
  expiresAt: EpochMs;
  /** Purpose-specific data: a target URL, a survey and answer, a list, an email message id … */
  data?: JsonObject;
}

export interface SigningKey {
  id: string;
  secret: Buffer;
}

export type TokenRejection = 'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_purpose' | 'wrong_workspace' | 'expired';

export type VerifiedToken = { ok: true; claims: TokenClaims; keyId: string } | { ok: false; reason: TokenRejection };

const VERSION = 'tsr1';
const MAX_TOKEN_LENGTH = 4096;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function signToken(claims: TokenClaims, key: SigningKey): string {
  if (!KEY_ID.test(key.id)) throw new Error(`invalid signing key id ${JSON.stringify(key.id)}`);
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${key.id}.${mac(key.secret, key.id, payload)}`;
}

export interface VerifyOptions {
  purpose: TokenPurpose;
  workspaceId: string;
  now: EpochMs;
  /** The workspace's keys that still verify (retired keys absent), by id. */
  keys: ReadonlyMap<string, Buffer>;
}

export function verifyToken(token: unknown, options: VerifyOptions): VerifiedToken {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [payload, keyId, signature] = parts as [string, string, string];
  if (!KEY_ID.test(keyId) || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const secret = options.keys.get(keyId);
  if (!secret) return { ok: false, reason: 'unknown_key' };
  // The MAC's text is compared, not its decoded bytes: the last of 43 base64url characters carries
  // two unused bits, so decoding would accept four spellings of one signature (one token, four strings).
  const expected = Buffer.from(mac(secret, keyId, payload), 'ascii');
  const given = Buffer.from(signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  const claims = parseClaims(payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.purpose !== options.purpose) return { ok: false, reason: 'wrong_purpose' };
  if (claims.workspaceId !== options.workspaceId) return { ok: false, reason: 'wrong_workspace' };
  if (!(options.now < claims.expiresAt)) return { ok: false, reason: 'expired' };
  return { ok: true, claims, keyId };
}

/**
 * The claims of a token WITHOUT verifying it: only to find which workspace's keys to verify it with
 * (a link arrives without a write key). Never trust anything else read this way.
 */
export function unverifiedWorkspaceId(token: unknown): string | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const payload = token.split('.')[0];
  if (!payload || !/^[A-Za-z0-9_-]+$/.test(payload)) return null;
  return parseClaims(payload)?.workspaceId ?? null;
}

function mac(secret: Buffer, keyId: string, payload: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${keyId}.${payload}`).digest('base64url');
}

function parseClaims(payload: string): TokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const c = value as Record<string, unknown>;
  if (!(TOKEN_PURPOSES as readonly unknown[]).includes(c.purpose)) return null;
  if (typeof c.workspaceId !== 'string' || typeof c.recipient !== 'string' || typeof c.id !== 'string') return null;
  if (!Number.isFinite(c.issuedAt) || !Number.isFinite(c.expiresAt)) return null;
  if (c.data !== undefined && (typeof c.data !== 'object' || c.data === null || Array.isArray(c.data))) return null;
  return {
    purpose: c.purpose as TokenPurpose, workspaceId: c.workspaceId, recipient: c.recipient, id: c.id,
    issuedAt: c.issuedAt as number, expiresAt: c.expiresAt as number,
    ...(c.data !== undefined ? { data: c.data as JsonObject } : {}),
  };
}
