/** Lead scoring, lifecycle and the webhook outbox through the API, on PostgreSQL (lead-scoring-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { leadScoringSuite } from './lead-scoring-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => leadScoringSuite(startTesseraOnPostgres));
