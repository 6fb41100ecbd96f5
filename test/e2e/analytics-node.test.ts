/**
 * The real Segment Node client (@segment/analytics-node), pointed at a real Tessera process with
 * nothing but `host`, delivers track, identify, page and alias calls; they show up on one profile
 * with every identity merged.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { serverForTests } from '../support/server-process.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import type { Json } from '../http/api-helpers.js';
import { ADMIN_KEY, WRITE_KEY } from '../support/tessera-under-test.js';

const server = serverForTests('tessera-e2e-node-');

async function admin(path: string): Promise<Json> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

it('delivers track, identify, page and alias, merged into one profile', async () => {
  const analytics = new Analytics({ writeKey: WRITE_KEY, host: server.url, flushAt: 3, maxEventsInBatch: 3, maxRetries: 1 });
  const statuses: number[] = [];
  const errors: unknown[] = [];
  analytics.on('http_response', (r) => statuses.push(r.status));
  analytics.on('error', (e) => errors.push(e));

  // A visitor browses anonymously, signs up with a new account id, and an old CRM id is aliased in.
  analytics.page({ anonymousId: 'node-anon', name: 'Pricing', category: 'Marketing', properties: { url: 'https://app.example/pricing', path: '/pricing' } });
  analytics.track({ anonymousId: 'node-anon', event: 'Trial Started', properties: { plan: 'pro' } });
  analytics.identify({ anonymousId: 'node-anon', userId: 'node-user', traits: { email: 'node@example.com', name: 'Node User' } });
  analytics.track({ userId: 'node-user', event: 'Invoice Paid', properties: { amount: 49 }, timestamp: new Date() });
  analytics.track({ userId: 'crm-42', event: 'Called Support' });
  analytics.alias({ previousId: 'crm-42', userId: 'node-user' });
  analytics.page({ userId: 'node-user', name: 'Billing', properties: { path: '/billing' } });
  await analytics.closeAndFlush({ timeout: 20_000 });

  assert.deepEqual(errors, []);
  assert.ok(statuses.length >= 3, `flushAt 3 means several batches: ${statuses}`);
  assert.ok(statuses.every((s) => s === 200), `every batch accepted: ${statuses}`);

  const profile = await admin('/v1/profiles/node-user');
  for (const id of ['node-anon', 'node@example.com', 'crm-42', profile.id]) assert.equal((await admin(`/v1/profiles/${id}`)).id, profile.id, id);
  const identities = profile.identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`).sort();
  assert.deepEqual(identities, ['anonymous_id:node-anon', 'email:node@example.com', 'user_id:crm-42', 'user_id:node-user']);
  assert.deepEqual([profile.traits.email, profile.traits.name], ['node@example.com', 'Node User']);
  assert.deepEqual(profile.behaviour.eventCounts, { 'Trial Started': 1, 'Invoice Paid': 1, 'Called Support': 1 });
  assert.deepEqual(profile.behaviour.typeCounts, { page: 2, track: 3, identify: 1, alias: 1 });

  const { events } = await admin(`/v1/profiles/${profile.id}/events?limit=100`);
  const sent = events.filter((e: { type: string }) => e.type !== 'system');
  assert.equal(sent.length, 7);
  for (const e of sent) {
    assert.match(e.messageId, /.+/);
    assert.equal(e.context.library.name, '@segment/analytics-node', 'the client\'s context is kept');
    assert.ok(e.sentAt !== null, 'the batch sentAt was applied');
  }

  // What an operator's Prometheus sees of the same traffic, from the real server process.
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  const metrics = parsePrometheusText(await res.text());
  assert.equal(metrics.get('tessera_ingest_events_total{outcome="stored"}'), 7);
  assert.equal(metrics.get('tessera_http_requests_total{method="POST",route="/v1/batch",status="200"}'), statuses.length);
  assert.ok(metrics.get('tessera_process_cpu_seconds_total')! > 0, 'process metrics are on for `tessera serve`');
  assert.ok(metrics.has('tessera_nodejs_eventloop_lag_p99_seconds'));
});
