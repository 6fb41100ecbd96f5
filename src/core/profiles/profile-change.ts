/**
 * What a profile's derived state did as the result of an event or of time passing: entered or left
 * a segment, moved to another lifecycle stage. Ingest and the segment scheduler collect these;
 * they become timeline entries on the profile and webhook deliveries (through the outbox, in the
 * same transaction as the change itself).
 */
import type { EpochMs } from '../time.js';

export type ProfileChange =
  | {
      kind: 'segment.entered' | 'segment.exited';
      workspaceId: string;
      profileId: string;
      segmentId: string;
      segmentName: string;
      at: EpochMs;
      /** Readable: which condition now holds (or stopped holding), e.g. "Whitepaper Downloaded at least 2 times within 30 days". */
      reason: string;
      /** What caused the evaluation: an event's messageId, `time` (a window passed), `backfill`, `definition` (segment changed). */
      cause: string;
      /** Set on the exits of a profile merged into another (profileId is the merged-away id). */
      mergedInto?: string;
    }
  | {
      kind: 'lifecycle.changed';
      workspaceId: string;
      profileId: string;
      from: string | null;
      to: string;
      at: EpochMs;
      /** Readable: "engagement score 62 ≥ 50", "BANT complete", "manual move by key ak_… (note: …)". */
      reason: string;
      /** An event's messageId, `time`, `manual:<actor>`. */
      cause: string;
    };
