/**
 * Who is filling in a form, and what Tessera may use about them.
 *
 * Safe pre-fill: a profile found through the device's anonymous id alone (a cookie) is used only to
 * skip what it already knows, silently; its values are shown (masked) only with a verified
 * recognition, a `prefill` token bound to this anonymous id (minted after an email link or the
 * site's own server identified the visitor). A kiosk (shared device) uses neither.
 */
import type { Profile } from '../core/profiles/profile.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { Store } from '../ports/store.js';

export interface Visitor {
  profile: Profile | null;
  /** The profile's values may be shown (masked): a verified recognition for this anonymous id. */
  recognised: boolean;
}

export interface VisitorDeps {
  store: Store;
  signer: LinkSigner;
}

/** The recipient profile of a `prefill` token bound to `anonymousId`, or null when it does not verify. */
export async function verifyRecognition(deps: VisitorDeps, workspaceId: string, token: unknown, anonymousId: string): Promise<Profile | null> {
  if (typeof token !== 'string' || token === '') return null;
  const verified = await deps.signer.verify(workspaceId, token, 'prefill');
  if (!verified.ok || verified.claims.data?.anonymousId !== anonymousId) return null;
  const profileId = await deps.store.profiles.resolve(workspaceId, verified.claims.recipient);
  return profileId ? deps.store.profiles.get(workspaceId, profileId) : null;
}

export async function findVisitor(deps: VisitorDeps, request: { workspaceId: string; anonymousId: string; recognition?: unknown; kiosk: boolean }): Promise<Visitor> {
  if (request.kiosk) return { profile: null, recognised: false };
  const recognised = await verifyRecognition(deps, request.workspaceId, request.recognition, request.anonymousId);
  if (recognised) return { profile: recognised, recognised: true };
  return { profile: await profileOfAnonymousId(deps.store, request.workspaceId, request.anonymousId), recognised: false };
}

/**
 * The profile that owns this anonymous id. `profiles.resolve` also matches emails, userIds and
 * profile ids: a visitor sending someone's email as its anonymousId must not find their profile.
 */
export async function profileOfAnonymousId(store: Store, workspaceId: string, anonymousId: string): Promise<Profile | null> {
  const profileId = await store.profiles.resolve(workspaceId, anonymousId);
  const profile = profileId ? await store.profiles.get(workspaceId, profileId) : null;
  return profile?.identities.some((i) => i.kind === 'anonymous_id' && i.value === anonymousId) ? profile : null;
}
