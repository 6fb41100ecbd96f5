/** Web analytics through the real ingest and API, on PostgreSQL (analytics-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { analyticsSuite } from './analytics-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => analyticsSuite(startTesseraOnPostgres));
