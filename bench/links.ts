/**
 * bench:links — the cost of signed email links:
 *   1. signing and verifying a click token (pure HMAC-SHA-256 and JSON), per second;
 *   2. click redirects and open pixels through the real app on a real SQLite store, one after
 *      another (each verifies the token, reads the profile and its recent events, judges machine
 *      or human, commits `Email Link Clicked` / `Email Opened`, signs the `tsr` token).
 * Prints a table, then one JSON line. Usage: npm run bench:links -- [--clicks 500] [--tokens 50000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { signToken, verifyToken } from '../src/core/links/signed-token.js';
import { ADMIN_KEY, startTessera } from '../test/support/tessera-under-test.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';

const { values } = parseArgs({ options: { clicks: { type: 'string', default: '500' }, tokens: { type: 'string', default: '50000' } } });
const CLICKS = Number(values.clicks);
const TOKENS = Number(values.tokens);

function benchTokens(): { signPerSecond: number; verifyPerSecond: number; tokenLength: number } {
  const key = { id: 'kbench', secret: Buffer.alloc(32, 7) };
  const claims = { purpose: 'click' as const, workspaceId: 'default', recipient: 'prf_0190b0c0-0000-7000-8000-000000000000', id: 'AAAAAAAAAAAAAAAA', issuedAt: Date.now(), expiresAt: Date.now() + 86_400_000, data: { url: 'https://www.acme.example/pricing?plan=pro', email: 'nurture-3', identify: true } };
  let started = performance.now();
  let token = '';
  for (let i = 0; i < TOKENS; i++) token = signToken({ ...claims, id: `t${i}` }, key);
  const signMs = performance.now() - started;
  const keys = new Map([[key.id, key.secret]]);
  started = performance.now();
  let ok = 0;
  for (let i = 0; i < TOKENS; i++) if (verifyToken(token, { purpose: 'click', workspaceId: 'default', now: Date.now(), keys }).ok) ok++;
  const verifyMs = performance.now() - started;
  if (ok !== TOKENS) throw new Error('a token did not verify');
  return { signPerSecond: Math.round(TOKENS / (signMs / 1000)), verifyPerSecond: Math.round(TOKENS / (verifyMs / 1000)), tokenLength: token.length };
}

async function benchHttp(): Promise<{ click: LatencySummary; open: LatencySummary }> {
  // Minting email links needs a configured public URL (src/public-base.ts).
  const t = await startTessera({ publicUrl: 'https://t.example.com', links: { allowedDomains: ['acme.example'] } });
  try {
    await t.collect('/v1/identify', { userId: 'bench-user', traits: { email: 'bench@acme.example' } });
    const click = new LatencyRecorder();
    const open = new LatencyRecorder();
    const minted = await t.inject({ method: 'POST', url: '/v1/emails/links', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify({ recipient: 'bench-user', messageId: 'bench', links: Array.from({ length: 20 }, (_, i) => ({ url: `https://acme.example/p${i}` })) }) });
    if (minted.statusCode !== 200) throw new Error(minted.body);
    const { links, openPixel } = JSON.parse(minted.body) as { links: Array<{ href: string }>; openPixel: string };
    const path = (href: string) => new URL(href).pathname;
    const headers = { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' };
    for (let i = 0; i < CLICKS; i++) {
      let at = performance.now();
      const c = await t.inject({ method: 'GET', url: path(links[i % links.length]!.href), headers });
      click.record(performance.now() - at);
      if (c.statusCode !== 302) throw new Error(c.body);
      at = performance.now();
      const o = await t.inject({ method: 'GET', url: path(openPixel), headers });
      open.record(performance.now() - at);
      if (o.statusCode !== 200) throw new Error(o.body);
    }
    return { click: click.summary(), open: open.summary() };
  } finally {
    await t.close();
  }
}

const fmt = (s: LatencySummary) => `p50 ${s.p50.toFixed(2)} ms  p90 ${s.p90.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms`;

const tokens = benchTokens();
const http = await benchHttp();
process.stdout.write(`click token (${tokens.tokenLength} characters): sign ${tokens.signPerSecond}/s, verify ${tokens.verifyPerSecond}/s\n`);
process.stdout.write(`click redirect (SQLite, in-process HTTP): ${fmt(http.click)}\n`);
process.stdout.write(`open pixel     (SQLite, in-process HTTP): ${fmt(http.open)}\n`);
process.stdout.write(`${JSON.stringify({ bench: 'links', tokens, click: http.click, open: http.open, clicks: CLICKS })}\n`);
