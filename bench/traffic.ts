/**
 * Realistic Segment traffic for the ingest benchmark.
 *
 * Shape (defaults): a pool of 100k anonymous ids (analytics.js UUIDs); 30% of them belong to known
 * users, who average 1.5 devices each, so identifies link anonymous ids and merge profiles as real
 * logins do. 10% of events are identifies (userId + email and other traits), from known users only;
 * the rest is an even page/track mix, half of a known user's carrying the userId too (logged in).
 * Payloads look like analytics.js's: context with library, page, userAgent, locale, timezone,
 * sometimes a campaign; e-commerce and UI properties. Every messageId is unique and random-looking
 * (so dedupe and the unique index do real work); timestamps are the send time.
 *
 * Speed: serialising ~900-byte objects for 60k events/s would cost the generator a large share of a
 * core on a 2-core machine, so events are pre-serialised templates with slots (`@@MID@@`, …) and
 * rendering copies bytes.
 */
import { ByteWriter } from './byte-writer.js';
import { createRandom } from './random.js';
import { buildTemplates, render, type SlotValues } from './traffic-templates.js';

export type TrafficEventType = 'identify' | 'page' | 'track';

export interface TrafficOptions {
  seed: number;
  /** Prefix that makes this generator's messageIds unique within the run. */
  runId: string;
  anonymousIds: number;
  /** Share of anonymous ids that belong to a known user. */
  knownShare: number;
  devicesPerUser: number;
  /** Share of all events that are identifies (at most knownShare). */
  identifyShare: number;
}

export const DEFAULT_TRAFFIC: Omit<TrafficOptions, 'seed' | 'runId'> = {
  anonymousIds: 100_000,
  knownShare: 0.3,
  devicesPerUser: 1.5,
  identifyShare: 0.1,
};

export interface RenderedEvent {
  type: TrafficEventType;
  /** The event as UTF-8 JSON. */
  body: Buffer;
}

export interface Traffic {
  /** One event, stamped with `isoTime`. */
  event(isoTime: string): RenderedEvent;
  /** A `/v1/batch` body of `size` events. */
  batch(size: number, isoTime: string): Buffer;
}

export function createTraffic(options: TrafficOptions): Traffic {
  const random = createRandom(options.seed);
  const anonymous = Array.from({ length: options.anonymousIds }, () => random.uuid());
  const knownCount = Math.floor(options.anonymousIds * options.knownShare);
  const people = Math.max(1, Math.round(knownCount / options.devicesPerUser));
  const identifyWhenKnown = Math.min(1, options.identifyShare / Math.max(options.knownShare, 1e-9));
  const templates = buildTemplates(random);
  const users = Array.from({ length: people }, (_, person) => {
    const first = FIRST_NAMES[person % FIRST_NAMES.length]!;
    const last = LAST_NAMES[person % LAST_NAMES.length]!;
    return {
      userId: `usr_${(Math.imul(person, 2654435761) >>> 0).toString(36)}${person}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${person}@${EMAIL_DOMAINS[person % EMAIL_DOMAINS.length]}`,
      name: `${first} ${last}`,
    };
  });
  let sequence = 0;

  const next = (isoTime: string, out: ByteWriter): TrafficEventType => {
    const device = random.int(options.anonymousIds);
    const known = device < knownCount;
    // Devices 0..knownCount-1 are spread over the people, so a person has ~devicesPerUser of them.
    const person = known ? device % people : -1;
    const identify = known && random.next() < identifyWhenKnown;
    const loggedIn = known && (identify || random.next() < 0.5);
    const type: TrafficEventType = identify ? 'identify' : random.next() < 0.5 ? 'page' : 'track';
    const list = type === 'identify' ? templates.identify : templates[type][loggedIn ? 1 : 0];
    const values: SlotValues = {
      MID: messageId(sequence++, options.runId),
      AID: anonymous[device]!,
      UID: loggedIn ? users[person]!.userId : '',
      EMAIL: loggedIn ? users[person]!.email : '',
      NAME: loggedIn ? users[person]!.name : '',
      TS: isoTime,
    };
    render(random.pick(list), values, out);
    return type;
  };

  return {
    event(isoTime) {
      const out = new ByteWriter(2048);
      const type = next(isoTime, out);
      return { type, body: out.done() };
    },
    batch(size, isoTime) {
      const out = new ByteWriter(size * 1200 + 256);
      out.ascii('{"batch":[');
      for (let i = 0; i < size; i++) {
        if (i > 0) out.ascii(',');
        next(isoTime, out);
      }
      out.ascii(`],"sentAt":"${isoTime}"}`);
      return out.done();
    },
  };
}

/** Unique (the sequence) yet random-looking (a 32-bit bijective mix first), like analytics.js's ids. */
function messageId(sequence: number, runId: string): string {
  let h = sequence >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return `ajs-next-${h.toString(16).padStart(8, '0')}-${runId}-${sequence.toString(16)}`;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Ken', 'Frances', 'Dennis', 'Radia', 'Tim', 'Hedy'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Thompson', 'Allen', 'Ritchie', 'Perlman', 'Lee', 'Lamarr', 'Knuth'];
const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'acme-corp.com', 'example.org', 'yahoo.co.uk', 'web.de'];
