/** Titles, categories and event properties as breakdowns and filters, on SQLite (labels-suite.ts). */
import { describe } from 'node:test';
import { startTessera } from '../support/tessera-under-test.js';
import { labelsSuite } from './labels-suite.js';

describe('on SQLite', () => labelsSuite(() => startTessera()));
