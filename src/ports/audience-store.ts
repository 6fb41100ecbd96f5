/**
 * Audiences for ad platforms (issue 17 §4): their definitions, and per audience and platform
 * format the state of the last export — which people were in it, each with the hashed row that
 * was sent — so that the next incremental export can send the adds and the removes. That state is
 * derived from personal data: it is exported with the person (`rowsOf`). Erasing the person
 * (privacy-store.ts / erase-profile.ts) detaches their rows instead of deleting them: each is kept
 * under a random key (`erased:<uuid>`, linked to no profile) with its hashed cells only
 * (core/audiences/platform-rows.ts `erasedRow`), so that the next export finds it stale like anyone
 * who left and sends it as a `remove` — the platforms need the hashes to remove the person — and
 * then drops it (`dropStale`). Store.audiences.
 *
 * Export sequence: an export takes `lastExport().seq + 1`, `keep`s every current member's row
 * under that seq page by page, reads the rows still under an older seq (`stale`: the removes),
 * then `dropStale` and `recordExport`. Nothing is held in memory beyond one page.
 */
import type { Audience } from '../core/audiences/audience.js';
import type { Platform } from '../core/audiences/normalise.js';
import type { EpochMs } from '../core/time.js';

export interface AudienceMemberRow { profileId: string; row: string }

export interface AudienceExportSummary {
  seq: number;
  at: EpochMs;
  /** Full or incremental. */
  incremental: boolean;
  /** People in the audience with advertising consent and something to match on (rows in the file). */
  members: number;
  /** People in the audience without advertising consent: never exported. */
  excluded: number;
  /** Members with no identifier the platform matches on (no row). */
  unmatchable: number;
  added: number;
  removed: number;
}

export interface AudienceStore {
  /** Inserts or replaces the definition. */
  put(audience: Audience): Promise<void>;
  /** Null when there is no such audience. */
  get(workspaceId: string, id: string): Promise<Audience | null>;
  /** Every audience of the workspace, by id. */
  list(workspaceId: string): Promise<Audience[]>;
  /** Deletes the definition with its export state; false when there was none. */
  delete(workspaceId: string, id: string): Promise<boolean>;
  /** The rows of the last export for these profiles (absent: not in it). */
  rows(workspaceId: string, audienceId: string, format: Platform, profileIds: readonly string[]): Promise<Map<string, string>>;
  /** Upserts rows under export `seq` (marks them current). */
  keep(workspaceId: string, audienceId: string, format: Platform, seq: number, rows: readonly AudienceMemberRow[]): Promise<void>;
  /** Rows under a seq older than `seq`, in profile id order after `after`: the people no longer in it. */
  stale(workspaceId: string, audienceId: string, format: Platform, seq: number, options: { limit: number; after?: string }): Promise<AudienceMemberRow[]>;
  /** Deletes the rows older than `seq`; returns how many. */
  dropStale(workspaceId: string, audienceId: string, format: Platform, seq: number): Promise<number>;
  /** The summary of the last export of this audience in this format, or null. */
  lastExport(workspaceId: string, audienceId: string, format: Platform): Promise<AudienceExportSummary | null>;
  recordExport(workspaceId: string, audienceId: string, format: Platform, summary: AudienceExportSummary): Promise<void>;
  /** The person's rows in every audience state, under any of their profile ids (the privacy export). */
  rowsOf(workspaceId: string, profileIds: readonly string[]): Promise<Array<{ audienceId: string; format: Platform; row: string }>>;
}
