/**
 * Storage limitation (GDPR Art. 5(1)(e)): the retention job deletes what is older than its
 * purposes allow and reports what it removed — POST /v1/privacy/retention/run, `tessera retention
 * run`, and every hour in the server.
 * - events older than the retention of their purposes (or their own `retentionDays`) are deleted;
 * - behaviour is recomputed from the events that remain;
 * - traits whose value is older than their retention are removed;
 * - a profile left with nothing is deleted entirely;
 * - the consent ledger of a live profile is kept.
 *
 * Default retention: page views and undeclared events serve analytics (395 days), identify calls
 * and the email trait serve `necessary` (730 days).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { scheduleRetention } from '../../src/privacy/retention-schedule.js';
import { openStore } from '../../src/storage/open-store.js';
import { createLogger, createTessera } from '../../src/tessera.js';
import { ensureDefaultWorkspace } from '../../src/workspaces/api-keys.js';
import { describeRun, runCli } from '../cli/run-cli.js';
import { assertAccepted, assertError, profileOf, timelineOf, type Json } from '../http/api-helpers.js';
import { ADMIN_KEY, startTessera, tempDir, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { findRemains, storeDump } from './data-scan.js';
import { adminHeaders, adminKeyId, auditLog, changeSettings, consentOf, daysAgo, json, postConsent, setLegalBasis } from './privacy-helpers.js';

const runRetention = (t: TesseraUnderTest) => t.inject({ method: 'POST', url: '/v1/privacy/retention/run', headers: adminHeaders });

/** A person with old and recent data, and a visitor with old page views only. */
async function sendOldAndNew(t: TesseraUnderTest): Promise<void> {
  const send = async (path: string, body: Json) => assertAccepted(await t.collect(path, body));
  await send('/v1/identify', { userId: 'ret-keep', anonymousId: 'ret-keep-anon', traits: { email: 'keep@example.com', plan: 'gold' }, timestamp: daysAgo(500) });
  await send('/v1/page', { userId: 'ret-keep', messageId: 'page-400', properties: { path: '/old' }, timestamp: daysAgo(400) });
  await send('/v1/page', { userId: 'ret-keep', messageId: 'page-10', properties: { path: '/recent' }, timestamp: daysAgo(10) });
  await send('/v1/track', { userId: 'ret-keep', messageId: 'checkout-40', event: 'Checkout Started', timestamp: daysAgo(40) });
  await send('/v1/track', { userId: 'ret-keep', messageId: 'checkout-20', event: 'Checkout Started', timestamp: daysAgo(20) });
  await send('/v1/track', { userId: 'ret-keep', messageId: 'widget-396', event: 'Widget Spun', timestamp: daysAgo(396) });
  await send('/v1/track', { userId: 'ret-keep', messageId: 'widget-394', event: 'Widget Spun', timestamp: daysAgo(394) });
  json(await postConsent(t, { userId: 'ret-keep', purposes: { personalization: true } }));
  await send('/v1/page', { anonymousId: 'ret-gone-anon', properties: { path: '/long-ago' }, timestamp: daysAgo(400) });
  await send('/v1/page', { anonymousId: 'ret-gone-anon', properties: { path: '/long-ago-2' }, timestamp: daysAgo(398) });
}

describe('POST /v1/privacy/retention/run', () => {
  let t: TesseraUnderTest;
  let report: Json;
  let goneProfileId: string;

  before(async () => {
    t = await startTessera();
    await changeSettings(t, (s) => { s.schema.events['Checkout Started'] = { purposes: ['analytics'], type: 'object', personal: false, retentionDays: 30 }; });
    await sendOldAndNew(t);
    goneProfileId = (await profileOf(t, 'ret-gone-anon')).id;
    assert.equal((await profileOf(t, 'ret-keep')).behaviour.pageViews, 2);
    report = json(await runRetention(t));
  });
  after(async () => { await t.close(); });

  it('reports, per rule, how long it keeps events and how many it deleted', () => {
    const rules = Object.fromEntries(report.events.map((e: Json) => [e.rule, [e.keptDays, e.deleted]]));
    assert.deepEqual(rules.page, [395, 3]);
    assert.deepEqual(rules.identify, [730, 0]);
    assert.deepEqual(rules['track "Checkout Started"'], [30, 1]);
    assert.deepEqual(rules['other track events'], [395, 1]);
    assert.equal(report.events.reduce((sum: number, e: Json) => sum + e.deleted, 0), 5);
    assert.deepEqual(report.traits, [{ trait: 'plan', keptDays: 395, profiles: 1 }]);
    assert.equal(report.profilesDeleted, 1);
    assert.equal(report.profilesRecomputed, 2);
    assert.ok(Date.parse(report.startedAt) <= Date.parse(report.finishedAt));
  });

  it('deleted exactly the events past their retention', async () => {
    // Events named by the test; the identify and the consent have server-made ids (srv-…).
    const named = (await timelineOf(t, 'ret-keep')).map((e) => e.messageId as string).filter((id) => !id.startsWith('srv-'));
    assert.deepEqual(named.sort(), ['checkout-20', 'page-10', 'widget-394']);
    assert.ok((await timelineOf(t, 'ret-keep')).some((e) => e.type === 'identify'), 'the identify (necessary, 730 days) stays');
  });

  it('recomputed the behaviour from the events that remain', async () => {
    const b = (await profileOf(t, 'ret-keep')).behaviour;
    assert.equal(b.pageViews, 1);
    assert.deepEqual(b.pages.map((p: Json) => p.path), ['/recent']);
    assert.deepEqual(b.eventCounts, { 'Checkout Started': 1, 'Widget Spun': 1 });
  });

  it('removed the trait past its retention and kept the one whose purpose keeps it longer', async () => {
    const p = await profileOf(t, 'ret-keep');
    assert.deepEqual(p.traits, { email: 'keep@example.com' });
    assert.deepEqual(Object.keys(p.traitSources), ['email']);
  });

  it('kept the consent ledger of the live profile', async () => {
    const { consent, ledger } = await consentOf(t, 'ret-keep');
    assert.equal(consent.personalization.granted, true);
    assert.equal(ledger.length, 1);
  });

  it('deleted the profile left with nothing, with its identities: nothing of it remains', async () => {
    assertError(await t.admin('/v1/profiles/ret-gone-anon'), 404);
    const dump = storeDump(t);
    try {
      const allowed = [{ table: 'audit_log', column: 'subject', needle: goneProfileId, reason: 'accountability' }];
      assert.deepEqual((await findRemains(dump, ['ret-gone-anon', '/long-ago', goneProfileId], allowed)).remains, []);
    } finally {
      await dump.close();
    }
  });

  it('is audited with the admin key as actor, and a second run finds nothing more to delete', async () => {
    const [entry] = (await auditLog(t)).filter((e) => e.action === 'retention.purge');
    assert.equal(entry.actor, await adminKeyId(t));
    assert.deepEqual(entry.details, { eventsDeleted: 5, traitsRemoved: 1, profilesRecomputed: 2, profilesDeleted: 1, mergeSnapshotsRedacted: 0, surveyAnswersDeleted: 0 });
    const again = json(await runRetention(t));
    assert.equal(again.events.reduce((sum: number, e: Json) => sum + e.deleted, 0), 0);
    assert.deepEqual([again.traits, again.profilesDeleted], [[], 0]);
  });

  it('needs the admin key', async () => {
    assertError(await t.inject({ method: 'POST', url: '/v1/privacy/retention/run', headers: { authorization: `Bearer ${WRITE_KEY}` } }), 401);
  });
});

describe('a profile holding a consent decision is not empty', () => {
  it('retention keeps a visitor whose only remaining data is their consent, and the consent keeps working', async () => {
    const t = await startTessera();
    try {
      await changeSettings(t, (s) => setLegalBasis(s, 'analytics', 'consent'));
      json(await postConsent(t, { anonymousId: 'ret-consenter', purposes: { analytics: true } }));
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'ret-consenter', properties: { path: '/old' }, timestamp: daysAgo(400) }));
      const report = json(await runRetention(t));
      assert.equal(report.events.find((e: Json) => e.rule === 'page').deleted, 1);
      assert.equal(report.profilesDeleted, 0, 'the profile still holds the consent decision');
      assert.equal((await consentOf(t, 'ret-consenter')).ledger.length, 1);
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'ret-consenter', properties: { path: '/today' } }));
      assert.deepEqual((await timelineOf(t, 'ret-consenter')).filter((e) => e.type === 'page').map((e) => e.properties.path), ['/today']);
    } finally {
      await t.close();
    }
  });
});

describe('retention also reaches copies of old data', () => {
  it('a trait past its retention is gone from merge snapshots too', async () => {
    const t = await startTessera();
    try {
      assertAccepted(await t.collect('/v1/identify', { anonymousId: 'snap-anon', traits: { plan: 'silver-snapshot' }, timestamp: daysAgo(500) }));
      assertAccepted(await t.collect('/v1/track', { userId: 'snap-user', event: 'Logged In' }));
      assertAccepted(await t.collect('/v1/identify', { anonymousId: 'snap-anon', userId: 'snap-user' }));
      assert.equal((await profileOf(t, 'snap-user')).merges.length, 1);
      json(await runRetention(t));
      const p = await profileOf(t, 'snap-user');
      assert.equal(p.traits.plan, undefined);
      assert.ok(!JSON.stringify(p.merges).includes('silver-snapshot'), `still in the merge log: ${JSON.stringify(p.merges)}`);
    } finally {
      await t.close();
    }
  });
});

describe('tessera retention run', () => {
  it('--help exits 0 and names its options', async () => {
    const result = await runCli(['retention', 'run', '--help']);
    assert.equal(result.code, 0, describeRun(result));
    for (const option of ['--workspace', '--json', '--data-dir', '--database-url', '--config']) assert.ok(result.stdout.includes(option), `${option}\n${describeRun(result)}`);
    const parent = await runCli(['retention', '--help']);
    assert.equal(parent.code, 0, describeRun(parent));
    assert.match(parent.stdout, /run/);
  });

  it('purges a data folder and prints the report as JSON; the audit log names the CLI', async () => {
    const dir = tempDir();
    try {
      const config = { ...loadConfig({ env: {}, flags: { dataDir: dir.path, logLevel: 'silent' } }), retentionIntervalMinutes: 0 };
      const open = async () => {
        const store = await openStore(config);
        await ensureDefaultWorkspace(store, { now: Date.now(), writeKey: WRITE_KEY, adminKey: ADMIN_KEY });
        return createTessera({ config, store });
      };
      let tessera = await open();
      for (const days of [400, 10]) {
        await tessera.ingest.accept({ workspaceId: 'default', items: [{ anonymousId: 'cli-visitor', messageId: `cli-${days}`, timestamp: daysAgo(days) }], impliedType: 'page' });
      }
      await tessera.close();

      const result = await runCli(['retention', 'run', '--data-dir', dir.path, '--json']);
      assert.equal(result.code, 0, describeRun(result));
      const report = JSON.parse(result.stdout) as Json;
      assert.deepEqual(report.events.find((e: Json) => e.rule === 'page'), { rule: 'page', keptDays: 395, deleted: 1 });
      assert.equal(report.workspaceId, 'default');

      const text = await runCli(['retention', 'run', '--data-dir', dir.path]);
      assert.equal(text.code, 0, describeRun(text));
      assert.match(text.stdout, /Retention for workspace default/);

      tessera = await open();
      try {
        const left = await tessera.store.profiles.events('default', (await tessera.store.profiles.resolve('default', 'cli-visitor'))!, { limit: 10 });
        assert.deepEqual(left.events.map((e) => e.messageId), ['cli-10']);
        const { entries } = await tessera.store.privacy.auditLog('default', { limit: 10 });
        assert.deepEqual(entries.filter((e) => e.action === 'retention.purge').map((e) => e.actor), ['cli', 'cli']);
      } finally {
        await tessera.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('an unknown workspace exits 2 and says so', async () => {
    const dir = tempDir();
    try {
      const created = await runCli(['workspace', 'create', 'Shop', '--data-dir', dir.path]);
      assert.equal(created.code, 0, describeRun(created));
      const result = await runCli(['retention', 'run', '--data-dir', dir.path, '--workspace', 'nope']);
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, /No workspace "nope"/);
    } finally {
      dir.remove();
    }
  });
});

describe('the server runs retention every interval', () => {
  // Timers are mocked (setTimeout/setInterval only): the job's own I/O runs for real, and the
  // test waits for it by turns of the event loop, never by time.
  const purgesOf = async (store: TesseraUnderTest['tessera']['store']) =>
    (await store.privacy.auditLog('default', { limit: 100 })).entries.filter((e) => e.action === 'retention.purge');
  // Bounded in turns, not time; generous because commits wait for an fsync on the thread pool.
  const settle = async (until: () => Promise<boolean>) => {
    for (let turn = 0; turn < 100_000 && !(await until()); turn++) await new Promise((resolve) => setImmediate(resolve));
  };

  it('a server with the default configuration runs it one minute after start, as `system`', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const t = await startTessera();
    try {
      assert.equal(t.config.retentionIntervalMinutes, 60);
      await t.tessera.ingest.accept({ workspaceId: 'default', items: [{ anonymousId: 'srv-visitor', timestamp: daysAgo(400) }], impliedType: 'page' });
      mock.timers.tick(60_000);
      await settle(async () => (await purgesOf(t.tessera.store)).length > 0);
      assert.deepEqual((await purgesOf(t.tessera.store)).map((e) => [e.actor, e.details.eventsDeleted]), [['system', 1]]);
    } finally {
      await t.close();
      mock.timers.reset();
    }
  });

  it('retentionIntervalMinutes: 0 never runs it', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const t = await startTessera({ retentionIntervalMinutes: 0 });
    try {
      mock.timers.tick(3 * 60 * 60_000);
      await settle(async () => (await purgesOf(t.tessera.store)).length > 0);
      assert.deepEqual(await purgesOf(t.tessera.store), []);
    } finally {
      await t.close();
      mock.timers.reset();
    }
  });

  it('first one minute after start, then every `retentionIntervalMinutes` counted from the start', async () => {
    const t = await startTessera({ retentionIntervalMinutes: 0 });
    const store = t.tessera.store;
    const purges = () => purgesOf(store);
    const oldPage = (id: string) => t.tessera.ingest.accept({ workspaceId: 'default', items: [{ anonymousId: 'sched-visitor', messageId: id, timestamp: daysAgo(400) }], impliedType: 'page' });
    const pagesLeft = async () => {
      const id = await store.profiles.resolve('default', 'sched-visitor');
      return id ? (await store.profiles.events('default', id, { limit: 10 })).events.length : 0;
    };
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const schedule = scheduleRetention({ store, privacy: createPrivacyContexts(store, Date.now), logger: createLogger({ logLevel: 'silent' }), now: Date.now }, 60);
    try {
      await oldPage('sched-1');
      mock.timers.tick(59_999);
      await settle(async () => (await purges()).length > 0);
      assert.equal((await purges()).length, 0, 'not before one minute');
      mock.timers.tick(1);
      await settle(async () => (await purges()).length === 1);
      assert.equal((await purges()).length, 1, 'the first run, one minute after start');
      assert.equal((await purges())[0]?.actor, 'system');

      await oldPage('sched-2');
      mock.timers.tick(58 * 60_000 + 59_999);
      await settle(async () => (await purges()).length > 1);
      assert.equal((await purges()).length, 1, 'not before the interval');
      mock.timers.tick(1);
      await settle(async () => (await purges()).length === 2);
      assert.equal((await purges()).length, 2, 'the second run, one interval after the start');
      assert.equal(await pagesLeft(), 0);
    } finally {
      await schedule.stop();
      mock.timers.reset();
      await t.close();
    }
  });
});
