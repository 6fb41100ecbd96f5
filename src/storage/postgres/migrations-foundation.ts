/**
 * Versions 1–15 of the postgres schema: the profile engine itself — collection, identities and
 * merges, profiles, segments and computed traits, privacy and consent, email links and forms, lead
 * scoring, webhooks, experiment assignments, decisions and persona models. Listed in order by
 * migrations.ts; never edit an applied version.
 */
import type { Migration } from '../shared/migration.js';

export const foundationMigrations: Migration[] = [
  {
    version: 1,
    name: 'workspaces, profiles, identities, events, merges',
    sql: `
      CREATE TABLE workspaces (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE api_keys (
        id text COLLATE "C" PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces(id),
        kind text NOT NULL CHECK (kind IN ('write', 'admin')),
        hash text COLLATE "C" NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint
      );
      CREATE INDEX api_keys_workspace ON api_keys(workspace_id);
      CREATE TABLE profiles (
        id text COLLATE "C" PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        merged_into text COLLATE "C",
        traits json NOT NULL,
        state json NOT NULL
      );
      CREATE INDEX profiles_workspace_updated ON profiles(workspace_id, updated_at DESC, id) WHERE merged_into IS NULL;
      CREATE INDEX profiles_merged_into ON profiles(merged_into) WHERE merged_into IS NOT NULL;
      CREATE TABLE profile_search (
        profile_id text COLLATE "C" PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        traits jsonb NOT NULL,
        search text NOT NULL
      );
      CREATE INDEX profile_search_traits ON profile_search USING gin (traits jsonb_path_ops);
      CREATE TABLE identities (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        value text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        first_seen_at bigint NOT NULL,
        message_id text,
        PRIMARY KEY (workspace_id, kind, value)
      );
      CREATE INDEX identities_profile ON identities(profile_id);
      CREATE TABLE events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        original_profile_id text COLLATE "C" NOT NULL,
        type text NOT NULL,
        name text,
        anonymous_id text,
        user_id text,
        ts bigint NOT NULL,
        received_at bigint NOT NULL,
        body json NOT NULL
      );
      CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);
      CREATE INDEX events_timeline ON events(profile_id, ts DESC, seq DESC);
      CREATE TABLE merges (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        survivor_id text COLLATE "C" NOT NULL,
        merged_id text COLLATE "C" NOT NULL,
        cause_kind text NOT NULL,
        cause_value text NOT NULL,
        message_id text NOT NULL,
        at bigint NOT NULL,
        snapshot json NOT NULL
      );
      CREATE INDEX merges_survivor ON merges(survivor_id);
      CREATE INDEX merges_merged ON merges(merged_id);
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
           AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
          BEGIN
            CREATE EXTENSION pg_trgm;
          EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm could not be installed (%); free-text search will scan', SQLERRM;
          END;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          EXECUTE 'CREATE INDEX profile_search_text ON profile_search USING gin (search gin_trgm_ops)';
        END IF;
      END $$;
    `,
  },
  {
    version: 2,
    name: 'privacy: settings, consent ledger, counters, tombstones, audit log',
    sql: `
      CREATE TABLE privacy_settings (
        workspace_id text COLLATE "C" PRIMARY KEY,
        settings json,
        secret text,
        updated_at bigint NOT NULL
      );
      CREATE TABLE consents (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        purposes json NOT NULL,
        channel text NOT NULL,
        wording_version text,
        wording_hash text COLLATE "C",
        evidence json NOT NULL,
        request json NOT NULL,
        at bigint NOT NULL,
        received_at bigint NOT NULL
      );
      CREATE INDEX consents_profile ON consents(profile_id, seq);
      CREATE TABLE consent_wordings (
        workspace_id text COLLATE "C" NOT NULL,
        hash text COLLATE "C" NOT NULL,
        version text NOT NULL,
        text text,
        first_seen_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, hash)
      );
      CREATE TABLE privacy_counters (
        workspace_id text COLLATE "C" NOT NULL,
        day date NOT NULL,
        kind text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (workspace_id, day, kind, name)
      );
      CREATE TABLE tombstones (
        workspace_id text COLLATE "C" NOT NULL,
        hash text COLLATE "C" NOT NULL,
        erased_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, hash)
      );
      CREATE TABLE audit_log (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        subject text,
        details json NOT NULL
      );
      CREATE INDEX audit_log_workspace ON audit_log(workspace_id, seq DESC);
      CREATE INDEX events_workspace_ts ON events(workspace_id, ts);
      CREATE INDEX events_moved ON events(original_profile_id) WHERE original_profile_id <> profile_id;
      CREATE INDEX events_other_profile ON events((body->'properties'->>'otherProfileId')) WHERE type = 'system';
    `,
  },
  {
    version: 3,
    name: 'segments and computed traits: definitions, memberships, scheduler due times',
    sql: `
      CREATE TABLE definitions (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL CHECK (kind IN ('segment', 'computed')),
        id text COLLATE "C" NOT NULL,
        body jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        backfill jsonb,
        PRIMARY KEY (workspace_id, kind, id)
      );
      CREATE TABLE segment_members (
        workspace_id text COLLATE "C" NOT NULL,
        segment_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        since bigint NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (workspace_id, segment_id, profile_id)
      );
      CREATE INDEX segment_members_profile ON segment_members(profile_id);
      CREATE TABLE segment_due (
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        due_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      );
      CREATE INDEX segment_due_at ON segment_due(due_at);
      CREATE INDEX profiles_workspace_id ON profiles(workspace_id, id) WHERE merged_into IS NULL;
    `,
  },
  {
    version: 4,
    name: 'scoring and lifecycle configuration, webhooks, webhook deliveries (outbox)',
    sql: `
      CREATE TABLE workspace_configs (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        value json NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, kind)
      );
      CREATE TABLE webhooks (
        id text COLLATE "C" PRIMARY KEY,
        workspace_id text COLLATE "C" NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        description text NOT NULL,
        events json NOT NULL,
        segment_ids json,
        stages json,
        active boolean NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX webhooks_workspace ON webhooks(workspace_id, created_at);
      CREATE TABLE webhook_deliveries (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text COLLATE "C" NOT NULL UNIQUE,
        workspace_id text COLLATE "C" NOT NULL,
        webhook_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        event text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL,
        next_attempt_at bigint,
        lease text,
        lease_until bigint,
        created_at bigint NOT NULL,
        delivered_at bigint,
        log json NOT NULL
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, seq DESC);
      CREATE INDEX webhook_deliveries_profile ON webhook_deliveries(profile_id);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(created_at) WHERE status <> 'pending';
    `,
  },
  {
    version: 5,
    name: 'forms: definitions and per-day counters of views, starts, submits and abandons',
    sql: `
      CREATE TABLE forms (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        definition json NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE form_counters (
        workspace_id text COLLATE "C" NOT NULL,
        form_id text COLLATE "C" NOT NULL,
        day date NOT NULL,
        scope text COLLATE "C" NOT NULL,
        metric text COLLATE "C" NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (workspace_id, form_id, day, scope, metric)
      );
    `,
  },
  {
    version: 6,
    name: 'email links: signing keyring, link settings, lists and subscriptions, surveys and answers',
    sql: `
      CREATE TABLE signing_keys (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        secret text NOT NULL,
        created_at bigint NOT NULL,
        retired_at bigint,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE link_settings (
        workspace_id text COLLATE "C" PRIMARY KEY,
        settings json NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE TABLE email_lists (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        definition json NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE list_subscriptions (
        workspace_id text COLLATE "C" NOT NULL,
        list_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'subscribed', 'unsubscribed')),
        request_id text COLLATE "C",
        requested_at bigint,
        confirmed_at bigint,
        unsubscribed_at bigint,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, list_id, profile_id)
      );
      CREATE INDEX list_subscriptions_profile ON list_subscriptions(workspace_id, profile_id);
      CREATE TABLE surveys (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        definition json NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE survey_answers (
        workspace_id text COLLATE "C" NOT NULL,
        token_id text COLLATE "C" NOT NULL,
        survey_id text COLLATE "C" NOT NULL,
        question_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        answer text NOT NULL,
        message_id text,
        answered_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, token_id)
      );
      CREATE INDEX survey_answers_profile ON survey_answers(workspace_id, profile_id);
      CREATE INDEX survey_answers_survey ON survey_answers(workspace_id, survey_id, question_id);
    `,
  },
  {
    version: 7,
    name: 'indexes for erasure (SQLite only: PostgreSQL has had them since version 2)',
    // Kept so that both stores share version numbers; nothing to do here.
    sql: 'SELECT 1;',
  },
  {
    version: 8,
    name: 'the index of system entries naming another profile holds only Merge Refused entries',
    // Segment entries and exits and lifecycle moves are system events too, one per change: each
    // had its body's JSON read for this index on insert, for a key that is always null.
    sql: `
      DROP INDEX events_other_profile;
      CREATE INDEX events_other_profile ON events((body->'properties'->>'otherProfileId')) WHERE type = 'system' AND name = 'Merge Refused';
    `,
  },
  {
    version: 9,
    name: 'merges can be undone: when and by whom',
    sql: `
      ALTER TABLE merges ADD COLUMN undone_at bigint;
      ALTER TABLE merges ADD COLUMN undone_cause text;
    `,
  },
  {
    version: 10,
    name: 'uses of single-use link tokens (a recognition token is bound to the first device that used it)',
    // Rows live until keep_until (the token's expiry plus a margin); every claim deletes the
    // expired ones through token_uses_keep_until. Erasure and the export find them by profile.
    sql: `
      CREATE TABLE token_uses (
        workspace_id text COLLATE "C" NOT NULL,
        token_id text COLLATE "C" NOT NULL,
        purpose text NOT NULL,
        holder text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        outcome jsonb NOT NULL,
        used_at bigint NOT NULL,
        keep_until bigint NOT NULL,
        PRIMARY KEY (workspace_id, token_id)
      );
      CREATE INDEX token_uses_profile ON token_uses(workspace_id, profile_id);
      CREATE INDEX token_uses_keep_until ON token_uses(keep_until);
    `,
  },
  {
    version: 11,
    name: 'dead letters: events ingest failed on by themselves, with the identifiers they name',
    // ports/dead-letter-store.ts. The keys table lets export and erasure find a letter by any
    // identifier of the person, also when the event never reached a profile.
    sql: `
      CREATE TABLE dead_letters (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        event jsonb NOT NULL,
        error text NOT NULL,
        failed_at bigint NOT NULL,
        attempts integer NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE dead_letter_keys (
        workspace_id text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        value text COLLATE "C" NOT NULL,
        dead_letter_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (workspace_id, kind, value, dead_letter_id)
      );
      CREATE INDEX dead_letter_keys_letter ON dead_letter_keys(workspace_id, dead_letter_id);
    `,
  },
  {
    version: 12,
    name: 'consent wording texts other than the workspace\'s own stay on the person\'s consent record; trait search compares folded text',
    // As SQLite's version 9 for the wordings. And profile_search.traits now holds the traits as
    // search compares them (storage/shared/codec.ts, searchTraits: text trimmed and lower-cased,
    // also inside lists). Rows written before are folded here by PostgreSQL's lower(), which follows
    // the database's LC_CTYPE: under a C.UTF-8 or a language locale it lower-cases beyond ASCII as
    // JavaScript does; under plain "C" only ASCII, until the profile's traits next change.
    sql: `
      ALTER TABLE consents ADD COLUMN wording_text text;
      UPDATE consents c SET wording_text = w.text FROM consent_wordings w
        WHERE w.workspace_id = c.workspace_id AND w.hash = c.wording_hash AND w.text IS NOT NULL;
      DELETE FROM consent_wordings;
      UPDATE profile_search SET traits = (
        SELECT coalesce(jsonb_object_agg(t.key, CASE jsonb_typeof(t.value)
          WHEN 'string' THEN to_jsonb(lower(regexp_replace(t.value #>> '{}', '^\\s+|\\s+$', '', 'g')))
          WHEN 'array' THEN (SELECT coalesce(jsonb_agg(CASE jsonb_typeof(e.item) WHEN 'string' THEN to_jsonb(lower(regexp_replace(e.item #>> '{}', '^\\s+|\\s+$', '', 'g'))) ELSE e.item END ORDER BY e.n), '[]'::jsonb)
            FROM jsonb_array_elements(t.value) WITH ORDINALITY AS e(item, n))
          ELSE t.value END), '{}'::jsonb)
        FROM jsonb_each(profile_search.traits) AS t);
    `,
  },
  {
    version: 13,
    name: 'experiments and their sticky assignments, one per profile and experiment',
    // ports/experiment-store.ts. Merges move assignments in the write transaction; erasure and the
    // export find them by profile.
    sql: `
      CREATE TABLE experiments (
        workspace_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        definition jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, key)
      );
      CREATE TABLE experiment_assignments (
        workspace_id text COLLATE "C" NOT NULL,
        experiment_key text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        variation integer NOT NULL,
        unit_value text NOT NULL,
        assigned_at bigint NOT NULL,
        contaminated boolean NOT NULL DEFAULT false,
        PRIMARY KEY (workspace_id, experiment_key, profile_id)
      );
      CREATE INDEX experiment_assignments_profile ON experiment_assignments(workspace_id, profile_id);
    `,
  },
  {
    version: 14,
    name: 'personalization decisions: slots, decision settings, per-person exposure counters',
    // ports/decision-store.ts. exposure_counters is personal data: erased and exported with the
    // person, merged into the survivor on a profile merge.
    sql: `
      CREATE TABLE decision_slots (
        workspace_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        body jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE TABLE decision_settings (
        workspace_id text COLLATE "C" NOT NULL PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE TABLE exposure_counters (
        workspace_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        counters jsonb NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      );
    `,
  },
  {
    version: 15,
    name: 'persona models: aggregates only, no profile ids',
    // ports/persona-store.ts. The person → persona link lives in the profile's state, not here.
    sql: `
      CREATE TABLE persona_models (
        workspace_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        fitted_at bigint NOT NULL,
        model jsonb NOT NULL,
        PRIMARY KEY (workspace_id, version)
      );
    `,
  },
];
