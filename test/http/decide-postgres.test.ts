/** The public decide API, on PostgreSQL (decide-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { decideSuite } from './decide-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => decideSuite(startTesseraOnPostgres));
