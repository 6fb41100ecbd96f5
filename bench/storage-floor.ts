/**
 * `npm run bench:storage-floor`: the least that storing one event can cost on the embedded store.
 * For each event it runs exactly the SQLite statements of a new visitor's first event in Tessera's
 * real schema and with its real prepared statements (write-tx.ts): the messageId dedupe lookup, the
 * identity owner lookup, and the inserts of a profile, an identity and the event, in transactions of
 * a given size, as the ingest queue commits them. Nothing else: no HTTP, no validation, no identity
 * rules, no behaviour, no JSON building (the event body, about 0.8 KB, is one realistic event of the
 * ingest benchmark's traffic; the profile state is 1.25 KB, what a visitor seen once has).
 *
 * WAL checkpoints run every 20 transactions; their CPU is reported apart, as the server runs them
 * on a worker thread. Durability waits (fsync) are not part of it. So the writer's CPU per event
 * here is a floor under any ingest of new visitors on this machine, whatever the rest costs.
 * Prints a table and, last, one JSON line. Not a test: figures vary with the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { validateEvent } from '../src/core/events/validate-event.js';
import { newProfileId } from '../src/ids.js';
import { eventBody } from '../src/storage/shared/codec.js';
import { openDatabase } from '../src/storage/sqlite/database.js';
import { migrateDatabase } from '../src/storage/sqlite/migrate.js';
import { prepareWriteStatements } from '../src/storage/sqlite/write-tx.js';
import { ByteWriter } from './byte-writer.js';
import { createRandom } from './random.js';
import { buildTemplates, render } from './traffic-templates.js';

const HELP = `npm run bench:storage-floor -- [flags]

The SQLite statements of a new visitor's first event (2 lookups, 3 inserts) in Tessera's schema,
and nothing else, in transactions of each size: the floor of what storing an event costs.

  --events <n>         events per transaction size (default 150000)
  --commit <n,n,...>   transaction sizes (default 50,1500,5000: single-event traffic, batched
                       traffic, the ingest queue's largest flush)
  --help               this text
`;

const WORKSPACE = 'default';
const PROFILE_STATE = JSON.stringify({ behaviour: 'x'.repeat(1200) });

interface Figures { commitSize: number; events: number; eventsPerSecond: number; writerMicrosPerEvent: number; checkpointMicrosPerEvent: number }

/** One realistic page event of the ingest benchmark's traffic, as the events table stores its body. */
function realisticBody(): string {
  const random = createRandom(1);
  const out = new ByteWriter(4096);
  render(buildTemplates(random).page[0][0]!, { MID: 'ajs-next-0000', AID: randomUUID(), UID: '', EMAIL: '', NAME: '', TS: new Date().toISOString() }, out);
  const result = validateEvent(JSON.parse(out.done().toString('utf8')), { workspaceId: WORKSPACE, receivedAt: Date.now(), guard: createIdentityGuard(), newMessageId: () => 'srv-0', impliedType: 'page' });
  if (!result.ok) throw new Error(`the sample event is invalid: ${JSON.stringify(result.issues)}`);
  return JSON.stringify(eventBody(result.event));
}

function run(commitSize: number, events: number, body: string): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-floor-'));
  try {
    const db = openDatabase(join(dir, 'floor.db'));
    migrateDatabase(db, Date.now);
    db.pragma('wal_autocheckpoint = 0');
    const s = prepareWriteStatements(db);
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    let checkpointMicros = 0;
    let transactions = 0;
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    for (let done = 0; done < events; done += commitSize) {
      begin.run();
      for (let i = 0; i < commitSize; i++) {
        const messageId = `ajs-next-${randomBytes(8).toString('hex')}`;
        const anonymousId = randomUUID();
        const now = Date.now();
        s.messageExists.get(WORKSPACE, messageId);
        s.owner.get(WORKSPACE, 'anonymous_id', anonymousId);
        const profileId = newProfileId();
        s.insertProfile.run(profileId, WORKSPACE, now, now, '{}', PROFILE_STATE, anonymousId);
        s.insertIdentity.run(WORKSPACE, 'anonymous_id', anonymousId, profileId, now, messageId);
        s.insertEvent.run(WORKSPACE, messageId, profileId, profileId, 'page', 'Pricing', anonymousId, null, now, now, body);
      }
      commit.run();
      if (++transactions % 20 === 0) {
        const before = process.cpuUsage();
        db.pragma('wal_checkpoint(PASSIVE)');
        const used = process.cpuUsage(before);
        checkpointMicros += used.user + used.system;
      }
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    db.close();
    return {
      commitSize, events, eventsPerSecond: Math.round(events / seconds),
      writerMicrosPerEvent: Math.round((cpu.user + cpu.system - checkpointMicros) / events),
      checkpointMicrosPerEvent: Math.round(checkpointMicros / events),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '150000' }, commit: { type: 'string', default: '50,1500,5000' }, help: { type: 'boolean', default: false } } });
  if (values.help) { process.stdout.write(HELP); return 0; }
  const events = Number(values.events);
  const sizes = values.commit!.split(',').map(Number);
  if (!Number.isInteger(events) || events <= 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    process.stderr.write(`--events and --commit take positive whole numbers\n\n${HELP}`);
    return 2;
  }
  const body = realisticBody();
  const results: Figures[] = [];
  for (const size of sizes) {
    process.stderr.write(`[bench] ${events.toLocaleString('en-US')} events in transactions of ${size}…\n`);
    results.push(run(size, Math.ceil(events / size) * size, body));
  }
  const lines = ['', `Storage floor: the SQLite statements of a new visitor's first event, nothing else (event body ${body.length} bytes, profile state ${PROFILE_STATE.length} bytes)`, ''];
  lines.push('transaction  events/s  writer µs CPU/event  checkpoint µs CPU/event  events per writer CPU-s');
  for (const r of results) {
    lines.push(`${String(r.commitSize).padStart(11)}  ${r.eventsPerSecond.toLocaleString('en-US').padStart(8)}  ${String(r.writerMicrosPerEvent).padStart(19)}  ${String(r.checkpointMicrosPerEvent).padStart(23)}  ${Math.round(1e6 / r.writerMicrosPerEvent).toLocaleString('en-US').padStart(23)}`);
  }
  lines.push('', '"writer": the thread that runs the statements and commits (the event loop, in the server). Checkpoints run on a worker thread in the server.', '');
  process.stdout.write(`${lines.join('\n')}\n${JSON.stringify({ bench: 'storage-floor', startedAt: new Date().toISOString(), eventBodyBytes: body.length, profileStateBytes: PROFILE_STATE.length, results })}\n`);
  return 0;
}

process.exitCode = main();
