/**
 * Reading a decisionId that comes back from outside (/why/{decisionId}, an email link's
 * `tsr_decision`): the workspace's key of that id opens it, or it is unknown (null): malformed,
 * tampered, sealed with a retired key, expired, or not of the expected workspace. Never throws on
 * outside input.
 */
import { decisionIdParts, openDecisionId, type DecisionClaims } from '../core/decisions/decision-id.js';
import type { LinkSigner } from '../links/link-signer.js';

export interface OpenDecisionDeps {
  signer: Pick<LinkSigner, 'verifyingKey'>;
  now: () => number;
}

export async function openDecision(deps: OpenDecisionDeps, token: unknown, expectedWorkspace?: string): Promise<{ claims: DecisionClaims; secret: Buffer } | null> {
  const parts = decisionIdParts(token);
  if (!parts || (expectedWorkspace !== undefined && parts.workspaceId !== expectedWorkspace)) return null;
  const secret = await deps.signer.verifyingKey(parts.workspaceId, parts.keyId);
  if (!secret) return null;
  const claims = openDecisionId(token, { secret, now: deps.now() });
  return claims ? { claims, secret } : null;
}

/** The `tsr_decision` of a URL (GET /v1/decide/email puts it on the block's links), or undefined. */
export function decisionIdOfUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).searchParams.get('tsr_decision') ?? undefined;
  } catch {
    return undefined;
  }
}
