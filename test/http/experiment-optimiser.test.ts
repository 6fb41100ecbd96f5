/** The experiment optimiser and monitor on SQLite (experiment-optimiser-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { experimentOptimiserSuite } from './experiment-optimiser-suite.js';

experimentOptimiserSuite(startTessera);
