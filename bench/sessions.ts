/**
 * bench:sessions — the cost of people signing in, through the real app on a real SQLite store:
 *   1. hashing a password with Argon2id at the configured parameters (access/passwords.ts);
 *   2. POST /v1/session (finds the user, verifies the password, stores a session);
 *   3. an admin read (GET /v1/segments) with the session cookie (the session hook: a store
 *      lookup, timeouts, the role check) against the same read with an admin key.
 * Prints a table, then one JSON line. Usage: npm run bench:sessions -- [--sign-ins 50] [--reads 2000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../src/access/passwords.js';
import { ADMIN_KEY, startTessera } from '../test/support/tessera-under-test.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';

const { values } = parseArgs({ options: { 'sign-ins': { type: 'string', default: '50' }, reads: { type: 'string', default: '2000' } } });
const SIGN_INS = Number(values['sign-ins']);
const READS = Number(values.reads);
const PASSWORD = 'correct horse battery staple';

const hashing = new LatencyRecorder();
for (let i = 0; i < 20; i++) {
  const at = performance.now();
  await hashPassword(PASSWORD);
  hashing.record(performance.now() - at);
}

const t = await startTessera({ sessions: { idleMinutes: 30, absoluteHours: 12, signInsPerMinute: 100_000 } });
let signIn: LatencySummary;
let withSession: LatencySummary;
let withKey: LatencySummary;
try {
  const json = { 'content-type': 'application/json' };
  const created = await t.inject({ method: 'POST', url: '/v1/users', headers: { ...json, authorization: `Bearer ${ADMIN_KEY}` }, payload: JSON.stringify({ email: 'bench@example.com', name: 'Bench', role: 'analyst', password: PASSWORD }) });
  if (created.statusCode !== 201) throw new Error(created.body);
  const signIns = new LatencyRecorder();
  let cookie = '';
  for (let i = 0; i < SIGN_INS; i++) {
    const at = performance.now();
    const res = await t.inject({ method: 'POST', url: '/v1/session', headers: json, payload: JSON.stringify({ email: 'bench@example.com', password: PASSWORD }) });
    signIns.record(performance.now() - at);
    if (res.statusCode !== 200) throw new Error(res.body);
    cookie = String(res.headers['set-cookie']).split(';')[0]!;
  }
  const session = new LatencyRecorder();
  const key = new LatencyRecorder();
  for (let i = 0; i < READS; i++) {
    let at = performance.now();
    const a = await t.inject({ method: 'GET', url: '/v1/segments', headers: { cookie } });
    session.record(performance.now() - at);
    at = performance.now();
    const b = await t.inject({ method: 'GET', url: '/v1/segments', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    key.record(performance.now() - at);
    if (a.statusCode !== 200 || b.statusCode !== 200) throw new Error(`${a.body} ${b.body}`);
  }
  signIn = signIns.summary();
  withSession = session.summary();
  withKey = key.summary();
} finally {
  await t.close();
}

const fmt = (s: LatencySummary) => `p50 ${s.p50.toFixed(2)} ms  p90 ${s.p90.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms`;
const hash = hashing.summary();
process.stdout.write(`Argon2id hash (m=19 MiB, t=2, p=1):       ${fmt(hash)}\n`);
process.stdout.write(`POST /v1/session (SQLite, in-process):    ${fmt(signIn)}\n`);
process.stdout.write(`GET /v1/segments with the session cookie: ${fmt(withSession)}\n`);
process.stdout.write(`GET /v1/segments with an admin key:       ${fmt(withKey)}\n`);
process.stdout.write(`${JSON.stringify({ bench: 'sessions', hash, signIn, withSession, withKey, signIns: SIGN_INS, reads: READS })}\n`);
