/**
 * The hot queries of the PostgreSQL store use their indexes on a populated database (20,000
 * profiles, 40,000 identities, 100,000 events, half of them on ten busy profiles, 10,000 merges,
 * 20,000 consent records, 20,000 tombstones): identity lookup, message-id dedupe, tombstone
 * lookup, a timeline page, exact trait search, free-text search, and every statement of an
 * erasure (none may read a whole table while it holds the workspace lock). The plans are printed
 * as test diagnostics (`--test-reporter=spec`); docs/postgres.md shows them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import pg from 'pg';
import { RESOLVE_SQL, TIMELINE_SQL } from '../../src/storage/postgres/profile-queries.js';
import { searchQuery } from '../../src/storage/postgres/search-query.js';
import { openPostgresStore } from '../../src/storage/postgres/store.js';
import { EXISTING_MESSAGES_SQL, OWNERS_SQL, TOMBSTONES_SQL } from '../../src/storage/postgres/write-tx.js';
import { ERASURE_CHAIN_SQL, ERASURE_DELETES } from '../../src/storage/postgres/erase-profile.js';
import { CLAIM_SQL } from '../../src/storage/postgres/webhook-store.js';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';

const PROFILES = 20_000;
const EVENTS = 100_000;
const MERGES = 10_000;
const TOMBSTONES = 20_000;

const POPULATE = `
  INSERT INTO workspaces VALUES ('ws', 'explain', 0), ('other', 'other', 0);
  INSERT INTO profiles (id, workspace_id, created_at, updated_at, traits, state)
    SELECT 'prf_' || lpad(g::text, 6, '0'), CASE WHEN g % 10 = 0 THEN 'other' ELSE 'ws' END, 1700000000000 + g, 1700000000000 + g * 1000,
      json_build_object('email', 'user' || g || '@example.com', 'plan', (ARRAY['free', 'pro', 'team'])[g % 3 + 1], 'name', 'Person ' || g), '{}'
    FROM generate_series(1, ${PROFILES}) g;
  INSERT INTO profile_search (profile_id, workspace_id, traits, search)
    SELECT id, workspace_id, traits::jsonb, lower('anon-' || substr(id, 5) || ' ' || (traits->>'email') || ' ' || (traits->>'name') || ' ' || (traits->>'plan')) FROM profiles;
  INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at)
    SELECT workspace_id, 'anonymous_id', 'anon-' || substr(id, 5), id, 0 FROM profiles
    UNION ALL SELECT workspace_id, 'email', traits->>'email', id, 0 FROM profiles;
  INSERT INTO events (workspace_id, message_id, profile_id, original_profile_id, type, name, anonymous_id, user_id, ts, received_at, body)
    SELECT p.workspace_id, 'msg-' || g, p.id, p.id, 'track', 'Viewed', 'anon-' || substr(p.id, 5), NULL, 1700000000000 + g * 100, 1700000000000 + g * 100, '{"properties":{}}'
    FROM generate_series(1, ${EVENTS}) g
    -- Half the events belong to ten busy profiles (thousands each), the rest spread over everyone.
    JOIN profiles p ON p.id = 'prf_' || lpad((CASE WHEN g % 2 = 0 THEN g % 10 + 1 ELSE g % ${PROFILES} + 1 END)::text, 6, '0');
  INSERT INTO merges (workspace_id, survivor_id, merged_id, cause_kind, cause_value, message_id, at, snapshot)
    SELECT 'ws', 'prf_' || lpad((g % ${PROFILES} + 1)::text, 6, '0'), 'prf_gone_' || g, 'anonymous_id', 'anon-gone-' || g, 'merge-' || g, 0, '{}'
    FROM generate_series(1, ${MERGES}) g;
  INSERT INTO consents (workspace_id, profile_id, message_id, purposes, channel, evidence, request, at, received_at)
    SELECT workspace_id, id, 'consent-' || id, '{"analytics":true}', 'banner', '{}', '{}', 0, 0 FROM profiles;
  INSERT INTO tombstones (workspace_id, hash, erased_at) SELECT 'ws', md5(g::text) || md5((-g)::text), 0 FROM generate_series(1, ${TOMBSTONES}) g;
  INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, profile_id, event, payload, status, attempts, next_attempt_at, created_at, log)
    SELECT 'dlv-' || id, workspace_id, 'wh_1', id, 'lifecycle.changed', '{}', 'delivered', 1, NULL, 0, '[]' FROM profiles;
  INSERT INTO list_subscriptions (workspace_id, list_id, profile_id, status, updated_at) SELECT workspace_id, 'news', id, 'subscribed', 0 FROM profiles;
  INSERT INTO survey_answers (workspace_id, token_id, survey_id, question_id, profile_id, answer, answered_at)
    SELECT workspace_id, 'tok-' || id, 's1', 'q1', id, 'a', 0 FROM profiles;
  INSERT INTO token_uses (workspace_id, token_id, purpose, holder, profile_id, outcome, used_at, keep_until)
    SELECT workspace_id, 'tok-' || id, 'identify', 'anon-' || substr(id, 5), id, '{}', 1700000000000, 1700000000000 + substr(id, 5)::int * 1000 FROM profiles;
  INSERT INTO experiment_assignments (workspace_id, experiment_key, profile_id, variation, unit_value, assigned_at)
    SELECT workspace_id, 'exp-' || (g % 3), id, g % 2, 'anon-' || substr(id, 5), 0 FROM profiles CROSS JOIN generate_series(1, 2) g;
  INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, profile_id, event, payload, status, attempts, next_attempt_at, created_at, log)
    SELECT 'dlv-pending-' || g, 'ws', 'wh_1', 'prf_' || lpad(g::text, 6, '0'), 'lifecycle.changed', '{}', 'pending', 0, 1700000000000 + g * 1000, 0, '[]'
    FROM generate_series(1, 200) g;
  INSERT INTO segment_members (workspace_id, segment_id, profile_id, since, reason)
    SELECT workspace_id, 'seg-' || (g % 5), id, 0, 'r' FROM profiles CROSS JOIN generate_series(1, 2) g;
  INSERT INTO exposure_counters (workspace_id, profile_id, counters, updated_at) SELECT workspace_id, id, '{"exposures":{},"firstSeen":{},"dismissed":{},"lastEvents":{}}', 0 FROM profiles;
  INSERT INTO audience_members (workspace_id, audience_id, format, profile_id, row, seq)
    SELECT workspace_id, 'aud-' || (g % 3), 'meta', id, md5(id) || E'\n', 1 FROM profiles CROSS JOIN generate_series(1, 3) g;
  INSERT INTO segment_due (workspace_id, profile_id, due_at) SELECT workspace_id, id, 1700000000000 FROM profiles;
  INSERT INTO rec_history (workspace_id, profile_id, history, updated_at) SELECT workspace_id, id, '{"items":[]}', 0 FROM profiles;
  INSERT INTO rec_history_next (workspace_id, profile_id, history, updated_at) SELECT workspace_id, id, '{"items":[]}', 0 FROM profiles;
  INSERT INTO analytics_visits (workspace_id, visitor, profile_id, last_at, last_path, state) SELECT workspace_id, 'p:' || id, id, 0, '/', '{}' FROM profiles;
  INSERT INTO analytics_person_visits (workspace_id, profile_id, start, attributes) SELECT workspace_id, id, s, '{}' FROM profiles, generate_series(1, 3) AS s;
  INSERT INTO webhooks (id, workspace_id, url, secret, description, events, active, created_at, updated_at)
    VALUES ('wh_1', 'ws', 'https://crm.test/', 's', '', '["lifecycle.changed"]', true, 0, 0);
`;

describe('postgres store: the hot queries use their indexes', { skip: await postgresSkip() }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  const youngPlans: string[] = [];
  before(async () => {
    db = await createTestDatabase();
    await (await openPostgresStore({ url: db.url, migrate: true })).close();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(POPULATE);
    // Before any ANALYZE, as in the first minute of a new installation.
    for (const [sql, values] of [
      [EXISTING_MESSAGES_SQL, ['ws', ['msg-11', 'msg-12', 'msg-new']]],
      [OWNERS_SQL, ['ws', ['anonymous_id', 'email'], ['anon-000123', 'user123@example.com']]],
    ] as const) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...values]);
      youngPlans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    // Steady state: statistics gathered, and the GIN indexes' pending lists merged (autovacuum's job
    // in production; a fresh pending list makes GIN scans look expensive to the planner).
    await client.query('VACUUM ANALYZE');
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  const explain = async (t: TestContext, title: string, sql: string, values: unknown[]) => {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    t.diagnostic(`${title}\n${sql.replace(/\s+/g, ' ')}\n${plan}`);
    return plan;
  };

  test('identity lookup (findOwners) probes the identities primary key', async (t) => {
    const plan = await explain(t, 'findOwners: owners of three identifiers', OWNERS_SQL,
      ['ws', ['anonymous_id', 'email', 'user_id'], ['anon-000123', 'user123@example.com', 'nobody']]);
    assert.match(plan, /Index Scan using identities_pkey on identities/);
    assert.doesNotMatch(plan, /Seq Scan on identities/);
  });

  test('resolving an identifier probes the identities primary key', async (t) => {
    const plan = await explain(t, 'profiles.resolve: any identifier', RESOLVE_SQL, ['ws', 'user123@example.com', 'user123@example.com', 'user123@example.com']);
    assert.match(plan, /identities_pkey/);
    assert.doesNotMatch(plan, /Seq Scan/);
  });

  test('message-id dedupe probes the unique index', async (t) => {
    const plan = await explain(t, 'existingMessageIds', EXISTING_MESSAGES_SQL, ['ws', ['msg-11', 'msg-12', 'msg-new']]);
    assert.match(plan, /Index (Only )?Scan using events_message on events/);
  });

  test('without statistics yet, the write path still probes every column of the unique indexes', () => {
    assert.match(youngPlans[0]!, /Index Cond: \(\(workspace_id = [^)]+\) AND \(message_id = m\.id\)\)/);
    assert.match(youngPlans[1]!, /Index Cond: \(\(workspace_id = [^)]+\) AND \(kind = k\.kind\) AND \(value = k\.value\)\)/);
  });

  test('a timeline page reads the timeline index in order, without sorting', async (t) => {
    // prf_000003 holds 10,000 events (every g with g % 10 = 2).
    const first = await explain(t, 'profiles.events: first page of a busy profile', TIMELINE_SQL, ['prf_000003', 'ws', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 51]);
    const next = await explain(t, 'profiles.events: a later page (cursor)', TIMELINE_SQL, ['prf_000003', 'ws', 1700000000000 + 60_002 * 100, 60_002, 51]);
    for (const plan of [first, next]) {
      assert.match(plan, /Index Scan using events_timeline on events/);
      assert.doesNotMatch(plan, /Sort/);
    }
  });

  test('exact trait search uses the GIN index on traits', async (t) => {
    const { text, values } = searchQuery('ws', { traits: { email: 'User123@Example.com' }, limit: 50 });
    const plan = await explain(t, 'profiles.search: trait.email=User123@Example.com', text, values);
    assert.match(plan, /Bitmap Index Scan on profile_search_traits/);
  });

  test('free-text search uses the trigram index when pg_trgm is installed', async (t) => {
    const { rows } = await client.query("SELECT 1 FROM pg_indexes WHERE indexname = 'profile_search_text'");
    const { text, values } = searchQuery('ws', { q: 'person 1234', limit: 50 });
    const plan = await explain(t, 'profiles.search: q=person 1234', text, values);
    if (rows.length === 0) t.skip('pg_trgm is not installed on this server: free text scans the workspace');
    else assert.match(plan, /Bitmap Index Scan on profile_search_text/);
  });

  test('a token claim deletes the expired uses through their index', async (t) => {
    await client.query('BEGIN');
    try {
      const plan = await explain(t, 'token uses: purge expired', 'DELETE FROM token_uses WHERE keep_until < $1', [1700000000000 + 50_000]);
      assert.match(plan, /Index (Only )?Scan using token_uses_keep_until|Bitmap Index Scan on token_uses_keep_until/);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  test('tombstone lookup probes the tombstones primary key', async (t) => {
    const plan = await explain(t, 'findTombstones', TOMBSTONES_SQL, ['ws', ['a'.repeat(64), 'b'.repeat(64)]]);
    assert.match(plan, /Index Only Scan using tombstones_pkey on tombstones/);
  });

  test('every statement of an erasure uses an index (none reads a whole table while the workspace is locked)', async (t) => {
    // prf_000003 holds 10,000 events. Run inside a transaction that is rolled back.
    await client.query('BEGIN');
    try {
      const chain = await explain(t, 'erasure: the profile and those merged into it, locked', ERASURE_CHAIN_SQL, ['ws', 'prf_000003']);
      assert.doesNotMatch(chain, /Seq Scan/);
      for (const [name, sql] of Object.entries(ERASURE_DELETES)) {
        const plan = await explain(t, `erasure: delete ${name}`, sql, ['ws', ['prf_000003']]);
        assert.doesNotMatch(plan, /Seq Scan/, name);
      }
    } finally {
      await client.query('ROLLBACK');
    }
  });

  test('the delivery worker claims due deliveries through the partial index of pending ones', async (t) => {
    await client.query('BEGIN');
    try {
      const claim = await explain(t, 'webhooks.claim: 16 due deliveries', CLAIM_SQL, [1700000000000 + 100_000, 16, 30_000, 'lease']);
      assert.match(claim, /webhook_deliveries_due/);
      assert.doesNotMatch(claim, /Seq Scan on webhook_deliveries/);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  test('listing profiles by last update reads the partial index in order', async (t) => {
    const { text, values } = searchQuery('ws', { limit: 50 });
    const plan = await explain(t, 'profiles.search: no filter (the admin list)', text, values);
    assert.match(plan, /Index (Only )?Scan using profiles_workspace_updated on profiles/);
    assert.doesNotMatch(plan, /Sort/);
  });
});
