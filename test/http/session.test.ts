/** Sessions of the admin app (session-suite.ts), on SQLite. */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { rateLimitSuite, sessionSuite } from './session-suite.js';

describe('sessions on SQLite', () => sessionSuite(startTessera));
describe('sign-in rate limit', () => rateLimitSuite(startTessera));
