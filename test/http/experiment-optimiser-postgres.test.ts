/** The experiment optimiser and monitor on PostgreSQL (experiment-optimiser-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { experimentOptimiserSuite } from './experiment-optimiser-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => experimentOptimiserSuite(startTesseraOnPostgres));
