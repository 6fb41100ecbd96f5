/**
 * A new installation starts with empty tables and, until autovacuum's first ANALYZE (or forever
 * where autovacuum is off), no statistics. A statement that PostgreSQL caches as a generic plan
 * while the tables are empty keeps that plan as they grow. For the message-id dedupe of every
 * ingest, such a plan took the (workspace_id, ts) index, which also starts with the workspace, and
 * filtered the whole workspace's events for each id: single-event ingest fell to a fifth after a
 * few tens of thousands of events. The test sends the lookup exactly as the write path does, while
 * the events table is empty and after it has grown, and reads from the index statistics which
 * index answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { existingMessagesQuery } from '../../src/storage/postgres/write-tx.js';
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
});
