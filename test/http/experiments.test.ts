/** Flag experiments through the API, on SQLite (experiments-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { experimentsSuite } from './experiments-suite.js';

experimentsSuite(startTessera);
