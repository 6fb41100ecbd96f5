/**
 * Sessions of the admin app (session-suite.ts), on PostgreSQL; and two servers on one database:
 * a session started on one is valid on the other, a sign-out on one ends it on both, the lock-out
 * counts failures from both, and a session outlives the server it started on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { startTessera } from '../support/tessera-under-test.js';
import { jsonRequest, signIn, userWithRole } from '../support/sessions.js';
import { assertError } from './api-helpers.js';
import { sessionSuite } from './session-suite.js';

const skip = await postgresSkip();
describe('sessions on PostgreSQL', { skip }, () => sessionSuite(startTesseraOnPostgres));

describe('two servers on one PostgreSQL database', { skip }, () => {
  it('share sessions, sign-outs and the lock-out count, and a session outlives its server', async () => {
    const db = await createTestDatabase();
    const sessions = { idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 1000 };
    const a = await startTessera({ databaseUrl: db.url, sessions });
    const b = await startTessera({ databaseUrl: db.url, sessions });
    try {
      const s = await userWithRole(a, 'marketer', 'both@example.com');
      assert.equal((await jsonRequest(b, 'GET', '/v1/session', undefined, { cookie: s.cookie })).statusCode, 200);
      assert.equal((await jsonRequest(b, 'POST', '/v1/segments', { id: 'on-b', name: 'B', condition: { trait: { key: 'name', op: 'exists' } } }, s.headers())).statusCode, 201);
      assert.equal((await jsonRequest(b, 'DELETE', '/v1/session', undefined, s.headers())).statusCode, 200);
      assertError(await jsonRequest(a, 'GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized');

      for (let i = 0; i < 5; i++) await jsonRequest(i % 2 ? a : b, 'POST', '/v1/session', { email: 'both@example.com', password: `wrong ${i}` });
      assertError(await jsonRequest(a, 'POST', '/v1/session', { email: 'both@example.com', password: 'correct horse battery staple' }), 429, 'account_locked');

      await userWithRole(a, 'viewer', 'outlives@example.com');
      const kept = await signIn(a, 'outlives@example.com');
      await a.close();
      assert.equal((await jsonRequest(b, 'GET', '/v1/session', undefined, { cookie: kept.cookie })).statusCode, 200, 'the server it started on is gone');
    } finally {
      await a.close().catch(() => undefined);
      await b.close();
      await db.drop();
    }
  });
});
