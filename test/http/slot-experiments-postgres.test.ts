/** Slot experiments and the global holdout through the API, on PostgreSQL (slot-experiments-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { slotExperimentsSuite } from './slot-experiments-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => slotExperimentsSuite(startTesseraOnPostgres));
