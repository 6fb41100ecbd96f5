/**
 * Turns an event the pipeline failed on alone into a dead letter (ports/dead-letter-store.ts): the
 * event as it was validated, the error, and the identifiers it names, so that the person's export
 * and erasure find it (also when it never reached a profile).
 */
import type { TrackedEvent } from '../core/events/event.js';
import type { IdentityGuard } from '../core/identity/identity-key.js';
import { newDeadLetterId } from '../ids.js';
import type { DeadLetterStore } from '../ports/dead-letter-store.js';
import { describeFailure } from './failure-kind.js';
import { identityKeysOf } from './steps/identity-keys-of.js';

export type KeepDeadLetter = (workspaceId: string, event: TrackedEvent, error: unknown) => Promise<void>;

export function createDeadLetterWriter(deps: { deadLetters: DeadLetterStore; guard: IdentityGuard; now: () => number }): KeepDeadLetter {
  return async (workspaceId, event, error) => {
    const keys = new Map(identityKeysOf(event, deps.guard).map((k) => [`${k.kind}:${k.value}`, k]));
    await deps.deadLetters.add({
      id: newDeadLetterId(), workspaceId, event, keys: [...keys.values()], error: describeFailure(error), failedAt: deps.now(), attempts: 1,
    });
  };
}
