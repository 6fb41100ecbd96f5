/**
 * Query plans of funnel steps and retention on SQLite and PostgreSQL: a step is one range of `events_hits`, read
 * without the events (covering) unless a property is asked for; retention reads the range of hits
 * through it too, never the whole events table.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { EARLIER_SQL, NEWCOMER_HOURS_SQL, occurrencesStatement } from '../../src/storage/sqlite/hit-store.js';
import { occurrencesStatement as pgOccurrences } from '../../src/storage/postgres/hit-store.js';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { migrateDatabase } from '../../src/storage/sqlite/migrate.js';
import { tempDir } from '../support/tessera-under-test.js';

test('funnel steps read a range of events_hits (covering without properties); retention reads hits through it', () => {
  const dir = tempDir('tessera-plans-');
  const db = openDatabase(join(dir.path, 'plans.db'));
  try {
    migrateDatabase(db, Date.now);
    const plan = (sql: string, params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    const base = { workspaceId: 'ws', from: 0, to: 1e12 };
    const exact = occurrencesStatement({ ...base, match: { kind: 'page', path: '/pricing', prefix: false } });
    assert.match(plan(exact.sql, exact.params), /USING COVERING INDEX events_hits \(workspace_id=\? AND hit=\? AND ts>\? AND ts<\?\)/);
    const prefix = occurrencesStatement({ ...base, match: { kind: 'page', path: '/blog/', prefix: true }, people: ['prf_1'] });
    assert.match(plan(prefix.sql, prefix.params), /USING COVERING INDEX events_hits \(workspace_id=\? AND hit>\? AND hit<\?\)/);
    const withProperty = occurrencesStatement({ ...base, match: { kind: 'event', name: 'Signed Up' }, properties: [{ key: 'plan', json: ['"pro"'] }], audience: 'known' });
    assert.match(plan(withProperty.sql, withProperty.params), /SEARCH events USING INDEX events_hits \(workspace_id=\? AND hit=\? AND ts>\? AND ts<\?\)/);
    const retention = plan(NEWCOMER_HOURS_SQL({ ...base }), ['ws', 0, 1e12]);
    assert.match(retention, /USING COVERING INDEX events_hits/, retention);
    assert.match(plan(EARLIER_SQL, ['[]', 0, 'ws']), /SEARCH events EXISTS USING INDEX events_timeline \(profile_id=\? AND ts<\?\)/);
  } finally {
    db.close();
    dir.remove();
  }
});

describe('postgres: funnel steps are index scans of events_hits', { skip: await postgresSkip() }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  before(async () => {
    db = await createTestDatabase();
    await (await openPostgresStore({ url: db.url, migrate: true })).close();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // 200,000 events of 2,000 people over 100 days: 40 pages and 4 events, some without a key.
    await client.query(`INSERT INTO workspaces VALUES ('ws', 'plans', 0);
      INSERT INTO events (workspace_id, message_id, profile_id, original_profile_id, type, name, ts, received_at, body, hit)
        SELECT 'ws', 'm' || g, 'prf_' || (g % 2000), 'prf_' || (g % 2000), 'page', null, g::bigint * 43200, 0, '{"properties":{"plan":"pro"}}',
          CASE WHEN g % 10 = 0 THEN NULL WHEN g % 7 = 0 THEN 'eSigned Up' ELSE 'p/page/' || (g % 40) END
        FROM generate_series(1, 200000) g;`);
    await client.query('VACUUM ANALYZE events');
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });
  const plan = async (q: Parameters<typeof pgOccurrences>[0]) => {
    const { text, values } = pgOccurrences(q);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  };
  const base = { workspaceId: 'ws', from: 0, to: 30 * 86_400_000 };
  test('one page, a prefix for some people, an event with a property', async () => {
    assert.match(await plan({ ...base, match: { kind: 'page', path: '/page/3', prefix: false } }), /Index Only Scan using events_hits/);
    assert.match(await plan({ ...base, match: { kind: 'page', path: '/page/1', prefix: true } }), /Index Only Scan using events_hits/);
    // For a few people, their timelines may be cheaper: any index, never the table.
    assert.doesNotMatch(await plan({ ...base, match: { kind: 'page', path: '/page/1', prefix: true }, people: ['prf_1', 'prf_2'] }), /Seq Scan/);
    assert.match(await plan({ ...base, match: { kind: 'event', name: 'Signed Up' }, properties: [{ key: 'plan', json: ['"pro"'] }] }), /Index Scan using events_hits|Bitmap Index Scan on events_hits/);
  });
});
