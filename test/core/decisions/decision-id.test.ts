/** Decision ids (core/decisions/decision-id.ts): sealed claims round-trip; tampered, foreign-key, expired or malformed ids are unknown. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decisionFormToken, decisionIdParts, openDecisionId, sealDecisionId, type DecisionClaims } from '../../../src/core/decisions/decision-id.js';

const key = { id: 'k1', secret: randomBytes(32) };
const claims: DecisionClaims = {
  workspaceId: 'ws_shop', slotId: 'hero', slotVersion: 3, variantId: 'pro', ruleId: 'r-pro', depth: 'segment', locale: 'de', channel: 'web',
  recognition: 'cookie', reason: { kind: 'rule', ruleId: 'r-pro' }, profileId: 'prf_secret_person', issuedAt: 1_000, expiresAt: 1_000 + 86_400_000,
};
const nonce = () => randomBytes(12);

describe('decision ids', () => {
  it('round-trip every claim, and each id is different though the decision is the same', () => {
    const a = sealDecisionId(claims, key, nonce());
    const b = sealDecisionId(claims, key, nonce());
    assert.notEqual(a, b);
    assert.match(a, /^dcs_[A-Za-z0-9_-]+\.k1\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(openDecisionId(a, { secret: key.secret, now: 2_000 }), claims);
    assert.deepEqual(decisionIdParts(a), { workspaceId: 'ws_shop', keyId: 'k1' });
    const reasons: DecisionClaims['reason'][] = [{ kind: 'default' }, { kind: 'interest', category: 'pricing' }, { kind: 'custom', text: { en: 'Hi', de: 'Hallo' }, dataKinds: ['reading-history'] }, { kind: 'experiment', experiment: 'hero-copy', variation: 'calm', unit: 'aid-42' }];
    for (const reason of reasons) {
      const c = { ...claims, reason, profileId: null };
      assert.deepEqual(openDecisionId(sealDecisionId(c, key, nonce()), { secret: key.secret, now: 2_000 }), c);
    }
  });

  it('hide the person and the rule: the id does not contain them in any readable form', () => {
    const id = sealDecisionId(claims, key, nonce());
    const decoded = id.split('.').map((p) => Buffer.from(p.replace(/^dcs_/, ''), 'base64url').toString('latin1')).join(' ');
    for (const secret of ['prf_secret_person', 'r-pro', 'hero']) assert.ok(!id.includes(secret) && !decoded.includes(secret), secret);
  });

  it('are unknown when tampered, opened with another key, expired or malformed', () => {
    const id = sealDecisionId(claims, key, nonce());
    const open = (t: unknown, secret = key.secret, now = 2_000) => openDecisionId(t, { secret, now });
    assert.equal(open(id, randomBytes(32)), null, 'another key');
    assert.equal(open(id, key.secret, claims.expiresAt), null, 'expired at expiresAt');
    const sealed = id.split('.')[2]!;
    for (let i = 0; i < sealed.length; i += 7) {
      const flipped = sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1);
      assert.equal(open(id.replace(sealed, flipped)), null, `byte ${i}`);
    }
    const otherWorkspace = id.replace(/^dcs_[^.]+/, `dcs_${Buffer.from('ws_other').toString('base64url')}`);
    assert.equal(open(otherWorkspace), null, 'the workspace is bound');
    assert.equal(open(id.replace('.k1.', '.k2.')), null, 'the key id is bound');
    for (const bad of ['', 'dcs_', 'dcs_a.b', `${id}.x`, id.slice(0, -3), 42, null, 'x'.repeat(5000), id.replace('dcs_', 'dcx_')]) assert.equal(open(bad), null, String(bad).slice(0, 20));
  });

  it('bind the form token to one decision', () => {
    const a = sealDecisionId(claims, key, nonce());
    const b = sealDecisionId(claims, key, nonce());
    assert.equal(decisionFormToken(a, key.secret), decisionFormToken(a, key.secret));
    assert.notEqual(decisionFormToken(a, key.secret), decisionFormToken(b, key.secret));
    assert.notEqual(decisionFormToken(a, key.secret), decisionFormToken(a, randomBytes(32)));
  });
});
