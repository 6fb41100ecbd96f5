/**
 * What a person is told about a link token that failed verification: only whether it expired.
 * Every other reason (tampered, another purpose or workspace, a retired key, garbage) is "this link
 * does not work": the page never helps anyone probe which part of a forgery was wrong.
 */
import type { TokenRejection } from '../core/links/signed-token.js';

export type TokenProblem = 'invalid' | 'expired';

export const problemOf = (reason: TokenRejection): TokenProblem => (reason === 'expired' ? 'expired' : 'invalid');
