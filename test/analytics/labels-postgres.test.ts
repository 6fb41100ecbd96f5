/** Titles, categories and event properties as breakdowns and filters, on PostgreSQL (labels-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { labelsSuite } from './labels-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => labelsSuite(startTesseraOnPostgres));
