/**
 * Per-workspace documents kept by the store: configuration (scoring rules, lifecycle stages and
 * rules), validated by their owners in the core before they are saved, and the progress of the
 * background re-scoring a configuration change starts (`rescore`, so that it resumes after a restart).
 */
import type { EpochMs } from '../core/time.js';

/** `personas`: the persona feature definition; `personas-fit`: the last persona fit job's progress. */
export type ConfigKind = 'scoring' | 'lifecycle' | 'rescore' | 'experiments' | 'personas' | 'personas-fit';

export interface ConfigStore {
  /** The saved document, or null when the workspace never saved one (defaults apply). */
  get(workspaceId: string, kind: ConfigKind): Promise<unknown>;
  /** Saves (replaces) the document. */
  put(workspaceId: string, kind: ConfigKind, value: unknown, at: EpochMs): Promise<void>;
}
