/** The before/after report through the API, on PostgreSQL (before-after-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { beforeAfterSuite } from './before-after-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => beforeAfterSuite(startTesseraOnPostgres));
