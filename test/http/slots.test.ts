/** Personalization slots through the admin API, on SQLite (slots-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { slotsSuite } from './slots-suite.js';

slotsSuite(startTessera);
