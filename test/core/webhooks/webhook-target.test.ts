/**
 * Where webhooks may point: every spelling of an internal address is refused at registration,
 * every resolved internal address when connecting, unless the operator's allow-list permits it;
 * and what the delivery log says of a failed attempt is a category.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerError, deliveryErrorCategory } from '../../../src/core/webhooks/delivery-error.js';
import { parseWebhookInput } from '../../../src/core/webhooks/webhook.js';
import { createWebhookTargetPolicy, parseAllowEntry } from '../../../src/core/webhooks/webhook-target.js';

const INTERNAL_URLS = [
  // loopback, in every spelling WHATWG URL parsing accepts
  'http://127.0.0.1/', 'http://127.0.0.1:8780/v1/profiles', 'http://127.1/', 'http://0x7f.1/', 'http://0x7f000001/', 'http://2130706433/',
  'http://0177.0.0.1/', 'http://127.000.000.001/', 'http://0x7f.0x0.0x0.0x1/', 'http://%31%32%37.0.0.1/', 'http://127.0.0.1./', 'http://①②⑦.0.0.1/', 'http://１２７.0.0.1/', 'http://127.255.255.254/', 'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/',
  'http://localhost/', 'http://LOCALHOST./', 'http://LocalHost/', 'http://api.localhost/', 'http://localhost.localdomain/',
  // unspecified (reaches this machine on Linux)
  'http://0.0.0.0/', 'http://0/', 'http://[::]/', 'http://[::ffff:0.0.0.0]/',
  // cloud metadata: AWS/GCP/Azure, AWS IPv6, GCP name, Alibaba (CGNAT), Oracle (192.0.0.0/24)
  'http://169.254.169.254/latest/meta-data/', 'http://0xa9fea9fe/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/',
  'http://metadata.google.internal/computeMetadata/v1/', 'http://metadata/', 'http://100.100.100.200/', 'http://192.0.0.192/',
  // private networks, CGNAT, link-local, unique-local
  'http://10.0.0.1/', 'http://10.255.255.255/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://100.64.0.1/',
  'http://[fe80::1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[::ffff:10.0.0.1]/', 'http://[::ffff:192.168.0.1]/',
  // multicast, broadcast, reserved, documentation, benchmarking
  'http://224.0.0.1/', 'http://255.255.255.255/', 'http://240.0.0.1/', 'http://192.0.2.1/', 'http://198.18.0.1/', 'http://[ff02::1]/', 'http://[2001:db8::1]/',
  // IPv6 that embeds or translates to IPv4: NAT64, 6to4, Teredo, IPv4-compatible
  'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'http://[::127.0.0.1]/',
  // names that are local by definition
  'http://intranet/', 'http://printer.local/', 'http://nas.home.arpa/', 'http://vault.service.internal/',
];

const PUBLIC_URLS = ['https://hooks.example.com/tessera', 'http://93.184.215.14/', 'https://8.8.8.8:8443/x', 'http://[2606:4700:4700::1111]/', 'https://crm.test/hook', 'http://172.32.0.1/', 'http://100.128.0.1/'];

describe('webhook targets at registration', () => {
  const policy = createWebhookTargetPolicy();

  test('every internal address and local-only name is refused, in every spelling', () => {
    const accepted = INTERNAL_URLS.filter((u) => policy.checkUrl(u) === null);
    assert.deepEqual(accepted, []);
  });

  test('public addresses and names are accepted', () => {
    assert.deepEqual(PUBLIC_URLS.filter((u) => policy.checkUrl(u) !== null), []);
  });

  test('the allow-list lets the operator name internal targets: CIDRs, addresses, names, subdomains', () => {
    const allowing = createWebhookTargetPolicy(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'metadata.google.internal', '*.corp']);
    for (const u of ['http://127.0.0.1:9/', 'http://0x7f000001/', 'http://[::ffff:127.0.0.1]/', 'http://10.9.8.7/', 'http://[::ffff:10.0.0.1]/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/', 'http://hooks.corp/']) {
      assert.equal(allowing.checkUrl(u), null, u);
    }
    for (const u of ['http://127.0.0.2/', 'http://192.168.1.1/', 'http://169.254.169.254/', 'http://localhost/', 'http://corp/', 'http://[fc00::1]/']) {
      assert.notEqual(allowing.checkUrl(u), null, u);
    }
  });
});

describe('webhook targets when connecting (after resolution)', () => {
  test('a public name resolving to an internal address is refused', () => {
    const policy = createWebhookTargetPolicy();
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '169.254.169.254', 'fd00:ec2::254', '10.0.0.1', '100.64.0.1', '0.0.0.0', 'fe80::1%eth0', 'not an address']) {
      assert.equal(policy.allowsAddress('hooks.example.com', address), false, address);
    }
    for (const address of ['93.184.215.14', '2606:4700:4700::1111', '::ffff:93.184.215.14']) assert.equal(policy.allowsAddress('hooks.example.com', address), true, address);
  });

  test('an allowed CIDR allows its addresses (also IPv4-mapped); an allowed name allows whatever it resolves to', () => {
    const policy = createWebhookTargetPolicy(['10.0.0.0/8', '::ffff:192.168.0.0/112', 'hooks.corp']);
    assert.equal(policy.allowsAddress('a.example.com', '10.1.2.3'), true);
    assert.equal(policy.allowsAddress('a.example.com', '::ffff:10.1.2.3'), true);
    assert.equal(policy.allowsAddress('a.example.com', '192.168.7.7'), true, 'a mapped CIDR is an IPv4 CIDR');
    assert.equal(policy.allowsAddress('a.example.com', '127.0.0.1'), false);
    assert.equal(policy.allowsAddress('HOOKS.corp.', '127.0.0.1'), true);
    assert.equal(policy.allowsAddress('other.corp', '127.0.0.1'), false);
  });

  test('allow-list entries are CIDRs, addresses or host names; anything else is not an entry', () => {
    for (const entry of ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'hooks.corp', '*.corp', 'localhost']) assert.notEqual(parseAllowEntry(entry), null, entry);
    for (const entry of ['', '*', '10.0.0.0/33', 'http://x/', 'a b', '*.*.corp', '1.2.3', 'x'.repeat(300)]) assert.equal(parseAllowEntry(entry), null, entry);
    assert.throws(() => createWebhookTargetPolicy(['nope nope']), /Not a CIDR/);
  });
});

describe('webhook input', () => {
  const targets = createWebhookTargetPolicy();

  test('an internal URL is refused by name, together with every other failing field', () => {
    const parsed = parseWebhookInput({ url: 'http://169.254.169.254/latest/meta-data/', events: ['nope'] }, { targets });
    assert.equal(parsed.ok, false);
    assert.deepEqual(parsed.ok ? [] : parsed.issues.map((i) => i.field).sort(), ['events[0]', 'url']);
    assert.match(parsed.ok ? '' : parsed.issues.find((i) => i.field === 'url')!.reason, /internal address.*TESSERA_WEBHOOK_ALLOW/);
  });

  test('an update that keeps a stored internal URL may pause it; one that sets an internal URL is refused', () => {
    const current = { url: 'http://10.0.0.5/hook', description: '', events: ['lifecycle.changed' as const], active: true };
    assert.equal(parseWebhookInput({ active: false }, { targets, current }).ok, true);
    const moved = parseWebhookInput({ url: 'http://[::1]/hook' }, { targets, current: { ...current, url: 'https://hooks.example.com/' } });
    assert.deepEqual(moved.ok ? [] : moved.issues.map((i) => i.field), ['url']);
  });
});

describe('delivery log errors', () => {
  test('are categories; what an older version recorded in detail reads as its category', () => {
    const cases: Array<[number | null, string | null, string | null]> = [
      [200, null, null], [503, 'HTTP 503', 'HTTP 5xx'], [404, 'HTTP 404', 'HTTP 4xx'], [302, 'HTTP 302', 'HTTP 3xx (redirect not followed)'],
      [null, 'ECONNREFUSED', 'connection failed'], [null, 'connect ECONNREFUSED 10.0.0.5:6379', 'connection failed'], [null, 'other side closed', 'connection failed'],
      [null, 'no answer within 10 s', 'timeout'], [null, 'timeout', 'timeout'], [null, 'refused: internal address', 'refused: internal address'],
    ];
    assert.deepEqual(cases.map(([status, error]) => deliveryErrorCategory({ status, error })), cases.map((c) => c[2]));
    assert.deepEqual([200, 204, 301, 400, 500, 599].map(answerError), [null, null, 'HTTP 3xx (redirect not followed)', 'HTTP 4xx', 'HTTP 5xx', 'HTTP 5xx']);
  });
});
