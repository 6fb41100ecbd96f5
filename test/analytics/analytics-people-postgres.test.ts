/** Country, lifecycle, segment and audience filters and the profiles behind a row, on PostgreSQL (analytics-people-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { analyticsPeopleSuite } from './analytics-people-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => analyticsPeopleSuite(startTesseraOnPostgres));
