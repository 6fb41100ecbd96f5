/** Personalization slots through the admin API, on PostgreSQL (slots-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { slotsSuite } from './slots-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => slotsSuite(startTesseraOnPostgres));
