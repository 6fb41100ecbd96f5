/** Serving recommendations on SQLite (recommendations-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { recommendationsSuite } from './recommendations-suite.js';

recommendationsSuite(startTessera);
