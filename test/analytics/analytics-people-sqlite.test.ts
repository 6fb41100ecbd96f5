/** Country, lifecycle, segment and audience filters and the profiles behind a row, on SQLite (analytics-people-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { analyticsPeopleSuite } from './analytics-people-suite.js';

describe('on SQLite', () => analyticsPeopleSuite(() => startTessera()));
