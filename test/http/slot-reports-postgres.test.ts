/** Slot reports through the API, on PostgreSQL (slot-reports-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { slotReportsSuite } from './slot-reports-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => slotReportsSuite(startTesseraOnPostgres));
