/**
 * Lifecycle moves that happen by time alone: engagement decays below a rule's threshold with no new
 * event. Ingest records when that will be (lifecycle.checkAt) in the segment scheduler's due table;
 * the re-evaluation the scheduler runs at that moment makes the move, with cause `time`, a timeline
 * entry and a webhook delivery. Real SQLite store, the real pipeline, an injected clock.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createIdentityGuard } from '../../src/core/identity/identity-key.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../../src/ingest/process-batch.js';
import { reevaluate } from '../../src/ingest/reevaluate.js';
import { createLeadScoringSettings } from '../../src/lead-scoring/lead-scoring-settings.js';
import { createPrivacyContexts } from '../../src/privacy/privacy-context.js';
import { events, newWorkspace, profileOf, timeline } from '../../src/storage/contract/contract-fixtures.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/store.js';
import { createWebhookList } from '../../src/webhooks/webhook-list.js';
import { tempDir } from '../support/tessera-under-test.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
let clock = T0;
const now = () => clock;
const dir = tempDir('tessera-lifecycle-time-');
let store: SqliteStore;
before(() => { store = openSqliteStore({ file: join(dir.path, 't.db'), sync: 'normal' }); });
after(async () => { await store.close(); dir.remove(); });

test('a lead whose engagement decays below the recycling threshold is moved back when that moment comes', async () => {
  const ws = await newWorkspace(store);
  await store.configs.put(ws, 'scoring', { engagement: { halfLifeDays: 10, rules: [{ id: 'demo', event: 'Demo Requested', points: 40 }] } }, T0);
  await store.configs.put(ws, 'lifecycle', { rules: [
    { id: 'mql', to: 'marketing_qualified', when: { engagement: { gte: 30 } } },
    { id: 'recycle', to: 'lead', from: ['marketing_qualified'], when: { engagement: { lt: 10 } } },
  ] }, T0);
  await store.webhooks.create({ id: `wh_${randomUUID()}`, workspaceId: ws, url: 'http://127.0.0.1:9/', secret: 's', description: '', events: ['lifecycle.changed'], active: true, createdAt: T0, updatedAt: T0 });
  const newMessageId = () => `tessera-${randomUUID()}`;
  const deps: ProcessBatchDeps = {
    guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId,
    leadScoring: { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now },
  };
  const privacy = createPrivacyContexts(store, now);
  const context = await privacy.get(ws);
  await store.write((tx) => createProcessBatch(deps)(tx, ws, events(ws, [{ type: 'track', userId: 'ida', event: 'Demo Requested', at: T0 }]), context));
  const id = await profileOf(store, ws, 'ida');

  const profile = (await store.profiles.get(ws, id))!;
  assert.equal(profile.lifecycle!.stage, 'marketing_qualified');
  // 40 points halve every 10 days: below 10 (shown as 9.9) just after 20 days.
  const checkAt = profile.lifecycle!.checkAt!;
  assert.ok(checkAt > T0 + 20 * DAY && checkAt < T0 + 21 * DAY, new Date(checkAt).toISOString());
  assert.equal(await store.segments.nextDueAt(), checkAt, 'the scheduler wakes for it');

  // Before that moment nothing moves; at it, the profile goes back to lead.
  clock = checkAt - 60_000;
  await reevaluate({ store, privacy, derive: createDerivedSteps(deps) }, { workspaceId: ws, profileIds: [id], now: clock, cause: 'time' });
  assert.equal((await store.profiles.get(ws, id))!.lifecycle!.stage, 'marketing_qualified');
  clock = checkAt;
  const changes = await reevaluate({ store, privacy, derive: createDerivedSteps(deps) }, { workspaceId: ws, profileIds: [id], now: clock, cause: 'time' });
  assert.deepEqual(changes.map((c) => c.kind === 'lifecycle.changed' && [c.from, c.to, c.cause]), [['marketing_qualified', 'lead', 'time']]);
  const after = (await store.profiles.get(ws, id))!;
  assert.match(after.lifecycle!.history.at(-1)!.reason, /^rule recycle: engagement score 9\.9 < 10$/);
  assert.equal(after.lifecycle!.checkAt, undefined, 'no rule can apply by time from lead');
  const entries = (await timeline(store, ws, id)).filter((e) => e.name === 'Lifecycle Stage Changed');
  assert.deepEqual(entries.map((e) => e.properties.to), ['lead', 'marketing_qualified']);
  const [hook] = await store.webhooks.list(ws);
  const log = await store.webhooks.deliveries(ws, hook!.id, { limit: 10 });
  assert.deepEqual(log.deliveries.map((d) => JSON.parse(d.payload).data.to), ['lead', 'marketing_qualified']);
});
