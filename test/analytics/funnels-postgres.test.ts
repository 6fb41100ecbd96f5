/** Funnels and retention through the real ingest and API, on PostgreSQL (funnels-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { funnelsSuite } from './funnels-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => funnelsSuite(startTesseraOnPostgres));
