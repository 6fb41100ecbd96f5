/**
 * Versions 1–15 of the sqlite schema: the profile engine itself — collection, identities and
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
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        kind TEXT NOT NULL CHECK (kind IN ('write', 'admin')),
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX api_keys_workspace ON api_keys(workspace_id);
      CREATE TABLE profiles (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        merged_into TEXT,
        traits TEXT NOT NULL,
        state TEXT NOT NULL,
        search TEXT NOT NULL
      );
      CREATE INDEX profiles_workspace_updated ON profiles(workspace_id, updated_at DESC, id) WHERE merged_into IS NULL;
      CREATE INDEX profiles_merged_into ON profiles(merged_into) WHERE merged_into IS NOT NULL;
      CREATE TABLE identities (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL,
        message_id TEXT,
        PRIMARY KEY (workspace_id, kind, value)
      ) WITHOUT ROWID;
      CREATE INDEX identities_profile ON identities(profile_id);
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        original_profile_id TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT,
        anonymous_id TEXT,
        user_id TEXT,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);
      CREATE INDEX events_timeline ON events(profile_id, ts DESC, seq DESC);
      CREATE TABLE merges (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        survivor_id TEXT NOT NULL,
        merged_id TEXT NOT NULL,
        cause_kind TEXT NOT NULL,
        cause_value TEXT NOT NULL,
        message_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        snapshot TEXT NOT NULL
      );
      CREATE INDEX merges_survivor ON merges(survivor_id);
      CREATE INDEX merges_merged ON merges(merged_id);
    `,
  },
  {
    version: 2,
    name: 'privacy: settings, consent ledger, counters, tombstones, audit log',
    sql: `
      CREATE TABLE privacy_settings (
        workspace_id TEXT PRIMARY KEY,
        settings TEXT,
        secret TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE consents (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        purposes TEXT NOT NULL,
        channel TEXT NOT NULL,
        wording_version TEXT,
        wording_hash TEXT,
        evidence TEXT NOT NULL,
        request TEXT NOT NULL,
        at INTEGER NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX consents_profile ON consents(profile_id, seq);
      CREATE TABLE consent_wordings (
        workspace_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        version TEXT NOT NULL,
        text TEXT,
        first_seen_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, hash)
      ) WITHOUT ROWID;
      CREATE TABLE privacy_counters (
        workspace_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, day, kind, name)
      ) WITHOUT ROWID;
      CREATE TABLE tombstones (
        workspace_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        erased_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, hash)
      ) WITHOUT ROWID;
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_log_workspace ON audit_log(workspace_id, seq DESC);
      CREATE INDEX events_workspace_ts ON events(workspace_id, ts);
    `,
  },
  {
    version: 3,
    name: 'segments and computed traits: definitions, memberships, scheduler due times',
    sql: `
      CREATE TABLE definitions (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('segment', 'computed')),
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        backfill TEXT,
        PRIMARY KEY (workspace_id, kind, id)
      ) WITHOUT ROWID;
      CREATE TABLE segment_members (
        workspace_id TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        since INTEGER NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (workspace_id, segment_id, profile_id)
      ) WITHOUT ROWID;
      CREATE INDEX segment_members_profile ON segment_members(profile_id);
      CREATE TABLE segment_due (
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      ) WITHOUT ROWID;
      CREATE INDEX segment_due_at ON segment_due(due_at);
      CREATE INDEX profiles_workspace_id ON profiles(workspace_id, id) WHERE merged_into IS NULL;
    `,
  },
  {
    version: 4,
    name: 'scoring and lifecycle configuration, webhooks, webhook deliveries (outbox)',
    sql: `
      CREATE TABLE workspace_configs (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, kind)
      ) WITHOUT ROWID;
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        description TEXT NOT NULL,
        events TEXT NOT NULL,
        segment_ids TEXT,
        stages TEXT,
        active INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX webhooks_workspace ON webhooks(workspace_id, created_at);
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        workspace_id TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER,
        lease TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        log TEXT NOT NULL
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
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE form_counters (
        workspace_id TEXT NOT NULL,
        form_id TEXT NOT NULL,
        day TEXT NOT NULL,
        scope TEXT NOT NULL,
        metric TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, form_id, day, scope, metric)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'email links: signing keyring, link settings, lists and subscriptions, surveys and answers',
    sql: `
      CREATE TABLE signing_keys (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE link_settings (
        workspace_id TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE email_lists (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE list_subscriptions (
        workspace_id TEXT NOT NULL,
        list_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'subscribed', 'unsubscribed')),
        request_id TEXT,
        requested_at INTEGER,
        confirmed_at INTEGER,
        unsubscribed_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, list_id, profile_id)
      ) WITHOUT ROWID;
      CREATE INDEX list_subscriptions_profile ON list_subscriptions(workspace_id, profile_id);
      CREATE TABLE surveys (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE survey_answers (
        workspace_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        survey_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        message_id TEXT,
        answered_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, token_id)
      ) WITHOUT ROWID;
      CREATE INDEX survey_answers_profile ON survey_answers(workspace_id, profile_id);
      CREATE INDEX survey_answers_survey ON survey_answers(workspace_id, survey_id, question_id);
    `,
  },
  {
    version: 7,
    name: 'indexes for erasure: moved events and system entries naming another profile',
    // The PostgreSQL store has had these since its version 2; an erasure reads the events of a
    // person through them instead of scanning the workspace's events while it holds the writer.
    sql: `
      CREATE INDEX events_moved ON events(original_profile_id) WHERE original_profile_id <> profile_id;
      CREATE INDEX events_other_profile ON events(json_extract(body, '$.properties.otherProfileId')) WHERE type = 'system';
    `,
  },
  {
    version: 8,
    name: 'the index of system entries naming another profile holds only Merge Refused entries',
    // Segment entries and exits and lifecycle moves are system events too, one per change: each
    // had its body's JSON parsed for this index on insert, for a key that is always null.
    sql: `
      DROP INDEX events_other_profile;
      CREATE INDEX events_other_profile ON events(json_extract(body, '$.properties.otherProfileId')) WHERE type = 'system' AND name = 'Merge Refused';
    `,
  },
  {
    version: 9,
    name: 'merges can be undone: when and by whom',
    sql: `
      ALTER TABLE merges ADD COLUMN undone_at INTEGER;
      ALTER TABLE merges ADD COLUMN undone_cause TEXT;
    `,
  },
  {
    version: 10,
    name: 'uses of single-use link tokens (a recognition token is bound to the first device that used it)',
    // Rows live until keep_until (the token's expiry plus a margin); every claim deletes the
    // expired ones through token_uses_keep_until. Erasure and the export find them by profile.
    sql: `
      CREATE TABLE token_uses (
        workspace_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        holder TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        used_at INTEGER NOT NULL,
        keep_until INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, token_id)
      ) WITHOUT ROWID;
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
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        event TEXT NOT NULL,
        error TEXT NOT NULL,
        failed_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE dead_letter_keys (
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        dead_letter_id TEXT NOT NULL,
        PRIMARY KEY (workspace_id, kind, value, dead_letter_id)
      ) WITHOUT ROWID;
      CREATE INDEX dead_letter_keys_letter ON dead_letter_keys(workspace_id, dead_letter_id);
    `,
  },
  {
    version: 12,
    name: 'consent wording texts other than the workspace\'s own stay on the person\'s consent record',
    // A banner may send any text it showed, a person's name included; kept once per hash in
    // consent_wordings it outlived the person's erasure. Every text moves onto the records that
    // show it (erased and exported with their person); consent_wordings starts over and from now
    // on keeps only the workspace's published wordings (forms, email lists).
    sql: `
      ALTER TABLE consents ADD COLUMN wording_text TEXT;
      UPDATE consents SET wording_text = (SELECT w.text FROM consent_wordings w WHERE w.workspace_id = consents.workspace_id AND w.hash = consents.wording_hash)
        WHERE wording_hash IS NOT NULL;
      DELETE FROM consent_wordings;
    `,
  },
  {
    version: 13,
    name: 'experiments and their sticky assignments, one per profile and experiment',
    // ports/experiment-store.ts. Merges move assignments in the write transaction; erasure and the
    // export find them by profile.
    sql: `
      CREATE TABLE experiments (
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE experiment_assignments (
        workspace_id TEXT NOT NULL,
        experiment_key TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        variation INTEGER NOT NULL,
        unit_value TEXT NOT NULL,
        assigned_at INTEGER NOT NULL,
        contaminated INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, experiment_key, profile_id)
      ) WITHOUT ROWID;
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
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE decision_settings (
        workspace_id TEXT NOT NULL PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE exposure_counters (
        workspace_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        counters TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, profile_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 15,
    name: 'persona models: aggregates only, no profile ids',
    // ports/persona-store.ts. The person → persona link lives in the profile's state, not here.
    sql: `
      CREATE TABLE persona_models (
        workspace_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        fitted_at INTEGER NOT NULL,
        model TEXT NOT NULL,
        PRIMARY KEY (workspace_id, version)
      ) WITHOUT ROWID;
    `,
  },
];
