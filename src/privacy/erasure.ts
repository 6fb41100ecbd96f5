/**
 * Right to erasure (GDPR Art. 17). Deletes the profile and everything about the person — the
 * profiles merged into it, identities, events, merge log, consent ledger, and everything derived —
 * in one transaction. Keeps only keyed-hash tombstones of the identifiers (so that, per the
 * workspace setting, a later event or import carrying one is refused or starts a fresh profile)
 * and an audit record with counts and no personal data.
 */
import { TesseraError } from '../core/errors.js';
import type { ErasureReport } from '../ports/privacy-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from './privacy-context.js';

export interface EraseRequest {
  workspaceId: string;
  /** Any identifier of the person (profile id, userId, email, anonymousId). */
  identifier: string;
  actor: string;
  now: number;
}

export async function eraseProfile(deps: { store: Store; privacy: PrivacyContexts }, request: EraseRequest): Promise<ErasureReport & { profileId: string }> {
  const { store } = deps;
  const profileId = await store.profiles.resolve(request.workspaceId, request.identifier);
  if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${request.identifier}".` });
  const context = await deps.privacy.get(request.workspaceId);
  const report = await store.privacy.erase(request.workspaceId, profileId, { tombstone: context.tombstone, at: request.now });
  await store.privacy.audit({
    workspaceId: request.workspaceId, at: request.now, actor: request.actor, action: 'profile.erase', subject: profileId,
    details: { ...report, erasedIdentifiers: context.settings.erasedIdentifiers },
  });
  return { profileId, ...report };
}
