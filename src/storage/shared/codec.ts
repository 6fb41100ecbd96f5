/**
 * Mapping between domain objects and the column values both stores keep. JSON-valued columns are
 * passed here already parsed (SQLite keeps them as text, PostgreSQL as jsonb).
 */
import type { JsonObject, StoredEvent, TrackedEvent } from '../../core/events/event.js';
import type { IdentityRecord, Profile } from '../../core/profiles/profile.js';
import { emptyBehaviour, type Behaviour } from '../../core/profiles/behaviour.js';
import { DEVICE_CLASSES, emptyBehaviourActivity, HOURS_OF_WEEK, type BehaviourActivity, type DeviceClass } from '../../core/profiles/activity.js';
import type { Touch } from '../../core/profiles/channel.js';
import { foldText } from '../../core/segments/comparison.js';

/**
 * The profile's state column. It is rewritten with every event of the person, so what still has
 * its empty value is left out (most people never get an email, join a group, or have merges
 * refused; a last touch equal to the first is kept once) and filled back when read.
 */
export interface ProfileState {
  traitMeta?: Profile['traitMeta'];
  behaviour: Partial<Behaviour>;
  mergeRefusals?: Profile['mergeRefusals'];
  consent?: Profile['consent'];
  scores?: Profile['scores'];
  lifecycle?: Profile['lifecycle'];
  computed?: Profile['computed'];
  segments?: Profile['segments'];
  declined?: Profile['declined'];
  persona?: Profile['persona'];
  experiments?: Profile['experiments'];
}

export function profileState(p: Profile): ProfileState {
  const state: ProfileState = { behaviour: storedBehaviour(p.behaviour) };
  if (!isEmpty(p.traitMeta)) state.traitMeta = p.traitMeta;
  if (!isEmpty(p.mergeRefusals)) state.mergeRefusals = p.mergeRefusals;
  if (!isEmpty(p.consent)) state.consent = p.consent;
  if (p.scores) state.scores = p.scores;
  if (p.lifecycle) state.lifecycle = p.lifecycle;
  if (p.computed) state.computed = p.computed;
  if (p.segments) state.segments = p.segments;
  if (p.declined) state.declined = p.declined;
  if (p.persona) state.persona = p.persona;
  if (p.experiments && !isEmpty(p.experiments)) state.experiments = p.experiments;
  return state;
}

const isEmpty = (o: object): boolean => { for (const _ in o) return false; return true; };

function storedBehaviour(b: Behaviour): Partial<Behaviour> {
  // Every field not named here is kept as it is (also any added later).
  const { pages, categories, openPage, previousPage, firstTouch, lastTouch, email, groups, ...out } = b;
  const stored: Partial<Behaviour> = out;
  if (!isEmpty(pages)) stored.pages = pages;
  if (!isEmpty(categories)) stored.categories = categories;
  if (openPage !== null) stored.openPage = openPage;
  if (previousPage !== null && previousPage !== undefined) stored.previousPage = previousPage;
  if (firstTouch !== null) stored.firstTouch = firstTouch;
  if (lastTouch !== null && !sameTouch(lastTouch, firstTouch)) stored.lastTouch = lastTouch;
  if (email.sent + email.delivered + email.opened + email.clicked + email.bounced + email.unsubscribed > 0 || email.lastOpenedAt !== null || email.lastClickedAt !== null) stored.email = email;
  if (groups.length > 0) stored.groups = groups;
  if (out.activity) (stored as Record<string, unknown>).activity = storedActivity(out.activity);
  return stored;
}

/**
 * The activity histogram as stored: only the hours of the week and device classes with actions
 * (`{"hours":{"49":3},"devices":{"desktop":3}}`). Most people act in a few hours of the week, and
 * the 168 zeros of the dense form made every profile write longer (rows stored before are read
 * back either way).
 */
interface StoredActivity {
  hours: Record<string, number> | number[];
  devices: Partial<Record<DeviceClass, number>>;
}

function storedActivity(activity: BehaviourActivity): StoredActivity {
  const hours: Record<string, number> = {};
  for (let i = 0; i < activity.hours.length; i++) if (activity.hours[i]! > 0) hours[i] = activity.hours[i]!;
  const devices: Partial<Record<DeviceClass, number>> = {};
  for (const cls of DEVICE_CLASSES) if (activity.devices[cls] > 0) devices[cls] = activity.devices[cls];
  return { hours, devices };
}

function restoreActivity(stored: StoredActivity): BehaviourActivity {
  const activity = emptyBehaviourActivity();
  if (Array.isArray(stored.hours)) stored.hours.forEach((n, i) => { if (i < HOURS_OF_WEEK) activity.hours[i] = n; });
  else for (const [hour, n] of Object.entries(stored.hours ?? {})) if (Number(hour) < HOURS_OF_WEEK) activity.hours[Number(hour)] = n;
  for (const cls of DEVICE_CLASSES) activity.devices[cls] = stored.devices?.[cls] ?? 0;
  return activity;
}

function sameTouch(a: Touch, b: Touch | null): boolean {
  return b !== null && (a === b || (a.at === b.at && a.channel === b.channel && a.source === b.source && a.medium === b.medium
    && a.campaign === b.campaign && a.referrer === b.referrer && a.landingPage === b.landingPage));
}

function restoreBehaviour(stored: Partial<Behaviour> | undefined): Behaviour {
  const b = { ...emptyBehaviour(), ...stored };
  // A last touch left out was the first one.
  if (stored?.lastTouch === undefined) b.lastTouch = b.firstTouch;
  if (stored?.activity) b.activity = restoreActivity(stored.activity as unknown as StoredActivity);
  return b;
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
    behaviour: restoreBehaviour(row.state.behaviour),
    identities,
    mergeRefusals: row.state.mergeRefusals ?? {},
    consent: row.state.consent ?? {},
    ...(row.state.scores ? { scores: row.state.scores } : {}),
    ...(row.state.lifecycle ? { lifecycle: row.state.lifecycle } : {}),
    ...(row.state.computed ? { computed: row.state.computed } : {}),
    ...(row.state.segments ? { segments: row.state.segments } : {}),
    ...(row.state.declined ? { declined: row.state.declined } : {}),
    ...(row.state.persona ? { persona: row.state.persona } : {}),
    ...(row.state.experiments ? { experiments: row.state.experiments } : {}),
  };
}

/**
 * The traits as exact trait search compares them (core/segments/comparison.ts): every string, also
 * inside a list, folded (`foldText`); numbers, booleans and objects as they are. PostgreSQL keeps
 * this in `profile_search.traits`; SQLite folds at query time with the same function.
 */
export function searchTraits(traits: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(traits)) {
    out[key] = typeof value === 'string' ? foldText(value)
      : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? foldText(v) : v)) : value;
  }
  return out;
}

/**
 * The number a searched value spells under the comparison rules (`"42"`, `" 42 "`, `"4.2e1"`), or
 * undefined: a number trait equals the text of its value.
 */
export function searchNumber(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
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
