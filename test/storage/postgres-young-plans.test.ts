/**
 * A new installation starts with empty tables and, until autovacuum's first ANALYZE (or forever
 * where autovacuum is off), no statistics. A statement that PostgreSQL caches as a generic plan
 * while the tables are empty keeps that plan as they grow. For the message-id dedupe of every
 * ingest, such a plan took the (workspace_id, ts) index, which also starts with the workspace, and
 * filtered the whole workspace's events for each id: single-event ingest fell to a fifth after a
 * few tens of thousands of events. The test sends the lookup exactly as the write path does, while
 * the events table is empty and after it has grown, and reads from the index statistics which
 * index answered. The lookups that stay named statements are planned as generic plans on the empty
 * tables and explained as planned: each must probe every column of its index.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { RESOLVE_SQL, TIMELINE_SQL } from '../../src/storage/postgres/profile-queries.js';
import { existingMessagesQuery, OWNERS_SQL, TOMBSTONES_SQL } from '../../src/storage/postgres/write-tx.js';
import { CLAIM_SQL } from '../../src/storage/postgres/webhook-store.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';

describe('postgres store: plans made while the database is young', { skip: await postgresSkip() }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  before(async () => {
    db = await createTestDatabase();
    await (await openPostgresStore({ url: db.url, migrate: true })).close();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("INSERT INTO workspaces VALUES ('ws', 'young', 0)");
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  /** Index scans of the events indexes so far, this session's included. */
  const scans = async (): Promise<Record<string, number>> => {
    await client.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await client.query<{ indexrelname: string; idx_scan: string }>(
      "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = 'events' AND indexrelname IN ('events_message', 'events_workspace_ts')");
    return Object.fromEntries(rows.map((r) => [r.indexrelname, Number(r.idx_scan)]));
  };

  test('message-id dedupe probes the unique index after the events table has grown', async () => {
    // Young: more executions than PostgreSQL needs before it considers a generic plan (five).
    // Each with a batch's worth of ids, as ingest sends them.
    for (let i = 0; i < 12; i++) {
      const { rows } = await client.query(existingMessagesQuery('ws', Array.from({ length: 30 }, (_, j) => `young-${i}-${j}`)));
      assert.equal(rows.length, 0);
    }
    await client.query(`INSERT INTO events (workspace_id, message_id, profile_id, original_profile_id, type, name, anonymous_id, user_id, ts, received_at, body)
      SELECT 'ws', 'msg-' || g, 'prf_' || (g % 5000), 'prf_' || (g % 5000), 'track', 'Viewed', 'anon-' || (g % 5000), NULL, 1700000000000 + g, 1700000000000 + g, '{}'
      FROM generate_series(1, 60000) g`);

    const before = await scans();
    const asked = ['msg-17', 'msg-59999', ...Array.from({ length: 28 }, (_, j) => `msg-none-${j}`)];
    const { rows } = await client.query<{ message_id: string }>(existingMessagesQuery('ws', asked));
    const afterwards = await scans();
    assert.deepEqual(rows.map((r) => r.message_id).sort(), ['msg-17', 'msg-59999']);
    assert.equal(afterwards.events_workspace_ts! - before.events_workspace_ts!, 0, 'the (workspace_id, ts) index must not answer a message-id lookup');
    assert.equal(afterwards.events_message! - before.events_message!, asked.length, `one probe of events_message per id: ${JSON.stringify({ before, afterwards })}`);
  });

  test('the named lookups, planned as generic plans on empty tables, probe every column of their index', async () => {
    // A database of its own: these plans are made while every table is empty.
    const fresh = await createTestDatabase();
    await (await openPostgresStore({ url: fresh.url, migrate: true })).close();
    const young = new pg.Client({ connectionString: fresh.url });
    await young.connect();
    try {
      const statements = [
        { name: 'owners', sql: OWNERS_SQL, args: "('ws', '{anonymous_id,email}', '{anon-1,a@example.com}')", index: /Index Cond: \(\(workspace_id = \$1\) AND \(kind = k\.kind\) AND \(value = k\.value\)\)/ },
        { name: 'resolve', sql: RESOLVE_SQL, args: "('ws', 'anon-1', 'anon-1', 'anon-1')", index: /Index Cond: \(\(workspace_id = \$1\) AND \(kind = \S+\) AND \(value = \S+\)\)/ },
        { name: 'tombstones', sql: TOMBSTONES_SQL, args: "('ws', '{abc}')", index: /Index Cond: \(\(workspace_id = \$1\) AND \(hash = t\.hash\)\)/ },
        { name: 'claim', sql: CLAIM_SQL, args: "(1700000100000, 16, 30000, 'lease')", index: /Index Scan using webhook_deliveries_due on webhook_deliveries c/ },
        { name: 'timeline', sql: TIMELINE_SQL, args: "('prf_1', 'ws', 9007199254740991, 9007199254740991, 51)", index: /Index Scan using events_timeline on events[^\n]*\n\s+Index Cond: \(\(profile_id = \$1\)/ },
      ];
      await young.query('SET plan_cache_mode = force_generic_plan');
      // The plan PostgreSQL caches once it prefers a generic one, made while the tables are empty, is read at once:
      // it is the plan such a session keeps while the tables grow. (Reading it after rows went in tests the server's
      // cache instead: a burst of DDL in other databases of the server overflows the shared invalidation queue,
      // every session then drops its cached plans, and PostgreSQL plans anew from the grown tables.)
      for (const s of statements) {
        await young.query(`PREPARE ${s.name} AS ${s.sql}`);
        await young.query(`EXECUTE ${s.name}${s.args}`);
        const { rows } = await young.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${s.name}${s.args}`);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(plan, s.index, `${s.name}:\n${plan}`);
        // The webhooks table holds a few rows per workspace: the planner may read it whole.
        assert.doesNotMatch(plan, /Seq Scan on (?!webhooks )|Bitmap/, `${s.name}:\n${plan}`);
      }
    } finally {
      await young.end();
      await fresh.drop();
    }
  });
});
