/** Analytics goals through the real ingest and API, on PostgreSQL (goals-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { goalsSuite } from './goals-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => goalsSuite((extras) => startTesseraOnPostgres({}, extras)));
