/**
 * Events as Tessera keeps them, following the Segment tracking spec
 * (https://segment.com/docs/connections/spec/common/).
 *
 * `SegmentEventInput` is what a client sends; `TrackedEvent` is the normalised event the rest of
 * the engine works with: ids coerced to strings, the time corrected for client clock skew, the
 * type made explicit. The original payload's optional parts stay as sent.
 */
import type { EpochMs } from '../time.js';

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Types Tessera writes itself onto a profile's timeline (merges, refused merges, …). */
export type TimelineEntryType = EventType | 'system' | 'consent';

export type JsonObject = Record<string, unknown>;

export interface SegmentEventInput {
  type?: string;
  messageId?: string;
  anonymousId?: string | number | null;
  userId?: string | number | null;
  previousId?: string | number;
  groupId?: string | number;
  event?: string;
  name?: string;
  category?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context?: JsonObject;
  integrations?: JsonObject;
  timestamp?: string;
  originalTimestamp?: string;
  sentAt?: string;
  [extra: string]: unknown;
}

export interface TrackedEvent {
  workspaceId: string;
  messageId: string;
  type: TimelineEntryType;
  /** Track: the event name. Page/screen: the page name. System entries: what happened. */
  name: string | null;
  category: string | null;
  anonymousId: string | null;
  userId: string | null;
  /** Alias only: the id being merged into userId. */
  previousId: string | null;
  /** Group only. */
  groupId: string | null;
  properties: JsonObject;
  traits: JsonObject;
  context: JsonObject;
  integrations: JsonObject;
  /** When it happened, corrected for client clock skew. */
  timestamp: EpochMs;
  /** The client's own timestamp, as sent. */
  originalTimestamp: EpochMs | null;
  sentAt: EpochMs | null;
  receivedAt: EpochMs;
  /**
   * The source recorded for the traits this event sets (`form:<id>`, `survey:<id>`, `email-link`),
   * instead of the one derived from its type. Set only by events Tessera builds on the server;
   * validation never reads it from client input, so a client cannot forge it. Not stored with the
   * event (the traits' metadata keeps it).
   */
  traitSource?: string;
}

/** A stored event: the normalised event plus where it lives now and where it first landed. */
export interface StoredEvent extends TrackedEvent {
  seq: number;
  profileId: string;
  /** The profile the event was first attributed to; kept so that a wrong merge can be undone. */
  originalProfileId: string;
}
