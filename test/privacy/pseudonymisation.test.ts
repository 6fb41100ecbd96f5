/**
 * Pseudonymisation of request metadata (GDPR Art. 4(5), Art. 25): IP addresses are never stored in
 * full — truncated (IPv4 /24, IPv6 /48), replaced by a keyed hash whose key changes every UTC day,
 * or dropped, per workspace setting — and user agents are reduced to device class, browser family
 * and operating system. Checked on what the store holds: the timeline, and the raw database files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, timelineOf, type Json } from '../http/api-helpers.js';
import { findInFiles, sqliteFiles } from './data-scan.js';
import { changeSettings, DAY_MS, json, postConsent, putSettings } from './privacy-helpers.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const IPV4 = '203.0.113.195';
const IPV6 = '2001:db8:85a3:8d3:1319:8a2e:370:7348';

/** The stored context of the only page view of `anonymousId`. */
async function storedContext(t: TesseraUnderTest, anonymousId: string): Promise<Json> {
  const pages = (await timelineOf(t, anonymousId)).filter((e: Json) => e.type === 'page');
  assert.equal(pages.length, 1, `${anonymousId}: ${pages.length} page views`);
  return pages[0].context;
}

describe('default policy: truncated IP addresses, reduced user agents', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); });
  after(async () => { await t.close(); });

  it('truncates IPv4 to its /24 and reduces the user agent; the raw values are not stored', async () => {
    assertAccepted(await t.collect('/v1/page', {
      anonymousId: 'ps-v4', properties: { path: '/' },
      context: { ip: IPV4, userAgent: IPHONE, userAgentData: { platform: 'iOS', mobile: true, brands: [{ brand: 'Safari', version: '17' }] }, locale: 'de-DE' },
    }));
    const context = await storedContext(t, 'ps-v4');
    assert.deepEqual(context, { ip: '203.0.113.0', device: { class: 'mobile' }, browser: { name: 'Safari' }, os: { name: 'iOS' }, locale: 'de-DE' });
  });

  it('truncates IPv6 to its /48 and IPv4-mapped IPv6 to the IPv4 /24; drops what is not an IP address', async () => {
    const cases: Array<[string, string | undefined]> = [
      [IPV6, '2001:db8:85a3::'],
      ['::ffff:198.51.100.23', '198.51.100.0'],
      ['2001:db8::1', '2001:db8:0::'],
      ['not-an-ip 10.1.2.3', undefined],
    ];
    for (const [i, [ip, expected]] of cases.entries()) {
      assertAccepted(await t.collect('/v1/page', { anonymousId: `ps-v6-${i}`, context: { ip, userAgent: FIREFOX_LINUX } }));
      const context = await storedContext(t, `ps-v6-${i}`);
      assert.equal(context.ip, expected, ip);
      assert.deepEqual([context.device, context.browser, context.os], [{ class: 'desktop' }, { name: 'Firefox' }, { name: 'Linux' }]);
      assert.equal(context.userAgent, undefined);
    }
  });

  it('applies to a batch\'s shared context and to every call type', async () => {
    assertAccepted(await t.collect('/v1/batch', {
      context: { ip: '192.0.2.99', userAgent: IPHONE },
      batch: [{ type: 'page', anonymousId: 'ps-batch' }, { type: 'identify', anonymousId: 'ps-batch', traits: { name: 'Batch' } }, { type: 'track', anonymousId: 'ps-batch', event: 'Tapped' }],
    }));
    const events = await timelineOf(t, 'ps-batch');
    assert.equal(events.length, 3);
    for (const e of events) {
      assert.equal(e.context.ip, '192.0.2.0', e.type);
      assert.equal(e.context.userAgent, undefined, e.type);
      assert.equal(e.context.device.class, 'mobile', e.type);
    }
  });

  it('a bot is classed as a bot', async () => {
    assertAccepted(await t.collect('/v1/page', { anonymousId: 'ps-bot', context: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } }));
    assert.equal((await storedContext(t, 'ps-bot')).device.class, 'bot');
  });

  it('no full IP address and no raw user agent is anywhere in the database files', () => {
    const files = sqliteFiles(t.dataDir);
    assert.ok(files.some((f) => f.endsWith('tessera.db')), `no database in ${t.dataDir}`);
    const found = findInFiles(files, [IPV4, IPV6, '198.51.100.23', '192.0.2.99', 'Version/17.4 Mobile', 'Firefox/125.0', 'Googlebot/2.1']);
    assert.deepEqual(found, []);
  });
});

describe('hash policy: a keyed hash whose key changes every day', () => {
  let t: TesseraUnderTest;
  const day1 = Date.parse('2025-03-10T00:00:00.000Z');
  /** Stores one page view received at `at` from `ip`, through the ingest service (the HTTP routes read the real clock). */
  const pageAt = async (anonymousId: string, ip: string, at: number) => {
    await t.tessera.ingest.accept({ workspaceId: 'default', items: [{ anonymousId, context: { ip } }], impliedType: 'page', receivedAt: at });
    return (await storedContext(t, anonymousId)).ip as string;
  };

  before(async () => {
    t = await startTessera();
    json(await putSettings(t, { ip: 'hash' }));
  });
  after(async () => { await t.close(); });

  it('is stable within a UTC day, differs from one day to the next and between addresses', async () => {
    const morning = await pageAt('ph-1', IPV4, day1 + 8 * 3_600_000);
    const evening = await pageAt('ph-2', IPV4, day1 + 23 * 3_600_000 + 59 * 60_000);
    const nextDay = await pageAt('ph-3', IPV4, day1 + DAY_MS + 60_000);
    const neighbour = await pageAt('ph-4', '203.0.113.196', day1 + 9 * 3_600_000);
    const v6 = await pageAt('ph-5', IPV6, day1 + 9 * 3_600_000);
    for (const h of [morning, evening, nextDay, neighbour, v6]) assert.match(h, /^h:[A-Za-z0-9_-]{22}$/);
    assert.equal(morning, evening, 'the same address on the same day: the same value (visits can be told apart)');
    assert.notEqual(morning, nextDay, 'nothing links days');
    assert.notEqual(morning, neighbour);
    assert.equal(findInFiles(sqliteFiles(t.dataDir), [IPV4, IPV6, '203.0.113.196']).length, 0);
  });

  it('is keyed per workspace: another installation hashes the same address differently', async () => {
    const other = await startTessera();
    try {
      json(await putSettings(other, { ip: 'hash' }));
      await other.tessera.ingest.accept({ workspaceId: 'default', items: [{ anonymousId: 'ph-other', context: { ip: IPV4 } }], impliedType: 'page', receivedAt: day1 + 8 * 3_600_000 });
      const theirs = (await storedContext(other, 'ph-other')).ip;
      assert.notEqual(theirs, await pageAt('ph-6', IPV4, day1 + 8 * 3_600_000));
    } finally {
      await other.close();
    }
  });

  it('also pseudonymises the request metadata kept with consent', async () => {
    json(await postConsent(t, { anonymousId: 'ph-consent', purposes: { personalization: true } }, { remoteAddress: IPV4, headers: { 'user-agent': IPHONE } }));
    const { ledger } = json(await t.admin('/v1/profiles/ph-consent/consent'));
    assert.match(ledger[0].request.ip, /^h:/);
    assert.deepEqual(ledger[0].request.device, { class: 'mobile' });
  });
});

describe('drop policies', () => {
  it('ip: drop keeps no address at all; userAgent: drop keeps nothing of the user agent', async () => {
    const t = await startTessera();
    try {
      await changeSettings(t, (s) => { s.ip = 'drop'; s.userAgent = 'drop'; });
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'pd-1', context: { ip: IPV4, userAgent: IPHONE, locale: 'fr-FR' } }));
      assert.deepEqual(await storedContext(t, 'pd-1'), { locale: 'fr-FR' });
      assert.deepEqual(findInFiles(sqliteFiles(t.dataDir), [IPV4, '203.0.113.0', 'iPhone OS']), []);
    } finally {
      await t.close();
    }
  });
});
