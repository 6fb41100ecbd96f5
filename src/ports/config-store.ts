/**
 * Per-workspace documents kept by the store: configuration (scoring rules, lifecycle stages and
 * rules), validated by their owners in the core before they are saved, and the progress of the
 * background re-scoring a configuration change starts (`rescore`, so that it resumes after a restart).
 */
import type { EpochMs } from '../core/time.js';

/**
 * `personas`: the persona feature definition; `personas-fit`: the last persona fit job's progress;
 * `personas-schedule`: how often personas are refitted (core/personas/fit-schedule.ts);
 * `recommendations`: core/recommendations/settings.ts; `goals`: the analytics goals (analytics/goals.ts).
 */
export type ConfigKind = 'scoring' | 'lifecycle' | 'rescore' | 'experiments' | 'personas' | 'personas-fit' | 'personas-schedule' | 'recommendations' | 'goals';

export interface ConfigStore {
  /** The saved document, or null when the workspace never saved one (defaults apply). */
  get(workspaceId: string, kind: ConfigKind): Promise<unknown>;
  /** Saves (replaces) the document. */
  put(workspaceId: string, kind: ConfigKind, value: unknown, at: EpochMs): Promise<void>;
  /**
   * Saves the document only if it is still `expected` (as `get` returned it; null: none saved yet); false, and
   * nothing written, when someone else saved it in between. For read-modify-write changes of one part of a
   * document (one goal of the workspace's goals) that must not lose a concurrent change of another part.
   */
  replaceIf(workspaceId: string, kind: ConfigKind, expected: unknown, value: unknown, at: EpochMs): Promise<boolean>;
}
