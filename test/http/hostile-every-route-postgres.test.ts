/** The hostile corpus to every route (hostile-every-route-suite.ts), on PostgreSQL. */
import { describe } from 'node:test';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { hostileEveryRouteSuite } from './hostile-every-route-suite.js';

describe('on PostgreSQL', { skip: await postgresSkip() }, () => hostileEveryRouteSuite(startTesseraOnPostgres));
