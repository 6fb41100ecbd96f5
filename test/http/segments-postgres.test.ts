/** Segments and computed traits through the API, on PostgreSQL (segments-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { segmentsSuite } from './segments-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => segmentsSuite(startTesseraOnPostgres));
