/** Message webhooks and the timing policy on PostgreSQL (message-timing-suite.ts). */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { messageTimingSuite } from './message-timing-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => messageTimingSuite(startTesseraOnPostgres));
