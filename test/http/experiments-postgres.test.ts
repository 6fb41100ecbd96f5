/** Flag experiments through the API, on PostgreSQL (experiments-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { experimentsSuite } from './experiments-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => experimentsSuite(startTesseraOnPostgres));
