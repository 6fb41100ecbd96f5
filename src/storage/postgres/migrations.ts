/**
 * Versioned schema of the PostgreSQL store: the same versions as storage/sqlite/migrations.ts.
 * Append new versions; never edit an applied one. Each version runs in one transaction.
 *
 * Differences from SQLite, each for a reason:
 * - Ids are `text COLLATE "C"`: byte order, the same order SQLite uses for cursors, and cheaper
 *   comparisons than a linguistic collation.
 * - Documents that are only written and read back whole (event bodies, profile traits and state,
 *   merge snapshots) are `json`: stored as sent. Converting them to jsonb parses every document
 *   into a tree and measured as the largest single cost of ingest. They stay queryable with ->.
 * - What search looks at lives in `profile_search` (one row per live profile: its traits as jsonb
 *   and its lower-cased search text), with the GIN indexes: jsonb_path_ops for exact trait
 *   matches (`traits @> '{"plan":"pro"}'`), and trigrams for `search LIKE '%…%'` when the pg_trgm
 *   extension can be installed (trusted since PostgreSQL 13: a database owner may create it;
 *   without it free text scans the workspace). Every event rewrites its profile row (state,
 *   updated_at), and a GIN index on that row would be rewritten with it; `profile_search` changes
 *   only when traits or identities do. SQLite keeps the same values in `profiles.search`.
 * - Advisory locks (see write-tx.ts) stand in for SQLite's single writer; no table is needed.
 * - Version 2 (privacy): consent purposes, evidence and request metadata, audit details and
 *   privacy settings are `json` (nothing queries inside them). Counter days are `date`. Two
 *   partial indexes that SQLite lacks let an erasure find the person's events without reading the
 *   whole table: events that a merge moved away from their original profile
 *   (`original_profile_id <> profile_id`), and `system` events naming another profile
 *   (`Merge Refused`, by `body->'properties'->>'otherProfileId'`). Both hold few rows.
 * - Version 6 (email links): list and survey definitions and link settings are `json` (read and
 *   written whole); signing-key secrets are base64url text, as in SQLite.
 */
import { atScaleMigrations } from './migrations-at-scale.js';
import { capabilityMigrations } from './migrations-capabilities.js';
import { foundationMigrations } from './migrations-foundation.js';
import type { Migration } from '../shared/migration.js';

export type { Migration };

/** Every version in order: the profile engine (1–15), the capabilities on it (16–29), then what scale and the admin app needed (30–). */
export const migrations: Migration[] = [...foundationMigrations, ...capabilityMigrations, ...atScaleMigrations];
