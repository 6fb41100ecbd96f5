/**
 * Mapping between domain objects and the column values both stores keep. JSON-valued columns are
 * passed here already parsed (SQLite keeps them as text, PostgreSQL as jsonb).
 */
import type { JsonObject, StoredEvent, TrackedEvent } from '../../core/events/event.js';
import type { IdentityRecord, Profile } from '../../core/profiles/profile.js';
import { emptyBehaviour } from '../../core/profiles/behaviour.js';

export interface ProfileState {
  traitMeta: Profile['traitMeta'];
  behaviour: Profile['behaviour'];
  mergeRefusals: Profile['mergeRefusals'];
  consent: Profile['consent'];
  scores?: Profile['scores'];
  lifecycle?: Profile['lifecycle'];
  computed?: Profile['computed'];
  segments?: Profile['segments'];
  declined?: Profile['declined'];
}

export function profileState(p: Profile): ProfileState {
  const state: ProfileState = { traitMeta: p.traitMeta, behaviour: p.behaviour, mergeRefusals: p.mergeRefusals, consent: p.consent };
  if (p.scores) state.scores = p.scores;
  if (p.lifecycle) state.lifecycle = p.lifecycle;
  if (p.computed) state.computed = p.computed;
  if (p.segments) state.segments = p.segments;
  if (p.declined) state.declined = p.declined;
  return state;
}

export interface ProfileColumns {
  id: string;
  workspace_id: string;
  created_at: number | string;
  updated_at: number | string;
  traits: JsonObject;
  state: Partial<ProfileState>;
}

export function profileFromColumns(row: ProfileColumns, identities: IdentityRecord[]): Profile {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    traits: row.traits,
    traitMeta: row.state.traitMeta ?? {},
    behaviour: row.state.behaviour ?? emptyBehaviour(),
    identities,
    mergeRefusals: row.state.mergeRefusals ?? {},
    consent: row.state.consent ?? {},
    ...(row.state.scores ? { scores: row.state.scores } : {}),
    ...(row.state.lifecycle ? { lifecycle: row.state.lifecycle } : {}),
    ...(row.state.computed ? { computed: row.state.computed } : {}),
    ...(row.state.segments ? { segments: row.state.segments } : {}),
    ...(row.state.declined ? { declined: row.state.declined } : {}),
  };
}

/** Lower-cased identities and string traits, for free-text search. */
export function searchText(p: Profile): string {
  const parts = p.identities.map((i) => i.value);
  for (const v of Object.values(p.traits)) if (typeof v === 'string' || typeof v === 'number') parts.push(String(v));
  return parts.join(' ').toLowerCase().slice(0, 4000);
}

/** The event fields that are not columns of their own. */
export type EventBody = Pick<TrackedEvent, 'category' | 'previousId' | 'groupId' | 'properties' | 'traits' | 'context' | 'integrations' | 'originalTimestamp' | 'sentAt'>;

export function eventBody(e: TrackedEvent): EventBody {
  return {
    category: e.category, previousId: e.previousId, groupId: e.groupId, properties: e.properties, traits: e.traits,
    context: e.context, integrations: e.integrations, originalTimestamp: e.originalTimestamp, sentAt: e.sentAt,
  };
}

export interface EventColumns {
  seq: number | string;
  workspace_id: string;
  message_id: string;
  profile_id: string;
  original_profile_id: string;
  type: string;
  name: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  ts: number | string;
  received_at: number | string;
  body: EventBody;
}

export function eventFromColumns(row: EventColumns): StoredEvent {
  return {
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    messageId: row.message_id,
    profileId: row.profile_id,
    originalProfileId: row.original_profile_id,
    type: row.type as StoredEvent['type'],
    name: row.name,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    timestamp: Number(row.ts),
    receivedAt: Number(row.received_at),
    ...row.body,
  };
}

/** Timeline cursor: the (timestamp, seq) of the last event returned. */
export function encodeCursor(ts: number, seq: number): string {
  return Buffer.from(`${ts}:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { ts: number; seq: number } | null {
  if (!cursor) return null;
  const [ts, seq] = Buffer.from(cursor, 'base64url').toString().split(':').map(Number);
  if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(seq)) return null;
  return { ts: ts!, seq: seq! };
}

/** JSON path for a trait name, safe against quotes in the name. */
export function traitJsonPath(name: string): string {
  return `$."${name.replace(/["\\]/g, '')}"`;
}

/** Profile search cursor: the (updated_at, id) of the last profile returned. */
export function encodeSearchCursor(updatedAt: number, id: string): string {
  return Buffer.from(`${updatedAt}:${id}`).toString('base64url');
}

export function decodeSearchCursor(cursor: string | undefined): { updatedAt: number; id: string } | null {
  if (!cursor) return null;
  const text = Buffer.from(cursor, 'base64url').toString();
  const colon = text.indexOf(':');
  const updatedAt = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(updatedAt)) return null;
  return { updatedAt, id: text.slice(colon + 1) };
}
