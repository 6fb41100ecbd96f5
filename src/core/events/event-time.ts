/**
 * The time of an event, and which times a client may give.
 *
 * Every path that takes a time from a client follows these rules: the collection API and its
 * batches (`timestamp`, `originalTimestamp`, `sentAt`, a batch's `sentAt`), `tessera import` (the
 * same, plus a line's `receivedAt`) and POST /v1/consent (`timestamp`). Forms, email links and
 * surveys take no time from the client: their events happen at the receive time.
 *
 * 1. Range. A client time must lie in [CLIENT_TIME_RANGE.earliest, CLIENT_TIME_RANGE.latest):
 *    1970-01-01 (Unix time 0; historical imports back to then are kept, as Segment keeps old
 *    timestamps) to 2100-01-01 exclusive. A time outside (year 0000, 9999: syntactically valid,
 *    never true) is refused with a 400 naming the field, not stored as something else.
 * 2. Clock skew, as Segment corrects it (https://segment.com/docs/connections/spec/common/#timestamps):
 *    with both `timestamp` and `sentAt`, timestamp = receivedAt − (sentAt − timestamp). Both lie in
 *    the range, so the correction is bounded; when it would still land before 1970 (a sentAt
 *    decades after the timestamp), the two contradict each other and `sentAt` is refused. Imports
 *    make no correction: their events keep their own timestamp.
 * 3. Future. An event cannot have happened after it was received: a (corrected) timestamp later
 *    than receivedAt + FUTURE_TOLERANCE_MS is clamped to receivedAt, as Segment does, so that a
 *    client with a wrong clock cannot put its events (and its profile) first for years. The client's
 *    own value stays in originalTimestamp. The tolerance lets a few minutes of drift of a client
 *    that sends no sentAt (server libraries) pass unchanged.
 */
import { parseTime, type EpochMs } from '../time.js';

export const CLIENT_TIME_RANGE = {
  /** 1970-01-01T00:00:00Z, inclusive. */
  earliest: 0,
  /** 2100-01-01T00:00:00Z, exclusive. */
  latest: Date.UTC(2100, 0, 1),
} as const;

/** How far after its receive time an event's timestamp may be before it is clamped to it. */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

const INVALID = 'must be an ISO-8601 date-time';
const OUT_OF_RANGE = 'must be between 1970-01-01 and 2099-12-31';

/**
 * A time given by a client, in epoch ms; or, as a string, the reason it is refused (a string rather
 * than an object, so that the common case allocates nothing).
 */
export function readClientTime(raw: unknown): EpochMs | string {
  const ms = parseTime(raw);
  if (ms === undefined) return INVALID;
  return ms >= CLIENT_TIME_RANGE.earliest && ms < CLIENT_TIME_RANGE.latest ? ms : OUT_OF_RANGE;
}

/**
 * The event's timestamp under rules 2 and 3, from the client's timestamp (null when it sent none)
 * and its clock when it sent the event (null when it did not say, or for an import, which makes no
 * correction); undefined when the correction would land before the range (the caller refuses
 * `sentAt`). Positional parameters: this runs for every event and allocates nothing.
 */
export function eventTimestamp(originalTimestamp: EpochMs | null, sentAt: EpochMs | null, receivedAt: EpochMs): EpochMs | undefined {
  if (originalTimestamp === null) return receivedAt;
  const corrected = sentAt === null ? originalTimestamp : receivedAt - (sentAt - originalTimestamp);
  if (corrected < CLIENT_TIME_RANGE.earliest) return undefined;
  return corrected > receivedAt + FUTURE_TOLERANCE_MS ? receivedAt : corrected;
}

export const SKEW_CONTRADICTION = 'is so far after the timestamp that the corrected time would be before 1970';
