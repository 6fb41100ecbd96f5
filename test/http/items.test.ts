/** The item catalogue API on SQLite (items-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { itemsSuite } from './items-suite.js';

itemsSuite(startTessera);
