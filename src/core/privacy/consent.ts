/**
 * Consent (GDPR Art. 7: the controller must be able to demonstrate consent). Every change is an
 * append-only ledger entry: which purposes were granted or withdrawn, when, through which channel,
 * the exact wording shown (version and SHA-256 of the text), the evidence (e.g. the double-opt-in
 * confirmation) and pseudonymised request metadata. A profile's current state per purpose is the
 * fold of its entries; per purpose the latest decision wins, so a withdrawal on one device after a
 * grant on another stands after the two profiles merge. At the same instant a withdrawal wins.
 */
import type { JsonObject } from '../events/event.js';
import type { EpochMs } from '../time.js';

/** `email_link`: an unsubscribe link or RFC 8058 one-click POST from an email (issue 6). */
export const CONSENT_CHANNELS = ['banner', 'form', 'email_confirmation', 'email_link', 'api', 'gpc', 'import'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface ConsentWording {
  version: string;
  /** SHA-256 (hex) of the exact text shown. */
  hash: string;
  /** The text itself, when the client sent it. */
  text?: string;
  /**
   * Set by the server (never by a client) when the text is the workspace's own published wording
   * (a Tessera form's consent field, an email list's confirmation text): only then is the text
   * kept once per hash for every record that shows it (`consent_wordings`). Any other text — a
   * banner may send whatever it showed, names included — is kept on the person's own consent
   * record, so that their export shows it and their erasure removes it.
   */
  published?: true;
}

/** One ledger entry. */
export interface ConsentRecord {
  workspaceId: string;
  profileId: string;
  /** The timeline event that carried it. */
  messageId: string;
  purposes: Record<string, boolean>;
  channel: ConsentChannel;
  wording: ConsentWording | null;
  evidence: JsonObject;
  /** Pseudonymised request metadata (truncated IP, reduced user agent, origin). */
  request: JsonObject;
  at: EpochMs;
  receivedAt: EpochMs;
}

export interface PurposeConsent {
  granted: boolean;
  at: EpochMs;
  channel: ConsentChannel;
  messageId: string;
}

/** Current consent per purpose; a purpose never decided on is absent (not granted). */
export type ConsentState = Record<string, PurposeConsent>;

/** The state after a change; a decision older than the one held for a purpose does not replace it. */
export function applyConsent(state: ConsentState, change: Pick<ConsentRecord, 'purposes' | 'channel' | 'messageId' | 'at'>): ConsentState {
  const next: ConsentState = { ...state };
  for (const [purpose, granted] of Object.entries(change.purposes)) {
    const held = Object.hasOwn(state, purpose) ? state[purpose] : undefined;
    const decision: PurposeConsent = { granted, at: change.at, channel: change.channel, messageId: change.messageId };
    if (!held || supersedes(decision, held)) setOwn(next, purpose, decision);
  }
  return next;
}

export function mergeConsent(a: ConsentState, b: ConsentState): ConsentState {
  const merged: ConsentState = { ...a };
  for (const [purpose, decision] of Object.entries(b)) {
    const held = Object.hasOwn(a, purpose) ? a[purpose] : undefined;
    if (!held || supersedes(decision, held)) setOwn(merged, purpose, decision);
  }
  return merged;
}

/**
 * Whether `candidate` replaces `held`: the later decision wins. At the same instant a withdrawal
 * beats a grant (Art. 7(3); when in doubt, no consent), then the larger messageId wins. This is a
 * total order, so the state does not depend on the order ledger entries are applied in nor on the
 * direction of a merge (without it, a tie would go to whichever profile a merge kept).
 */
function supersedes(candidate: PurposeConsent, held: PurposeConsent): boolean {
  if (candidate.at !== held.at) return candidate.at > held.at;
  if (candidate.granted !== held.granted) return !candidate.granted;
  return candidate.messageId > held.messageId;
}

/** A purpose named `__proto__` must stay an entry: plain assignment would set the prototype. */
function setOwn(state: ConsentState, purpose: string, decision: PurposeConsent): void {
  Object.defineProperty(state, purpose, { value: decision, writable: true, enumerable: true, configurable: true });
}

export function isGranted(state: ConsentState, purpose: string): boolean {
  return Object.hasOwn(state, purpose) && state[purpose]!.granted;
}
