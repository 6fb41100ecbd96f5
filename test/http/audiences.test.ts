/** Audiences through the API, on SQLite (audiences-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { audiencesSuite } from './audiences-suite.js';

audiencesSuite(startTessera);
