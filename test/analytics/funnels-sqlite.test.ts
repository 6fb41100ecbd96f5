/** Funnels and retention through the real ingest and API, on SQLite (funnels-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { funnelsSuite } from './funnels-suite.js';

describe('on SQLite', () => funnelsSuite(() => startTessera()));
