/** Undoing merges through the API, on PostgreSQL (unmerge-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { unmergeSuite } from './unmerge-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => unmergeSuite(startTesseraOnPostgres));
