/** The before/after report through the API, on SQLite (before-after-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { beforeAfterSuite } from './before-after-suite.js';

beforeAfterSuite(startTessera);
