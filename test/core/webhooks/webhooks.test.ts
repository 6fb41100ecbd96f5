import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEFAULT_BACKOFF, retryDelay } from '../../../src/core/webhooks/backoff.js';
import { signPayload, verifySignature } from '../../../src/core/webhooks/signature.js';
import { parseWebhookInput, wantsChange, type Webhook } from '../../../src/core/webhooks/webhook.js';
import { createWebhookTargetPolicy } from '../../../src/core/webhooks/webhook-target.js';
import { T0 } from '../fixtures.js';

describe('webhook signatures', () => {
  test('t=<unix>,v1=<hex hmac-sha256 of "t.body"> verifies, and nothing else does', () => {
    const header = signPayload('whsec_x', '{"a":1}', T0);
    const t = Math.floor(T0 / 1000);
    assert.equal(header, `t=${t},v1=${createHmac('sha256', 'whsec_x').update(`${t}.{"a":1}`).digest('hex')}`);
    assert.equal(verifySignature('whsec_x', '{"a":1}', header, T0 + 1000), true);
    assert.equal(verifySignature('whsec_x', '{"a":2}', header, T0), false, 'another body');
    assert.equal(verifySignature('whsec_y', '{"a":1}', header, T0), false, 'another secret');
    assert.equal(verifySignature('whsec_x', '{"a":1}', header, T0 + 600_000), false, 'too old: a replay');
  });
});

describe('retry schedule', () => {
  test('delays grow exponentially with jitter, are capped, and stop after the last attempt', () => {
    const policy = { baseMs: 1000, maxMs: 10_000, maxAttempts: 6 };
    assert.equal(retryDelay(1, policy, 0), 500);
    assert.equal(retryDelay(1, policy, 0.999999), 1000);
    assert.equal(retryDelay(3, policy, 0.999999), 4000);
    assert.equal(retryDelay(5, policy, 0.999999), 10_000, 'capped');
    assert.equal(retryDelay(6, policy, 0.5), null, 'dead after the sixth attempt');
    const total = Array.from({ length: DEFAULT_BACKOFF.maxAttempts - 1 }, (_, i) => retryDelay(i + 1, DEFAULT_BACKOFF, 0.999999)!).reduce((a, b) => a + b, 0);
    assert.ok(total > 24 * 3_600_000 && total < 30 * 3_600_000, `the default schedule spans about a day, got ${total / 3_600_000} h`);
  });
});

describe('webhook definitions', () => {
  const hook: Webhook = { id: 'wh_1', workspaceId: 'ws', url: 'https://crm.test/hook', secret: 's', description: '', events: ['lifecycle.changed', 'segment.entered'], stages: ['sales_qualified'], active: true, createdAt: T0, updatedAt: T0 };
  const move = { kind: 'lifecycle.changed' as const, workspaceId: 'ws', profileId: 'p', from: 'lead', to: 'sales_qualified', at: T0, reason: 'r', cause: 'c' };

  test('the event filter and the stage and segment narrowing decide what is sent', () => {
    assert.equal(wantsChange(hook, move), true);
    assert.equal(wantsChange(hook, { ...move, to: 'lead' }), false);
    assert.equal(wantsChange({ ...hook, active: false }, move), false);
    const entered = { kind: 'segment.entered' as const, workspaceId: 'ws', profileId: 'p', segmentId: 'seg_1', segmentName: 'S', at: T0, reason: 'r', cause: 'c' };
    assert.equal(wantsChange(hook, entered), true);
    assert.equal(wantsChange(hook, { ...entered, kind: 'segment.exited' }), false);
    assert.equal(wantsChange({ ...hook, segmentIds: ['seg_2'] }, entered), false);
  });

  test('input is validated field by field', () => {
    const targets = createWebhookTargetPolicy();
    const bad = parseWebhookInput({ url: 'ftp://x', events: ['segment.entered', 'nope'] }, { targets });
    assert.deepEqual(bad.ok ? [] : bad.issues.map((i) => i.field).sort(), ['events[1]', 'url']);
    assert.equal(parseWebhookInput({ url: 'https://u:p@x.test/', events: ['lifecycle.changed'] }, { targets }).ok, false, 'no credentials in the URL');
    const ok = parseWebhookInput({ url: 'https://hooks.example.com:8443/x', events: ['lifecycle.changed'] }, { targets });
    assert.deepEqual(ok.ok && ok.input, { url: 'https://hooks.example.com:8443/x', description: '', events: ['lifecycle.changed'], active: true });
  });
});

describe('message webhooks', () => {
  const targets = createWebhookTargetPolicy();
  const base = { url: 'https://mailer.test/hook', events: ['segment.entered'] };

  test('`message: {tags}` is kept with tags lower-cased and once each; absent means not a message', () => {
    const parsed = parseWebhookInput({ ...base, message: { tags: ['Newsletter', 'newsletter', 'offers'] } }, { targets });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.input.message, { tags: ['newsletter', 'offers'] });
    const plain = parseWebhookInput(base, { targets });
    assert.ok(plain.ok);
    assert.equal('message' in plain.input, false);
    const noTags = parseWebhookInput({ ...base, message: {} }, { targets });
    assert.ok(noTags.ok);
    assert.deepEqual(noTags.input.message, { tags: [] });
  });

  test('experiment events are refused on a message webhook (they name no person), accepted otherwise', () => {
    const events = ['segment.entered', 'experiment.concluded'];
    const bad = parseWebhookInput({ ...base, events, message: { tags: [] } }, { targets });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.issues.map((i) => i.field), ['events']);
    const ok = parseWebhookInput({ ...base, events: [...events, 'experiment.srm_detected', 'experiment.guardrail_breached'] }, { targets });
    assert.ok(ok.ok);
    assert.deepEqual(ok.input.events, ['segment.entered', 'experiment.concluded', 'experiment.srm_detected', 'experiment.guardrail_breached']);
  });

  test('a bad message setting is refused, naming every failing field', () => {
    const bad = parseWebhookInput({ ...base, message: { tags: ['ok', 'not a tag', 7], channel: 'sms' } }, { targets });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.issues.map((i) => i.field).sort(), ['message', 'message.tags[1]', 'message.tags[2]']);
    const notObject = parseWebhookInput({ ...base, message: true }, { targets });
    assert.ok(!notObject.ok);
    assert.deepEqual(notObject.issues.map((i) => i.field), ['message']);
  });
});
