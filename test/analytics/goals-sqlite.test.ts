/** Analytics goals through the real ingest and API, on SQLite (goals-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { goalsSuite } from './goals-suite.js';

describe('on SQLite', () => goalsSuite((extras) => startTessera({}, extras)));
