/** Segments and computed traits through the API, on SQLite (segments-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { segmentsSuite } from './segments-suite.js';

segmentsSuite(startTessera);
