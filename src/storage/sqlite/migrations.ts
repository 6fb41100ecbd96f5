/**
 * Versioned schema of the SQLite store. Append new versions; never edit an applied one.
 * The PostgreSQL store keeps the same versions in storage/postgres/migrations.ts.
 */
import { atScaleMigrations } from './migrations-at-scale.js';
import { capabilityMigrations } from './migrations-capabilities.js';
import { foundationMigrations } from './migrations-foundation.js';
import type { Migration } from '../shared/migration.js';

export type { Migration };

/** Every version in order: the profile engine (1–15), the capabilities on it (16–29), then what scale and the admin app needed (30–). */
export const migrations: Migration[] = [...foundationMigrations, ...capabilityMigrations, ...atScaleMigrations];
