/** Slot reports through the API, on SQLite (slot-reports-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { slotReportsSuite } from './slot-reports-suite.js';

slotReportsSuite(startTessera);
