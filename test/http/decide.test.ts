/** The public decide API, on SQLite (decide-suite.ts). */
import { startTessera } from '../support/tessera-under-test.js';
import { decideSuite } from './decide-suite.js';

decideSuite(startTessera);
