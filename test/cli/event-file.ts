/**
 * Generates an NDJSON file of Segment events for the import tests, deterministically: page and
 * track events across `anonymousIds` visitors, the first `linkedVisitors` of whom identify (two
 * visitors per user, so each user's two visitor profiles merge), with bad and blank lines mixed in.
 * Returns what a correct import must produce.
 */
import { writeFileSync } from 'node:fs';

export interface GeneratedUser {
  userId: string;
  email: string;
  anonymousIds: string[];
}

export interface EventFile {
  path: string;
  /** Lines in the file (it ends with a newline, which does not start another line). */
  lines: number;
  /** Lines that must be stored, one event each. */
  validEvents: number;
  blankLines: number[];
  /** 1-based line numbers of the lines that must be rejected, by the reason the summary must name. */
  bad: Map<string, number[]>;
  users: GeneratedUser[];
  /** Visitors that never identify: one profile each. */
  anonymousOnly: string[];
  /** Live profiles the store must hold afterwards. */
  profiles: number;
}

export interface EventFileOptions {
  anonymousIds?: number;
  eventsPerVisitor?: number;
  /** Visitors (an even number) that identify, two per user. */
  linkedVisitors?: number;
  /** Include bad and blank lines (default true). */
  withBadLines?: boolean;
}

/** The reasons the bad lines must be rejected for, as the summary prints them. */
export const REASONS = {
  notJson: 'is not valid JSON',
  tooLong: 'longer than 32768 bytes, the limit for one event',
  noType: 'type: must be one of track, identify, page, screen, group, alias',
  noEventName: 'event: is required',
  emptyEventName: 'event: must NOT have fewer than 1 characters',
  noId: 'anonymousId: either userId or anonymousId is required',
  notObject: 'must be a JSON object',
  badTime: 'timestamp: must be an ISO-8601 date-time',
} as const;

const BAD_LINES: ReadonlyArray<[keyof typeof REASONS, string]> = [
  ['notJson', '{"type":"page","anonymousId":"a-x"'],
  ['noType', '{"event":"Clicked","anonymousId":"a-x"}'],
  ['notJson', 'hello world'],
  ['noEventName', '{"type":"track","anonymousId":"a-x"}'],
  ['noType', '{"type":"bogus","anonymousId":"a-x"}'],
  ['noId', '{"type":"page","name":"Home"}'],
  ['notObject', '[1,2,3]'],
  ['tooLong', JSON.stringify({ type: 'track', event: 'Big', anonymousId: 'a-x', properties: { blob: 'x'.repeat(40_000) } })],
  ['badTime', '{"type":"track","event":"Late","anonymousId":"a-x","timestamp":"yesterday"}'],
  ['notJson', '{"type":"page",,}'],
  ['emptyEventName', '{"type":"track","event":"","anonymousId":"a-x"}'],
];

export function writeEventFile(path: string, options: EventFileOptions = {}): EventFile {
  const visitors = options.anonymousIds ?? 300;
  const perVisitor = options.eventsPerVisitor ?? 10;
  const linked = options.linkedVisitors ?? 200;
  const random = seeded(42);
  const anonymousId = (i: number) => `anon-${String(i).padStart(4, '0')}`;
  const users: GeneratedUser[] = [];
  for (let u = 0; u < linked / 2; u++) users.push({ userId: `user-${u}`, email: `user${u}@example.com`, anonymousIds: [anonymousId(2 * u), anonymousId(2 * u + 1)] });

  const events: Array<Record<string, unknown>> = [];
  for (let v = 0; v < visitors; v++) {
    for (let k = 0; k < perVisitor; k++) {
      events.push(k % 2 === 0
        ? { type: 'page', name: ['Home', 'Pricing', 'Docs'][k % 3], properties: { path: `/p/${k}` } }
        : { type: 'track', event: ['Signed Up', 'Viewed Product', 'Order Completed'][k % 3], properties: { value: k } });
      events[events.length - 1]!.anonymousId = anonymousId(v);
    }
    if (v < linked) {
      const user = users[v >> 1]!;
      // Mixed case: the email identity is normalised to lower case.
      events.push({ type: 'identify', anonymousId: anonymousId(v), userId: user.userId, traits: { email: user.email.toUpperCase(), plan: 'pro' } });
    }
  }
  shuffle(events, random);
  const base = Date.parse('2024-03-01T00:00:00Z');
  const lines = events.map((event, i) => JSON.stringify({
    ...event,
    // Every tenth event has no messageId: the import derives one from the line.
    ...(i % 10 === 3 ? {} : { messageId: `msg-${i}` }),
    timestamp: new Date(base + i * 60_000).toISOString(),
  }));

  const bad = new Map<string, number[]>();
  const blankLines: number[] = [];
  if (options.withBadLines ?? true) {
    // Spread bad lines through the file; later insertions go after earlier ones, so compute numbers at the end.
    const inserts: Array<{ at: number; text: string; reason: string | null }> = [];
    BAD_LINES.forEach(([reason, text], i) => {
      for (let copy = 0; copy < 2; copy++) inserts.push({ at: Math.floor(((i * 2 + copy + 1) * lines.length) / (BAD_LINES.length * 2 + 2)), text, reason: REASONS[reason] });
    });
    inserts.push({ at: 5, text: '', reason: null }, { at: 500, text: '   ', reason: null }, { at: 1000, text: '', reason: null });
    for (const insert of inserts.sort((a, b) => b.at - a.at)) lines.splice(insert.at, 0, insert.text);
    lines.forEach((text, i) => {
      const found = inserts.find((ins) => ins.text === text);
      if (!found) return;
      if (found.reason === null) blankLines.push(i + 1);
      else bad.set(found.reason, [...(bad.get(found.reason) ?? []), i + 1]);
    });
  }
  // A Windows line ending on one line, and a byte order mark before the first: both are tolerated.
  const text = '\uFEFF' + lines.map((line, i) => (i === 1 ? `${line}\r` : line)).join('\n') + '\n';
  writeFileSync(path, text);
  const anonymousOnly = Array.from({ length: visitors - linked }, (_, i) => anonymousId(linked + i));
  return { path, lines: lines.length, validEvents: events.length, blankLines, bad, users, anonymousOnly, profiles: users.length + anonymousOnly.length };
}

/** A small deterministic generator (mulberry32), so the file is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
