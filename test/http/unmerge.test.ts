/** Undoing merges through the API, on SQLite (unmerge-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { unmergeSuite } from './unmerge-suite.js';

unmergeSuite(startTessera);
