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
import type { RollupSettle } from '../analytics/settled.js';
import type { PrivacyContexts } from './privacy-context.js';

export interface EraseRequest {
  workspaceId: string;
  /** Any identifier of the person (profile id, userId, email, anonymousId). */
  identifier: string;
  actor: string;
  now: number;
}

/**
 * Web analytics: the aggregates keep the person's hits (they hold no identifiers); the open visits
 * and the visit index (person-level) go with the profile.
 *
 * Dead letters (ports/dead-letter-store.ts) are not tied to a profile: those naming one of the
 * person's identifiers are deleted with the profile. A person known only from dead letters (their
 * events never reached a profile) is erased by an identifier the letters name: `profileId` is null.
 */
export async function eraseProfile(deps: { store: Store; privacy: PrivacyContexts; rollups?: RollupSettle }, request: EraseRequest): Promise<ErasureReport & { profileId: string | null; deadLetters: number }> {
  const { store } = deps;
  // The person's hits still waiting for the rollups are counted first (the aggregates keep them),
  // so that their person-level rows exist to be erased below (analytics/rollup-worker.ts).
  await deps.rollups?.settle(request.workspaceId);
  const profileId = await store.profiles.resolve(request.workspaceId, request.identifier);
  if (!profileId) return eraseDeadLettersOnly(store, request);
  const identities = (await store.profiles.get(request.workspaceId, profileId))?.identities ?? [];
  const context = await deps.privacy.get(request.workspaceId);
  // Before the profile: its erasure ends by truncating SQLite's WAL, which then holds no old page of the letters either.
  const deadLetters = await store.deadLetters.eraseNaming(request.workspaceId, identities.map(({ kind, value }) => ({ kind, value })));
  const report = await store.privacy.erase(request.workspaceId, profileId, { tombstone: context.tombstone, at: request.now });
  await store.privacy.audit({
    workspaceId: request.workspaceId, at: request.now, actor: request.actor, action: 'profile.erase', subject: profileId,
    details: { ...report, deadLetters, erasedIdentifiers: context.settings.erasedIdentifiers },
  });
  return { profileId, ...report, deadLetters };
}

async function eraseDeadLettersOnly(store: Store, request: EraseRequest): Promise<ErasureReport & { profileId: null; deadLetters: number }> {
  const value = request.identifier.trim();
  const keys = [{ kind: 'user_id' as const, value }, { kind: 'anonymous_id' as const, value }, { kind: 'email' as const, value: value.toLowerCase() }];
  const deadLetters = await store.deadLetters.eraseNaming(request.workspaceId, keys);
  if (deadLetters === 0) throw new TesseraError('not_found', { message: `No profile is known by "${request.identifier}".` });
  const report = { tombstones: 0, profiles: 0, identities: 0, events: 0, merges: 0, consents: 0 };
  await store.privacy.audit({ workspaceId: request.workspaceId, at: request.now, actor: request.actor, action: 'profile.erase', subject: null, details: { ...report, deadLetters } });
  return { profileId: null, ...report, deadLetters };
}
