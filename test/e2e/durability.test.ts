/**
 * A 2xx means stored: a real server takes many concurrent requests, is killed with SIGKILL the
 * moment enough of them have been acknowledged (others still in flight), and after a restart on the
 * same data folder every acknowledged event is there. Each request is also all or nothing.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import type { Json } from '../http/api-helpers.js';
import { ADMIN_KEY, basicAuth, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';

const dir = tempDir('tessera-e2e-durability-');
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop('SIGKILL');
  dir.remove();
});

const CLIENTS = 8;
const REQUESTS = 400;
const EVENTS_PER_REQUEST = 3;
const KILL_AFTER_ACKS = 150;

async function admin(url: string, path: string): Promise<Json> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

it('every acknowledged event survives SIGKILL and a restart', async () => {
  server = await startServerProcess({ dataDir: dir.path });
  const { url } = server;
  const acknowledged: number[] = [];
  let killed = false;

  const send = async (r: number) => {
    const batch = Array.from({ length: EVENTS_PER_REQUEST }, (_, e) => ({
      type: 'track', anonymousId: `durable-${r % CLIENTS}`, event: 'Durable', messageId: `durable-${r}-${e}`,
    }));
    try {
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch }), headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) } });
      if (res.status === 200 && !killed) {
        acknowledged.push(r);
        if (acknowledged.length >= KILL_AFTER_ACKS) { killed = true; server!.child.kill('SIGKILL'); }
      }
      await res.arrayBuffer();
    } catch { /* the server is gone: this request was not acknowledged */ }
  };
  // CLIENTS concurrent senders, each sending its share of the requests one after another.
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    for (let r = c; r < REQUESTS && !killed; r += CLIENTS) await send(r);
  }));
  assert.equal(await server.stop(), 'SIGKILL', 'the server was killed, not stopped cleanly');
  assert.ok(acknowledged.length >= KILL_AFTER_ACKS);

  server = await startServerProcess({ dataDir: dir.path });
  const stored = new Set<string>();
  for (let c = 0; c < CLIENTS; c++) {
    let cursor: string | null = null;
    do {
      const query: string = `limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await admin(server.url, `/v1/profiles/durable-${c}/events?${query}`);
      for (const e of page.events) stored.add(e.messageId);
      cursor = page.nextCursor;
    } while (cursor);
  }

  const lost = acknowledged.flatMap((r) => Array.from({ length: EVENTS_PER_REQUEST }, (_, e) => `durable-${r}-${e}`)).filter((id) => !stored.has(id));
  assert.deepEqual(lost, [], `${lost.length} acknowledged events were lost`);
  for (let r = 0; r < REQUESTS; r++) {
    const present = Array.from({ length: EVENTS_PER_REQUEST }, (_, e) => stored.has(`durable-${r}-${e}`)).filter(Boolean).length;
    assert.ok(present === 0 || present === EVENTS_PER_REQUEST, `request ${r} was stored in part (${present} of ${EVENTS_PER_REQUEST})`);
  }
  assert.ok(stored.size < REQUESTS * EVENTS_PER_REQUEST, 'the kill interrupted the load (otherwise the test proves nothing)');
});
