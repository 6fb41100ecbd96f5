/** A dead letter as the API shows it (dead-letters routes, and the person's export). */
import type { DeadLetter } from '../../ports/dead-letter-store.js';

export const deadLetterView = (letter: DeadLetter) => ({
  id: letter.id, event: letter.event, identifiers: letter.keys, error: letter.error, failedAt: new Date(letter.failedAt).toISOString(), attempts: letter.attempts,
});
