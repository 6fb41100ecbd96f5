/**
 * The decisionId: an unguessable, expiring, self-contained name for one decision, made without a
 * store write per decide. `/why/{decisionId}`, `Slot Viewed`/`Slot Clicked` and `Email Link
 * Clicked` carry it; whoever holds it learns nothing but what the page at /why shows.
 *
 * Format: `dcs_<workspace>.<keyId>.<sealed>` where
 * - `<workspace>` is the workspace id, base64url (clear: it chooses the keys, as the email-link
 *   tokens' payload does — core/links/signed-token.ts);
 * - `<keyId>` names the workspace's link-signing key (links/link-signer.ts): keys rotate, and a
 *   retired key makes its decision ids unknown;
 * - `<sealed>` is AES-256-GCM (authenticated encryption; NIST SP 800-38D) of the claims, with a
 *   96-bit random nonce, the associated data `dcs1.<workspace>.<keyId>`, under a key derived from
 *   the signing key with HKDF-SHA-256 (RFC 5869, info "tessera decision id v1"), so the HMAC key of
 *   the links is never used directly for another algorithm.
 * The claims are encrypted, not only signed: they name the person's profile (needed to record a
 * withdrawal from /why) and the rule that fired, neither of which an event property or a URL
 * should show. A tampered, truncated, foreign-key or expired id is unknown (`null`), never an
 * exception. Pure: the caller passes the key, the nonce and the time.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import type { LocalizedText } from './locale.js';
import type { DataKind } from './data-kinds.js';
import { RECOGNITION_LEVELS, type Recognition } from './decision-context.js';
import { isDepth, type Depth } from './depth.js';
import type { EpochMs } from '../time.js';

export const DECISION_ID_PREFIX = 'dcs_';
/** How long a decision id names its decision (the contract's default). */
export const DECISION_ID_TTL_MS = 30 * 24 * 3600_000;
const VERSION = 'dcs1';
const MAX_LENGTH = 4096;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const B64 = /^[A-Za-z0-9_-]+$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What the explanation was built from, compact (explain.ts rebuilds the text in any locale). */
export type DecisionReason =
  | { kind: 'rule'; ruleId: string }
  | { kind: 'interest'; category: string }
  | { kind: 'custom'; text: LocalizedText; dataKinds: DataKind[] }
  /**
   * The visitor's arm of the slot's experiment; `unit` is the id that was hashed (anonymous id or user id), so
   * the exposure (`Slot Viewed`) records exactly this assignment (experiments/record-slot-exposures.ts).
   */
  | { kind: 'experiment'; experiment: string; variation: string; unit: string }
  | { kind: 'default' };

export interface DecisionClaims {
  workspaceId: string;
  slotId: string;
  slotVersion: number;
  variantId: string;
  /** The rule that fired, the strategy kind, or `default`. */
  ruleId: string;
  depth: Depth;
  /** The explanation's language when decided. */
  locale: string;
  channel: 'web' | 'email';
  recognition: Recognition;
  reason: DecisionReason;
  /** The person's profile (live when decided); null for a visitor without a profile. */
  profileId: string | null;
  issuedAt: EpochMs;
  expiresAt: EpochMs;
}

export interface SealingKey {
  id: string;
  secret: Buffer;
}

const derived = new WeakMap<Buffer, Buffer>();
function aesKey(secret: Buffer): Buffer {
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tessera decision id v1', 32));
    derived.set(secret, key);
  }
  return key;
}

/** A form token bound to one decision id (the "general content" form of /why): HKDF-separated from the id's own key. */
export function decisionFormToken(decisionId: string, secret: Buffer): string {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tessera decision form v1', 32));
  return createHmac('sha256', key).update(decisionId, 'utf8').digest('base64url');
}

export function sealDecisionId(claims: DecisionClaims, key: SealingKey, nonce: Buffer): string {
  if (!KEY_ID.test(key.id)) throw new Error(`invalid key id ${JSON.stringify(key.id)}`);
  if (nonce.length !== NONCE_BYTES) throw new Error(`a decision id needs a ${NONCE_BYTES}-byte nonce`);
  const workspace = Buffer.from(claims.workspaceId, 'utf8').toString('base64url');
  const plain = Buffer.from(JSON.stringify([
    claims.slotId, claims.slotVersion, claims.variantId, claims.ruleId, claims.depth, claims.locale, claims.channel,
    claims.recognition, reasonOut(claims.reason), claims.profileId, claims.issuedAt, claims.expiresAt,
  ]), 'utf8');
  const cipher = createCipheriv('aes-256-gcm', aesKey(key.secret), nonce);
  cipher.setAAD(Buffer.from(`${VERSION}.${workspace}.${key.id}`, 'utf8'));
  const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${DECISION_ID_PREFIX}${workspace}.${key.id}.${sealed.toString('base64url')}`;
}

/** The parts of an id before opening it: which workspace's key to open it with. Null when malformed. */
export function decisionIdParts(token: unknown): { workspaceId: string; keyId: string } | null {
  if (typeof token !== 'string' || token.length > MAX_LENGTH || !token.startsWith(DECISION_ID_PREFIX)) return null;
  const parts = token.slice(DECISION_ID_PREFIX.length).split('.');
  if (parts.length !== 3) return null;
  const [workspace, keyId, sealed] = parts as [string, string, string];
  if (!B64.test(workspace) || !KEY_ID.test(keyId) || !B64.test(sealed)) return null;
  const workspaceId = Buffer.from(workspace, 'base64url').toString('utf8');
  if (workspaceId === '' || Buffer.from(workspaceId, 'utf8').toString('base64url') !== workspace) return null;
  return { workspaceId, keyId };
}

/** The claims of a decision id sealed with `secret`, or null (malformed, tampered, another key, expired). */
export function openDecisionId(token: unknown, options: { secret: Buffer; now: EpochMs }): DecisionClaims | null {
  const parts = decisionIdParts(token);
  if (!parts) return null;
  const [workspace, keyId, sealedText] = (token as string).slice(DECISION_ID_PREFIX.length).split('.') as [string, string, string];
  const sealed = Buffer.from(sealedText, 'base64url');
  if (sealed.length < NONCE_BYTES + TAG_BYTES + 2 || sealed.toString('base64url') !== sealedText) return null;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(options.secret), sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(`${VERSION}.${workspace}.${keyId}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
  const claims = claimsOf(parts.workspaceId, plain);
  if (!claims || !(options.now < claims.expiresAt)) return null;
  return claims;
}

type ReasonOut = [string, ...unknown[]];
function reasonOut(r: DecisionReason): ReasonOut {
  switch (r.kind) {
    case 'rule': return ['r', r.ruleId];
    case 'interest': return ['i', r.category];
    case 'custom': return ['c', r.text, r.dataKinds];
    case 'experiment': return ['x', r.experiment, r.variation, r.unit];
    case 'default': return ['d'];
  }
}

function reasonIn(v: unknown): DecisionReason | null {
  if (!Array.isArray(v)) return null;
  if (v[0] === 'r' && typeof v[1] === 'string') return { kind: 'rule', ruleId: v[1] };
  if (v[0] === 'i' && typeof v[1] === 'string') return { kind: 'interest', category: v[1] };
  if (v[0] === 'c' && typeof v[1] === 'object' && v[1] !== null && Array.isArray(v[2])) return { kind: 'custom', text: v[1] as LocalizedText, dataKinds: v[2] as DataKind[] };
  if (v[0] === 'x' && typeof v[1] === 'string' && typeof v[2] === 'string' && typeof v[3] === 'string') return { kind: 'experiment', experiment: v[1], variation: v[2], unit: v[3] };
  if (v[0] === 'd') return { kind: 'default' };
  return null;
}

/** Sealed by us, so well-formed unless the format changed; checked anyway (a wrong shape is unknown). */
function claimsOf(workspaceId: string, plain: Buffer): DecisionClaims | null {
  let v: unknown;
  try {
    v = JSON.parse(plain.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 12) return null;
  const [slotId, slotVersion, variantId, ruleId, depth, locale, channel, recognition, reason, profileId, issuedAt, expiresAt] = v as unknown[];
  const r = reasonIn(reason);
  if (typeof slotId !== 'string' || !Number.isInteger(slotVersion) || typeof variantId !== 'string' || typeof ruleId !== 'string' || !isDepth(depth)
    || typeof locale !== 'string' || (channel !== 'web' && channel !== 'email') || !(RECOGNITION_LEVELS as readonly unknown[]).includes(recognition)
    || !r || (profileId !== null && typeof profileId !== 'string') || !Number.isFinite(issuedAt) || !Number.isFinite(expiresAt)) return null;
  return {
    workspaceId, slotId, slotVersion: slotVersion as number, variantId, ruleId, depth, locale, channel, recognition: recognition as Recognition,
    reason: r, profileId: profileId as string | null, issuedAt: issuedAt as number, expiresAt: expiresAt as number,
  };
}
