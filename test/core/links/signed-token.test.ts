/**
 * Signed link tokens: nothing but the holder of a live key of the workspace can make a token that
 * verifies, a token verifies only for its own purpose, workspace and lifetime, and no input from
 * outside makes verification throw or trust a claim.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  TOKEN_PURPOSES, signToken, unverifiedWorkspaceId, verifyToken,
  type SigningKey, type TokenClaims, type TokenPurpose, type VerifyOptions,
} from '../../../src/core/links/signed-token.js';

const T = Date.UTC(2026, 5, 1);
const k1: SigningKey = { id: 'k1', secret: Buffer.alloc(32, 1) };
const k2: SigningKey = { id: 'k2', secret: Buffer.alloc(32, 2) };
const claims: TokenClaims = {
  purpose: 'click', workspaceId: 'ws_a', recipient: 'prf_1', id: 'tok_1', issuedAt: T, expiresAt: T + 60_000,
  data: { url: 'https://acme.com/pricing', messageId: 'm1' },
};
const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  purpose: 'click', workspaceId: 'ws_a', now: T + 1, keys: new Map([[k1.id, k1.secret], [k2.id, k2.secret]]), ...over,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
/** A deterministic PRNG (mulberry32), so that a failing case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('signed tokens: a valid token', () => {
  it('verifies and answers its exact claims and key id', () => {
    const token = signToken(claims, k1);
    assert.deepEqual(verifyToken(token, options()), { ok: true, claims, keyId: 'k1' });
    assert.match(token, /^[A-Za-z0-9_-]+\.k1\.[A-Za-z0-9_-]{43}$/, 'URL-safe without escaping');
  });

  it('verifies without data, and with each purpose for that purpose', () => {
    const { data: _data, ...bare } = claims;
    for (const purpose of TOKEN_PURPOSES) {
      const token = signToken({ ...bare, purpose }, k2);
      assert.deepEqual(verifyToken(token, options({ purpose })), { ok: true, claims: { ...bare, purpose }, keyId: 'k2' });
    }
  });

  it('carries non-ASCII data intact', () => {
    const token = signToken({ ...claims, data: { answer: 'Siemens Teamcenter – “PLM” 日本' } }, k1);
    const verified = verifyToken(token, options());
    assert.ok(verified.ok);
    assert.equal(verified.claims.data?.answer, 'Siemens Teamcenter – “PLM” 日本');
  });
});

describe('signed tokens: purpose, workspace and expiry', () => {
  it('a token for one purpose is refused for every other purpose', () => {
    for (const minted of TOKEN_PURPOSES) {
      const token = signToken({ ...claims, purpose: minted }, k1);
      for (const asked of TOKEN_PURPOSES) {
        const result = verifyToken(token, options({ purpose: asked }));
        if (asked === minted) assert.ok(result.ok, `${minted} verifies as ${minted}`);
        else assert.deepEqual(result, { ok: false, reason: 'wrong_purpose' }, `${minted} must not verify as ${asked}`);
      }
    }
  });

  it('a token of another workspace is refused even when the key bytes are the same', () => {
    const token = signToken({ ...claims, workspaceId: 'ws_b' }, k1);
    assert.deepEqual(verifyToken(token, options()), { ok: false, reason: 'wrong_workspace' });
    assert.ok(verifyToken(token, options({ workspaceId: 'ws_b' })).ok);
  });

  it('expires exactly at expiresAt', () => {
    const token = signToken(claims, k1);
    assert.ok(verifyToken(token, options({ now: claims.expiresAt - 1 })).ok);
    assert.deepEqual(verifyToken(token, options({ now: claims.expiresAt })), { ok: false, reason: 'expired' });
    assert.deepEqual(verifyToken(token, options({ now: claims.expiresAt + 365 * 86_400_000 })), { ok: false, reason: 'expired' });
    const dead = signToken({ ...claims, expiresAt: claims.issuedAt }, k1);
    assert.deepEqual(verifyToken(dead, options({ now: claims.issuedAt })), { ok: false, reason: 'expired' }, 'a zero lifetime never verifies');
  });

  it('refuses a non-numeric now as expired rather than trusting the token', () => {
    assert.deepEqual(verifyToken(signToken(claims, k1), options({ now: Number.NaN })), { ok: false, reason: 'expired' });
  });
});

describe('signed tokens: keys and rotation', () => {
  it('a token names its key; rotation keeps older keys verifying', () => {
    const old = signToken(claims, k1);
    const fresh = signToken(claims, k2);
    assert.equal(parts(old)[1], 'k1');
    assert.equal(parts(fresh)[1], 'k2');
    assert.ok(verifyToken(old, options()).ok, 'both keys live');
    assert.ok(verifyToken(fresh, options()).ok);
  });

  it('a retired (absent) key stops verifying its tokens, and only those', () => {
    const keys = new Map([[k2.id, k2.secret]]);
    assert.deepEqual(verifyToken(signToken(claims, k1), options({ keys })), { ok: false, reason: 'unknown_key' });
    assert.ok(verifyToken(signToken(claims, k2), options({ keys })).ok);
    assert.deepEqual(verifyToken(signToken(claims, k1), options({ keys: new Map() })), { ok: false, reason: 'unknown_key' }, 'no keys at all');
  });

  it('a key id is not a secret: the same id with another secret does not verify', () => {
    const impostor: SigningKey = { id: 'k1', secret: Buffer.alloc(32, 9) };
    assert.deepEqual(verifyToken(signToken(claims, impostor), options()), { ok: false, reason: 'bad_signature' });
  });

  it('refuses to sign with a key id that could not be read back', () => {
    for (const id of ['', 'a.b', 'x'.repeat(33), 'é', 'a b', 'a/b']) {
      assert.throws(() => signToken(claims, { id, secret: k1.secret }), /invalid signing key id/, JSON.stringify(id));
    }
    assert.doesNotThrow(() => signToken(claims, { id: 'A-z_0'.padEnd(32, '9'), secret: k1.secret }));
  });
});

describe('signed tokens: forgery and tampering', () => {
  const token = signToken(claims, k1);
  const [payload, keyId, mac] = parts(token);

  it('changing any claim in the payload breaks the signature (claims are not read first)', () => {
    const forgeries: Array<Partial<TokenClaims>> = [
      { recipient: 'prf_2' }, { workspaceId: 'ws_b' }, { purpose: 'unsubscribe' }, { expiresAt: T + 10 * 365 * 86_400_000 },
      { issuedAt: T - 1 }, { id: 'tok_2' }, { data: { url: 'https://evil.example/' } },
    ];
    for (const change of forgeries) {
      const forged = `${b64({ ...claims, ...change })}.${keyId}.${mac}`;
      assert.deepEqual(verifyToken(forged, options({ ...(change.purpose ? { purpose: change.purpose } : {}), ...(change.workspaceId ? { workspaceId: change.workspaceId } : {}) })),
        { ok: false, reason: 'bad_signature' }, JSON.stringify(change));
    }
  });

  it('moving a MAC to another key id, or a payload to another token, fails', () => {
    assert.deepEqual(verifyToken(`${payload}.k2.${mac}`, options()), { ok: false, reason: 'bad_signature' });
    const other = signToken({ ...claims, recipient: 'prf_2' }, k1);
    assert.deepEqual(verifyToken(`${parts(other)[0]}.${keyId}.${mac}`, options()), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyToken(`${payload}.${keyId}.${parts(other)[2]}`, options()), { ok: false, reason: 'bad_signature' });
  });

  it('every single-character change of the MAC fails, including the spare bits of its last character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < mac.length; i++) {
      for (const c of alphabet) {
        if (c === mac[i]) continue;
        const tampered = `${payload}.${keyId}.${mac.slice(0, i)}${c}${mac.slice(i + 1)}`;
        assert.deepEqual(verifyToken(tampered, options()), { ok: false, reason: 'bad_signature' }, `position ${i} → ${c}`);
      }
    }
  });

  it('random edits of a valid token never verify (5,000 mutations, seeded)', () => {
    const random = prng(6);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=%+/ ';
    for (let n = 0; n < 5000; n++) {
      const at = Math.floor(random() * token.length);
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const kind = Math.floor(random() * 3);
      const mutated = kind === 0 ? token.slice(0, at) + c + token.slice(at + 1) : kind === 1 ? token.slice(0, at) + c + token.slice(at) : token.slice(0, at) + token.slice(at + 1);
      if (mutated === token) continue;
      const result = verifyToken(mutated, options());
      assert.equal(result.ok, false, `mutation ${n} verified: ${mutated}`);
    }
  });

  it('a MAC made without the key (a guess, all zeros, an empty MAC) fails', () => {
    assert.deepEqual(verifyToken(`${payload}.${keyId}.${'A'.repeat(43)}`, options()), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyToken(`${payload}.${keyId}.`, options()), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyToken(`${payload}.${keyId}.${mac}A`, options()), { ok: false, reason: 'malformed' }, 'a longer MAC');
  });

  it('a validly signed payload whose claims are not a token is refused as malformed, never trusted', () => {
    // Sign arbitrary payloads with the real key by hand (what a bug elsewhere could produce).
    const signed = (body: unknown) => {
      const p = typeof body === 'string' ? body : b64(body);
      return `${p}.k1.${createHmac('sha256', k1.secret).update(`tsr1.k1.${p}`).digest('base64url')}`;
    };
    assert.ok(verifyToken(signed(claims), options()).ok, 'the hand-made signature matches signToken');
    const bad: unknown[] = [
      [claims], null, 42, 'text', { ...claims, purpose: 'admin' }, { ...claims, workspaceId: 7 }, { ...claims, recipient: null },
      { ...claims, id: undefined }, { ...claims, expiresAt: 'later' }, { ...claims, issuedAt: null }, { ...claims, data: [1] },
      { ...claims, data: null }, { ...claims, data: 'x' },
    ];
    for (const body of bad) assert.deepEqual(verifyToken(signed(body), options()), { ok: false, reason: 'malformed' }, JSON.stringify(body));
    assert.deepEqual(verifyToken(signed(Buffer.from('{not json').toString('base64url')), options()), { ok: false, reason: 'malformed' });
  });
});

describe('signed tokens: garbage input', () => {
  it('never throws and answers malformed', () => {
    const valid = signToken(claims, k1);
    const garbage: unknown[] = [
      undefined, null, 0, 1, true, {}, [], [valid], { token: valid }, '', '.', '..', '...', 'a.b', 'a.b.c.d', `${valid}.`, `.${valid}`,
      'x'.repeat(5000), `${valid}${'A'.repeat(4096)}`, valid.replace('.', '..'), valid.replace(/\./g, '%2E'), `${valid} `, ` ${valid}`,
      valid.replace('k1', 'k 1'), valid.replace('k1', 'k1/'), `${'a'.repeat(10)}.${'b'.repeat(40)}.${'c'.repeat(43)}`, '\u0000.\u0000.\u0000',
      `${parts(valid)[0]}=.k1.${parts(valid)[2]}`, `${parts(valid)[0]}.k1.${parts(valid)[2]}=`,
    ];
    for (const input of garbage) {
      const result = verifyToken(input, options());
      assert.equal(result.ok, false, JSON.stringify(input)?.slice(0, 80));
      assert.ok(['malformed', 'unknown_key'].includes((result as { reason: string }).reason), JSON.stringify(input)?.slice(0, 80));
    }
  });

  it('a token at the length limit is read; one character over is malformed', () => {
    const long = signToken({ ...claims, data: { pad: 'x'.repeat(2000) } }, k1);
    assert.ok(long.length < 4096 && verifyToken(long, options()).ok);
    const tooLong = signToken({ ...claims, data: { pad: 'x'.repeat(3100) } }, k1);
    assert.ok(tooLong.length > 4096);
    assert.deepEqual(verifyToken(tooLong, options()), { ok: false, reason: 'malformed' }, 'refused before any work');
  });
});

describe('unverifiedWorkspaceId', () => {
  it('reads the workspace to choose keys, from valid and from forged tokens alike (it proves nothing)', () => {
    assert.equal(unverifiedWorkspaceId(signToken(claims, k1)), 'ws_a');
    const forged = `${b64({ ...claims, workspaceId: 'ws_x' })}.k1.${'A'.repeat(43)}`;
    assert.equal(unverifiedWorkspaceId(forged), 'ws_x');
    assert.equal(verifyToken(forged, options({ workspaceId: 'ws_x' })).ok, false, 'and verification then refuses it');
  });

  it('answers null for anything that is not a token', () => {
    for (const input of [undefined, null, 5, {}, '', '.', 'a.b.c', '!!!.k1.x', 'x'.repeat(5000), `${b64([1])}.k1.x`, `${b64({ ...claims, purpose: 'nope' })}.k1.x`]) {
      assert.equal(unverifiedWorkspaceId(input), null, String(input).slice(0, 40));
    }
  });
});

// Keeps the purpose list honest: a purpose added without thought would silently become signable.
it('the purposes are exactly the agreed ones', () => {
  assert.deepEqual([...TOKEN_PURPOSES].sort(), ['click', 'identify', 'open', 'optin', 'prefill', 'survey', 'unsubscribe'] satisfies TokenPurpose[]);
});
