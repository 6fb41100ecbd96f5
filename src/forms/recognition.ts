/**
 * Recognition: turning a proof of identity into a short-lived `prefill` token bound to one device's
 * anonymous id, the only thing that lets a form show known values (masked).
 *
 * Two proofs are accepted:
 * - an email-link token of purpose `identify` (POST /v1/recognize, from the browser: the tracker
 *   finds it in the landing URL's `tsr` parameter). It is single-use (links/single-use.ts; the
 *   threat model: links/link-lifetimes.ts): the first exchange binds it to that device; the same
 *   device asking again gets the same answer (same device, same expiry) and links nothing new;
 *   another device is refused with `token_used` and the refusal is audited;
 * - the site's own server, with the admin key (POST /v1/recognitions: a signed server-side identify).
 * Both first link the anonymous id to the person through ingest (an identify), then sign a
 * `prefill` token: recipient = the profile id, data.anonymousId = the device, 30 minutes.
 *
 * "Not you?" (POST /v1/recognize/forget) needs nothing stored: the tracker drops the token and
 * starts a new anonymous id, and a prefill token is useless with any other anonymous id.
 *
 * A shared device: when the anonymous id already belongs to another known person (a profile with
 * an email or userId that is not this person's), linking it would merge two people. Instead a
 * fresh anonymous id is linked, the token is bound to it, and the answer carries it as
 * `anonymousId` for the tracker to adopt. A client that ignores it only loses the pre-fill.
 */
import { randomUUID } from 'node:crypto';
import { TesseraError } from '../core/errors.js';
import { EVENT_LIMITS } from '../core/events/limits.js';
import { normaliseIdentity, type IdentityGuard } from '../core/identity/identity-key.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { LinkSigner } from '../links/link-signer.js';
import type { Store } from '../ports/store.js';
import { useOnce } from '../links/single-use.js';
import { profileOfAnonymousId } from './visitor.js';

export const RECOGNITION_TTL_MS = 30 * 60_000;

export interface RecognitionDeps {
  store: Store;
  ingest: IngestService;
  signer: LinkSigner;
  guard: IdentityGuard;
  now: () => number;
}

export interface Recognition {
  recognition: string;
  expiresAt: string;
  /** Present when the device belonged to someone else: the new anonymous id the token is bound to. */
  anonymousId?: string;
}

export interface RecognizeRequest {
  workspaceId: string;
  /** The `identify` token (the landing URL's `tsr`). */
  token: unknown;
  anonymousId: unknown;
  /** The id of the key that sent the request (the audit log's actor). */
  actor: string;
}

export interface RecognitionService {
  /**
   * From an `identify` email-link token. Throws `invalid_token` when it does not verify or names
   * nobody, `token_used` when another device used it first.
   */
  recognize(request: RecognizeRequest): Promise<Recognition>;
  /** From the site's server: links the ids given and answers the token. */
  recognizeFromServer(workspaceId: string, body: { anonymousId: unknown; userId?: unknown; email?: unknown }): Promise<Recognition>;
}

/**
 * An identifier as recognition uses it: one ingest accepts (EVENT_LIMITS.maxIdLength) and without
 * control characters (a NUL cannot even be looked up in PostgreSQL, and no tracker makes such an
 * id), checked before a token is used up by it. Undefined when unusable.
 */
const usableIdentity = (kind: 'anonymous_id' | 'user_id' | 'email', value: unknown, guard: IdentityGuard): string | undefined => {
  const id = normaliseIdentity(kind, value, guard);
  return id !== undefined && id.length <= EVENT_LIMITS.maxIdLength && !/[\u0000-\u001f\u007f]/.test(id) ? id : undefined;
};

export function createRecognitionService(deps: RecognitionDeps): RecognitionService {
  const ANONYMOUS_ID_ISSUE = { field: 'anonymousId', reason: 'is required: the device\'s anonymous id, a usable identifier (at most 512 characters, no control characters)' };
  const anonymousIdOf = (value: unknown): string => {
    const id = usableIdentity('anonymous_id', value, deps.guard);
    if (!id) throw new TesseraError('invalid_body', { issues: [ANONYMOUS_ID_ISSUE] });
    return id;
  };
  /** A `prefill` token expiring at `expiresAt` (by default RECOGNITION_TTL_MS from now). */
  const sign = async (workspaceId: string, profileId: string, anonymousId: string, expiresAt = deps.now() + RECOGNITION_TTL_MS): Promise<Recognition> => {
    const ttlMs = expiresAt - deps.now();
    if (!(ttlMs > 0)) throw new TesseraError('invalid_token', { message: 'The link token is not valid (expired).' });
    const recognition = await deps.signer.sign(workspaceId, { purpose: 'prefill', recipient: profileId, ttlMs, data: { anonymousId } });
    return { recognition, expiresAt: new Date(expiresAt).toISOString() };
  };
  /** `messageId` makes a repeat of the same link a duplicate that ingest drops. */
  const link = async (workspaceId: string, event: Record<string, unknown>, options: { traitSource: string; messageId?: string }) => {
    await deps.ingest.accept({ workspaceId, impliedType: 'identify', items: [{ messageId: options.messageId ?? `recognize-${randomUUID()}`, ...event }], traitSource: options.traitSource });
  };
  /** The device's anonymous id, or a fresh one when the device belongs to another known person. */
  const deviceId = async (workspaceId: string, anonymousId: string, person: { profileId: string | null; identifiers: string[] }): Promise<string> => {
    const device = await profileOfAnonymousId(deps.store, workspaceId, anonymousId);
    const known = device?.identities.filter((i) => i.kind === 'email' || i.kind === 'user_id') ?? [];
    const someoneElse = device !== null && device.id !== person.profileId && known.length > 0 && !known.some((i) => person.identifiers.includes(i.value));
    return someoneElse ? `aid-${randomUUID()}` : anonymousId;
  };
  const answer = (recognition: Recognition, requested: string, used: string): Recognition => (used === requested ? recognition : { ...recognition, anonymousId: used });

  return {
    async recognize({ workspaceId, token, anonymousId: rawAnonymousId, actor }) {
      const anonymousId = anonymousIdOf(rawAnonymousId);
      const verified = await deps.signer.verify(workspaceId, token, 'identify');
      if (!verified.ok) throw new TesseraError('invalid_token', { message: `The link token is not valid (${verified.reason}).` });
      const { claims } = verified;
      const profileId = await deps.store.profiles.resolve(workspaceId, claims.recipient);
      const profile = profileId ? await deps.store.profiles.get(workspaceId, profileId) : null;
      // The strongest identifier of the person links the device through ordinary ingest.
      const identity = profile?.identities.find((i) => i.kind === 'user_id') ?? profile?.identities.find((i) => i.kind === 'email');
      if (!profile || !identity) throw new TesseraError('invalid_token', { message: 'The link token names nobody Tessera knows (the person may have been erased).' });
      const candidate = await deviceId(workspaceId, anonymousId, { profileId: profile.id, identifiers: profile.identities.map((i) => i.value) });
      // Single use, before anything is linked: of two devices racing with one token, one wins.
      const use = await useOnce(deps, {
        claims, holder: anonymousId, profileId: profile.id, outcome: { anonymousId: candidate }, actor,
        alsoHolder: (first) => (typeof first.outcome.anonymousId === 'string' ? [first.outcome.anonymousId] : []),
      });
      if (use.kind === 'refused') throw new TesseraError('token_used');
      const device = use.kind === 'repeat' && typeof use.use.outcome.anonymousId === 'string' ? use.use.outcome.anonymousId : candidate;
      // The event's id derives from the token: a repeat is a duplicate ingest drops (no new effect),
      // and a retry after a failed first attempt links the same device.
      await link(workspaceId, identity.kind === 'user_id' ? { anonymousId: device, userId: identity.value } : { anonymousId: device, traits: { email: identity.value } },
        { traitSource: 'email-link', messageId: `recognize-${claims.id}` });
      const linked = await profileOfAnonymousId(deps.store, workspaceId, device);
      // A refused merge (two different userIds) leaves the device with someone else: no pre-fill.
      if (!linked || linked.id !== (await deps.store.profiles.resolve(workspaceId, profile.id))) throw new TesseraError('conflict', { message: 'This device could not be linked to the person of the link.' });
      // Counted from the first use: asking again never extends a recognition.
      const expiresAt = (use.kind === 'repeat' ? use.use.usedAt : use.at) + RECOGNITION_TTL_MS;
      return answer(await sign(workspaceId, linked.id, device, expiresAt), anonymousId, device);
    },

    async recognizeFromServer(workspaceId, body) {
      const anonymousId = usableIdentity('anonymous_id', body.anonymousId, deps.guard);
      const userId = body.userId === undefined ? undefined : usableIdentity('user_id', body.userId, deps.guard);
      const email = body.email === undefined ? undefined : usableIdentity('email', body.email, deps.guard);
      const issues = [
        ...(!anonymousId ? [ANONYMOUS_ID_ISSUE] : []),
        ...(body.userId !== undefined && !userId ? [{ field: 'userId', reason: 'is not a usable identifier' }] : []),
        ...(body.email !== undefined && !email ? [{ field: 'email', reason: 'is not a usable email address' }] : []),
        ...(body.userId === undefined && body.email === undefined ? [{ field: 'userId', reason: 'userId or email is required' }] : []),
      ];
      if (issues.length > 0 || !anonymousId) throw new TesseraError('invalid_body', { issues });
      const person = await deps.store.profiles.resolve(workspaceId, userId ?? email!);
      const device = await deviceId(workspaceId, anonymousId, { profileId: person, identifiers: [userId, email].filter((v): v is string => v !== undefined) });
      await link(workspaceId, { anonymousId: device, ...(userId ? { userId } : {}), ...(email ? { traits: { email } } : {}) }, { traitSource: 'server-identify' });
      const linked = await profileOfAnonymousId(deps.store, workspaceId, device);
      const expected = await deps.store.profiles.resolve(workspaceId, userId ?? email!);
      if (!linked || linked.id !== expected) throw new TesseraError('conflict', { message: 'The anonymous id could not be linked to this person (a merge was refused, or the privacy settings withheld the identify).' });
      return answer(await sign(workspaceId, linked.id, device), anonymousId, device);
    },
  };
}
