/** The item catalogue API on PostgreSQL (items-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { itemsSuite } from './items-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => itemsSuite(startTesseraOnPostgres));
