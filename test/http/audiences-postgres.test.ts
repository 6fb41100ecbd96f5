/** Audiences through the API, on PostgreSQL (audiences-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { audiencesSuite } from './audiences-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => audiencesSuite(startTesseraOnPostgres));
