/** Lead scoring, lifecycle and the webhook outbox through the API, on SQLite (lead-scoring-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { leadScoringSuite } from './lead-scoring-suite.js';

leadScoringSuite(startTessera);
