/**
 * Retrying dead letters (ports/dead-letter-store.ts) after a fix: the event goes through the normal
 * ingest queue and pipeline again, as it was validated then. Stored (or found already stored, by its
 * messageId): the letter is deleted. Failing again: the letter stays with one more attempt and the
 * new error. A systemic failure or a full queue is not the event's: it is thrown (503/429) and the
 * letter is left as it was.
 */
import { isTesseraError } from '../core/errors.js';
import type { DeadLetter } from '../ports/dead-letter-store.js';
import type { Store } from '../ports/store.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import { describeFailure, isSystemicFailure } from '../ingest/failure-kind.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';

export interface RetryDeps {
  store: Store;
  queue: Pick<IngestQueue, 'submit'>;
  privacy: PrivacyContexts;
  now: () => number;
}

export type RetryOutcome = { id: string; outcome: 'stored' } | { id: string; outcome: 'failed'; attempts: number; error: string };

/** Letters retried per page by `retryAll`. */
const PAGE = 100;

export async function retryDeadLetter(deps: RetryDeps, letter: DeadLetter): Promise<RetryOutcome> {
  const privacy = await deps.privacy.get(letter.workspaceId);
  try {
    await deps.queue.submit(letter.workspaceId, [letter.event], privacy, { deadLetter: false });
  } catch (error) {
    const cause = isTesseraError(error) && error.cause !== undefined ? error.cause : error;
    if (isSystemicFailure(cause) || (isTesseraError(cause) && cause.retryAfterSeconds !== undefined)) throw error;
    const description = describeFailure(cause);
    await deps.store.deadLetters.recordFailure(letter.workspaceId, letter.id, { error: description, at: deps.now() });
    return { id: letter.id, outcome: 'failed', attempts: letter.attempts + 1, error: description };
  }
  await deps.store.deadLetters.remove(letter.workspaceId, letter.id);
  return { id: letter.id, outcome: 'stored' };
}

/** Retries every letter of the workspace, oldest first; stops at the first systemic failure (thrown). */
export async function retryAll(deps: RetryDeps, workspaceId: string): Promise<{ stored: number; failed: number }> {
  const counts = { stored: 0, failed: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.store.deadLetters.list(workspaceId, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const letter of page.deadLetters) counts[(await retryDeadLetter(deps, letter)).outcome]++;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return counts;
}
