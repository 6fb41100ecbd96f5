/** Personas through the API, on PostgreSQL (personas-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { personasSuite } from './personas-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => personasSuite(startTesseraOnPostgres));
