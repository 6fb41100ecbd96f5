/**
 * Versions 16 to 29 of the postgres schema: the capabilities built on the profile engine — server
 * keys, slot reports, web analytics, users and sessions, recommendations, experiment aggregates,
 * audiences and message webhooks. Listed in order by migrations.ts; new versions go in
 * migrations-at-scale.ts; never edit an applied version.
 */
import type { Migration } from '../shared/migration.js';

export const capabilityMigrations: Migration[] = [
  {
    version: 16,
    name: 'server keys with scopes',
    // workspaces/api-keys.ts: a third key kind, `server` (sk_…), with its scopes ('[]' for write and
    // admin keys). The kind's CHECK is replaced in place (PostgreSQL named it api_keys_kind_check).
    sql: `
      ALTER TABLE api_keys DROP CONSTRAINT api_keys_kind_check;
      ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('write', 'admin', 'server'));
      ALTER TABLE api_keys ADD COLUMN scopes jsonb NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 17,
    name: 'slot reports: counts per slot, variant, rule, depth and local day (no person ids)',
    // ports/slot-report-store.ts. Written by ingest with the exposure counters.
    sql: `
      CREATE TABLE slot_reports (
        workspace_id text COLLATE "C" NOT NULL,
        slot_id text COLLATE "C" NOT NULL,
        day text COLLATE "C" NOT NULL,
        variant_id text COLLATE "C" NOT NULL,
        rule_id text COLLATE "C" NOT NULL,
        depth text COLLATE "C" NOT NULL,
        impressions bigint NOT NULL DEFAULT 0,
        clicks bigint NOT NULL DEFAULT 0,
        dismissals bigint NOT NULL DEFAULT 0,
        conversions bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, slot_id, day, variant_id, rule_id, depth)
      );
    `,
  },
  {
    version: 18,
    name: 'web analytics: hourly rollups, visitor sketches, open visits',
    // ports/analytics-store.ts. Rollups and sketches hold no identifiers (paths, hosts, tags, classes);
    // analytics_visits is person-level (the open visit of a profile or a cookieless daily visitor)
    // and is erased with the profile.
    sql: `
      CREATE TABLE analytics_rollups (
        workspace_id text COLLATE "C" NOT NULL,
        dim text COLLATE "C" NOT NULL,
        hour integer NOT NULL,
        value text COLLATE "C" NOT NULL,
        audience text COLLATE "C" NOT NULL,
        channel text COLLATE "C" NOT NULL,
        device text COLLATE "C" NOT NULL,
        pageviews bigint NOT NULL DEFAULT 0,
        visits bigint NOT NULL DEFAULT 0,
        bounces bigint NOT NULL DEFAULT 0,
        duration_ms bigint NOT NULL DEFAULT 0,
        visible_ms bigint NOT NULL DEFAULT 0,
        entries bigint NOT NULL DEFAULT 0,
        exits bigint NOT NULL DEFAULT 0,
        events bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, dim, hour, value, audience, channel, device)
      );
      CREATE TABLE analytics_sketches (
        workspace_id text COLLATE "C" NOT NULL,
        dim text COLLATE "C" NOT NULL,
        hour integer NOT NULL,
        value text COLLATE "C" NOT NULL,
        audience text COLLATE "C" NOT NULL,
        channel text COLLATE "C" NOT NULL,
        device text COLLATE "C" NOT NULL,
        sketch bytea NOT NULL,
        PRIMARY KEY (workspace_id, dim, hour, value, audience, channel, device)
      );
      CREATE TABLE analytics_visits (
        workspace_id text COLLATE "C" NOT NULL,
        visitor text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C",
        last_at bigint NOT NULL,
        last_path text,
        state jsonb NOT NULL,
        PRIMARY KEY (workspace_id, visitor)
      );
      CREATE INDEX analytics_visits_last ON analytics_visits (workspace_id, last_at);
      CREATE INDEX analytics_visits_profile ON analytics_visits (workspace_id, profile_id);
    `,
  },
  {
    version: 19,
    name: 'users, their sessions, and one-time sign-in tokens (issue 19)',
    // ports/user-store.ts. Staff, not profiles: not in a person's export or erasure. Secrets are
    // hashes only (Argon2id for passwords, SHA-256 of 256-bit random ids for sessions and tokens).
    sql: `
      CREATE TABLE users (
        id text COLLATE "C" NOT NULL PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        email text COLLATE "C" NOT NULL UNIQUE,
        name text COLLATE "C" NOT NULL,
        role text COLLATE "C" NOT NULL,
        password_hash text COLLATE "C",
        disabled boolean NOT NULL DEFAULT false,
        failed_sign_ins integer NOT NULL DEFAULT 0,
        locked_until bigint,
        last_sign_in_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX users_workspace ON users(workspace_id, email);
      CREATE TABLE user_sessions (
        id_hash text COLLATE "C" NOT NULL PRIMARY KEY,
        user_id text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        last_seen_at bigint NOT NULL
      );
      CREATE INDEX user_sessions_user ON user_sessions(user_id);
      CREATE INDEX user_sessions_seen ON user_sessions(last_seen_at);
      CREATE TABLE user_tokens (
        hash text COLLATE "C" NOT NULL PRIMARY KEY,
        purpose text COLLATE "C" NOT NULL,
        workspace_id text COLLATE "C" NOT NULL,
        user_id text COLLATE "C",
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        used_at bigint
      );
      CREATE INDEX user_tokens_purpose ON user_tokens(purpose, user_id);
    `,
  },
  {
    version: 20,
    name: 'recommendations: item catalogue, co-occurrence and popularity (aggregates), recent item history per person',
    // See the SQLite migration 20 for what each table holds.
    sql: `
      CREATE TABLE rec_items (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        source text NOT NULL,
        body json NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE rec_item_categories (
        workspace_id text COLLATE "C" NOT NULL,
        category text COLLATE "C" NOT NULL,
        item_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (workspace_id, category, item_id)
      );
      CREATE INDEX rec_item_categories_item ON rec_item_categories (workspace_id, item_id);
      CREATE TABLE rec_pairs (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        item_id text COLLATE "C" NOT NULL,
        other_id text COLLATE "C" NOT NULL,
        score double precision NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id, other_id)
      );
      CREATE INDEX rec_pairs_top ON rec_pairs (workspace_id, kind, item_id, score DESC);
      CREATE TABLE rec_item_stats (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        item_id text COLLATE "C" NOT NULL,
        long_score double precision NOT NULL,
        short_score double precision NOT NULL,
        PRIMARY KEY (workspace_id, kind, item_id)
      );
      CREATE INDEX rec_item_stats_long ON rec_item_stats (workspace_id, kind, long_score DESC);
      CREATE TABLE rec_history (
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        history json NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      );
    `,
  },
  {
    version: 21,
    name: 'experiment aggregates kept at ingest, metrics generations, recompute progress, bandit weight history',
    // ports/experiment-store.ts. Aggregates are anonymous sums per experiment × generation × variation × metric ×
    // day; the per-person state they are kept from lives in the profile's state (core/experiments/unit-state.ts).
    sql: `
      ALTER TABLE experiments ADD COLUMN metrics_generation integer NOT NULL DEFAULT 0;
      CREATE TABLE experiment_aggregates (
        workspace_id text COLLATE "C" NOT NULL,
        experiment_key text COLLATE "C" NOT NULL,
        generation integer NOT NULL,
        variation integer NOT NULL,
        metric_id text COLLATE "C" NOT NULL,
        day text COLLATE "C" NOT NULL,
        units double precision NOT NULL, sum double precision NOT NULL, sum_sq double precision NOT NULL,
        den double precision NOT NULL, den_sq double precision NOT NULL, cross_sum double precision NOT NULL,
        pre double precision NOT NULL, pre_sq double precision NOT NULL, pre_cross double precision NOT NULL,
        PRIMARY KEY (workspace_id, experiment_key, generation, variation, metric_id, day)
      );
      CREATE TABLE experiment_recomputes (
        workspace_id text COLLATE "C" NOT NULL,
        experiment_key text COLLATE "C" NOT NULL,
        generation integer NOT NULL,
        cursor text COLLATE "C" NOT NULL,
        processed bigint NOT NULL,
        started_at bigint NOT NULL,
        finished_at bigint,
        PRIMARY KEY (workspace_id, experiment_key)
      );
      CREATE TABLE experiment_weights (
        workspace_id text COLLATE "C" NOT NULL,
        experiment_key text COLLATE "C" NOT NULL,
        at bigint NOT NULL,
        weights jsonb NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (workspace_id, experiment_key, at)
      );
    `,
  },
  {
    version: 22,
    name: 'audiences for ad platforms and their export state',
    // ports/audience-store.ts. audience_members is derived from personal data (hashed rows per
    // person): erased and exported with the person.
    sql: `
      CREATE TABLE audiences (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        definition jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE audience_members (
        workspace_id text COLLATE "C" NOT NULL,
        audience_id text COLLATE "C" NOT NULL,
        format text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        row text NOT NULL,
        seq integer NOT NULL,
        PRIMARY KEY (workspace_id, audience_id, format, profile_id)
      );
      CREATE INDEX audience_members_profile ON audience_members (workspace_id, profile_id);
      CREATE TABLE audience_exports (
        workspace_id text COLLATE "C" NOT NULL,
        audience_id text COLLATE "C" NOT NULL,
        format text COLLATE "C" NOT NULL,
        summary jsonb NOT NULL,
        PRIMARY KEY (workspace_id, audience_id, format)
      );
    `,
  },
  {
    version: 23,
    name: 'message webhooks: their campaign tags, and suppressed deliveries',
    // core/webhooks/webhook.ts `message`; a delivery a frequency cap stopped is 'suppressed'.
    sql: `
      ALTER TABLE webhooks ADD COLUMN message jsonb;
      ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check;
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'dead', 'suppressed'));
    `,
  },
  {
    version: 25,
    name: 'the web-analytics hit of each event, indexed for funnels and retention',
    // events.hit: 'p' + page path or 'e' + custom event name (core/analytics/hit-key.ts), null for an
    // event analytics does not count. Written by ingest from this version on (older events have none).
    // Adding a nullable column is a catalogue change; the partial index starts empty.
    sql: `
      ALTER TABLE events ADD COLUMN hit text COLLATE "C";
      CREATE INDEX events_hits ON events(workspace_id, hit, ts) INCLUDE (profile_id, seq) WHERE hit IS NOT NULL;
    `,
  },
  {
    version: 27,
    name: 'recommendations: views and clicks of recommended lists per list, strategy, source and day (aggregates)',
    // ports/recommendation-store.ts listReport. No profile id: list ids and strategies are plain
    // labels (core/recommendations/feedback.ts). Rotation's per-person counts live in rec_history.
    sql: `
      CREATE TABLE rec_list_stats (
        workspace_id text COLLATE "C" NOT NULL,
        list_id text COLLATE "C" NOT NULL,
        strategy text COLLATE "C" NOT NULL,
        source text COLLATE "C" NOT NULL,
        day bigint NOT NULL,
        views bigint NOT NULL,
        impressions bigint NOT NULL,
        clicks bigint NOT NULL,
        click_positions bigint NOT NULL,
        click_position_sum bigint NOT NULL,
        PRIMARY KEY (workspace_id, day, list_id, strategy, source)
      );
    `,
  },
];
