/** Message webhooks and the timing policy on SQLite (message-timing-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { messageTimingSuite } from './message-timing-suite.js';

describe('on SQLite', () => messageTimingSuite(startTessera));
