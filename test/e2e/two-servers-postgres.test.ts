/**
 * Two real servers on one PostgreSQL database, hammered at once with the first events of new people:
 * each person's two devices send page, track and identify events (the same email from both
 * anonymous ids, a userId from one), half of every person's requests to each server, all
 * interleaved, some sent twice (a client retry through the other server). Afterwards there is
 * exactly one profile per person, holding every identifier, and every acknowledged event is stored
 * exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, postgresSkip, type TestDatabase } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';

const PEOPLE = 50;
const CONCURRENCY = 24;

interface Request { server: number; messageId: string; body: Record<string, unknown> }

/** Every person's requests, in a fixed pseudo-random order across people. */
function plan(): Request[] {
  const requests: Request[] = [];
  for (let p = 0; p < PEOPLE; p++) {
    for (const device of [1, 2]) {
      const anonymousId = `anon-${p}-${device}`;
      const traits = { email: `Person${p}@Example.com`, device: `d${device}` };
      const events: Array<Record<string, unknown>> = [
        { type: 'page', name: 'Home', properties: { path: '/' } },
        { type: 'track', event: 'Viewed', properties: { item: p } },
        { type: 'identify', traits, ...(device === 1 && p % 2 === 0 ? { userId: `user-${p}` } : {}) },
        { type: 'track', event: 'Clicked', context: { traits } },
      ];
      events.forEach((event, i) => {
        const messageId = `m-${p}-${device}-${i}`;
        requests.push({ server: (device + i) % 2, messageId, body: { ...event, anonymousId, messageId } });
      });
    }
  }
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [requests[i], requests[j]] = [requests[j]!, requests[i]!];
  }
  // Client retries: every tenth request is sent again, through the other server.
  return [...requests, ...requests.filter((_, i) => i % 10 === 0).map((r) => ({ ...r, server: 1 - r.server }))];
}

async function runAll<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const skip = await postgresSkip();

describe('two servers starting together on an empty PostgreSQL database', { skip }, () => {
  // Both create the default workspace and seed the configured keys at once: the one that loses the
  // race finds them stored and goes on (workspaces/api-keys.ts).
  test('both start, and both accept the configured keys', async () => {
    const db = await createTestDatabase();
    const dir = tempDir('tessera-e2e-start-');
    const started = await Promise.allSettled([0, 1].map(() => startServerProcess({ dataDir: dir.path, env: { TESSERA_DATABASE_URL: db.url } })));
    try {
      assert.deepEqual(started.map((s) => s.status === 'rejected' ? String(s.reason).slice(0, 300) : 'started'), ['started', 'started']);
      for (const s of started) {
        if (s.status !== 'fulfilled') continue;
        const res = await fetch(`${s.value.url}/v1/profiles/nobody`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        assert.equal(res.status, 404, 'the admin key is accepted (the profile is unknown)');
      }
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const keys = await client.query<{ kind: string; n: string }>("SELECT kind, count(*) AS n FROM api_keys WHERE workspace_id = 'default' GROUP BY kind ORDER BY kind");
        assert.deepEqual(keys.rows.map((r) => [r.kind, Number(r.n)]), [['admin', 1], ['write', 1]], 'each configured key stored once');
        const workspaces = await client.query('SELECT id FROM workspaces');
        assert.deepEqual(workspaces.rows, [{ id: 'default' }]);
      } finally {
        await client.end();
      }
    } finally {
      for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
      await db.drop();
      dir.remove();
    }
  });
});

describe('two servers on one PostgreSQL database', { skip }, () => {
  let db: TestDatabase;
  const dir = tempDir('tessera-e2e-two-');
  const servers: ServerProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    servers.push(...await Promise.all([0, 1].map(() => startServerProcess({ dataDir: dir.path, env: { TESSERA_DATABASE_URL: db.url } }))));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
    dir.remove();
  });

  test('concurrent first events and identifies of the same people make one profile each; every acknowledged event is stored once', async () => {
    const acknowledged = new Set<string>();
    const failures: string[] = [];
    await runAll(plan(), CONCURRENCY, async (r) => {
      try {
        const res = await fetch(`${servers[r.server]!.url}/v1/batch`, {
          method: 'POST', body: JSON.stringify({ batch: [r.body] }),
          headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) },
        });
        const text = await res.text();
        if (res.status === 200) acknowledged.add(r.messageId);
        else failures.push(`${r.messageId} → ${res.status} ${text}`);
      } catch (error) {
        failures.push(`${r.messageId} → ${(error as Error).message}; server ${r.server} said:\n${servers[r.server]!.output().slice(-2000)}`);
      }
    });
    assert.deepEqual(failures, [], 'every request is acknowledged');
    assert.equal(acknowledged.size, PEOPLE * 8);

    const admin = async (server: ServerProcess, path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.status, 200, path);
      return res.json() as Promise<{ id: string; identities: Array<{ kind: string; value: string }>; behaviour: { eventCount: number } }>;
    };
    for (let p = 0; p < PEOPLE; p++) {
      const profile = await admin(servers[p % 2]!, `/v1/profiles/person${p}@example.com`);
      for (const id of [`anon-${p}-1`, `anon-${p}-2`, ...(p % 2 === 0 ? [`user-${p}`] : [])]) {
        assert.equal((await admin(servers[(p + 1) % 2]!, `/v1/profiles/${id}`)).id, profile.id, `${id} belongs to person ${p}`);
      }
      assert.equal(profile.identities.length, p % 2 === 0 ? 4 : 3, `person ${p} has every identifier once`);
      assert.equal(profile.behaviour.eventCount, 8, `person ${p}: no update of the profile was lost`);
    }

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const live = await client.query<{ n: string }>('SELECT count(*) AS n FROM profiles WHERE merged_into IS NULL');
      assert.equal(Number(live.rows[0]!.n), PEOPLE, 'one live profile per person');
      const stored = await client.query<{ message_id: string; copies: string }>("SELECT message_id, count(*) AS copies FROM events WHERE type <> 'system' GROUP BY message_id");
      assert.deepEqual(stored.rows.filter((r) => Number(r.copies) !== 1), [], 'no event stored twice');
      assert.deepEqual(new Set(stored.rows.map((r) => r.message_id)), acknowledged, 'every acknowledged event is stored');
      const orphans = await client.query('SELECT e.message_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE p.merged_into IS NOT NULL');
      assert.equal(orphans.rows.length, 0, 'no event left on a merged-away profile');
    } finally {
      await client.end();
    }
  });
});
