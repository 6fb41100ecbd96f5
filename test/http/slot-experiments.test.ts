/** Slot experiments and the global holdout through the API, on SQLite (slot-experiments-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { slotExperimentsSuite } from './slot-experiments-suite.js';

slotExperimentsSuite(startTessera);
