/**
 * Single-use link tokens (the threat model: link-lifetimes.ts). The first use of a token binds it
 * to its holder, the device's anonymous id, and records what it produced; afterwards:
 * - the same holder (a reload, a second tab, a retry after an error) is a `repeat`: the caller
 *   answers from the recorded outcome and must cause no new effect (no other device linked);
 * - anyone else is `refused`, and the refusal is written to the audit log with the person as its
 *   subject, so that the person's audit trail shows the attempt.
 * Concurrent first uses from two devices: the store lets exactly one of them be first.
 */
import type { JsonObject } from '../core/events/event.js';
import type { TokenClaims } from '../core/links/signed-token.js';
import type { Store } from '../ports/store.js';
import type { TokenUse } from '../ports/token-use-store.js';
import { TOKEN_USE_MARGIN_MS } from './link-lifetimes.js';

export type SingleUse = { kind: 'first'; at: number } | { kind: 'repeat'; use: TokenUse } | { kind: 'refused'; use: TokenUse };

export interface UseOnceRequest {
  claims: TokenClaims;
  /** The device's anonymous id. */
  holder: string;
  /** The live profile the token names. */
  profileId: string;
  /** What this use produces (ids only), for answering a repeat. */
  outcome: JsonObject;
  /** Other ids the same holder may come back with (e.g. the fresh anonymous id it was handed). */
  alsoHolder?: (use: TokenUse) => string[];
  /** The key id that sent the request (the audit log's actor). */
  actor: string;
}

export async function useOnce(deps: { store: Store; now: () => number }, request: UseOnceRequest): Promise<SingleUse> {
  const { claims } = request;
  const at = deps.now();
  const claim = await deps.store.tokenUses.claim({
    workspaceId: claims.workspaceId, tokenId: claims.id, purpose: claims.purpose, holder: request.holder, profileId: request.profileId,
    outcome: request.outcome, usedAt: at, keepUntil: claims.expiresAt + TOKEN_USE_MARGIN_MS,
  });
  if (claim.first) return { kind: 'first', at };
  const { use } = claim;
  if ([use.holder, ...(request.alsoHolder?.(use) ?? [])].includes(request.holder)) return { kind: 'repeat', use };
  await deps.store.privacy.audit({
    workspaceId: claims.workspaceId, at, actor: request.actor, action: 'link.token.reuse_refused', subject: use.profileId,
    details: { purpose: claims.purpose, tokenId: claims.id, firstUsedAt: new Date(use.usedAt).toISOString() },
  });
  return { kind: 'refused', use };
}
