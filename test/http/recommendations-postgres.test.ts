/** Serving recommendations on PostgreSQL (recommendations-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { recommendationsSuite } from './recommendations-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => recommendationsSuite(startTesseraOnPostgres));
