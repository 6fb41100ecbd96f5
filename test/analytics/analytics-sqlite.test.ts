/** Web analytics through the real ingest and API, on SQLite (analytics-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { analyticsSuite } from './analytics-suite.js';

describe('on SQLite', () => analyticsSuite(() => startTessera()));
