/** Personas through the API, on SQLite (personas-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { personasSuite } from './personas-suite.js';

personasSuite(startTessera);
