/**
 * The identifiers an event carries: userId, anonymousId, and an email from identify traits or
 * context.traits. Alias events carry previousId, whose kind is looked up (see resolve-identities).
 */
import type { JsonObject, TrackedEvent } from '../../core/events/event.js';
import { normaliseIdentity, type IdentityGuard, type IdentityKey } from '../../core/identity/identity-key.js';

export function identityKeysOf(event: TrackedEvent, guard: IdentityGuard): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (event.userId) keys.push({ kind: 'user_id', value: event.userId });
  if (event.anonymousId) keys.push({ kind: 'anonymous_id', value: event.anonymousId });
  const traits = event.type === 'identify' ? event.traits : (event.context.traits as JsonObject | undefined);
  const email = traits && typeof traits === 'object' ? normaliseIdentity('email', traits.email, guard) : undefined;
  if (email) keys.push({ kind: 'email', value: email });
  if (event.previousId) {
    keys.push({ kind: 'user_id', value: event.previousId }, { kind: 'anonymous_id', value: event.previousId });
  }
  return keys;
}
