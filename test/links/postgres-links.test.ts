/**
 * The email-link flows on PostgreSQL (the other tests use SQLite): a human click with tsr, a
 * survey answer with its trait source, double opt-in over real SMTP, one-click unsubscribe, key
 * rotation and retirement, export and erasure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postgresSkip } from '../support/postgres.js';
import { linkIn } from '../support/smtp-sink.js';
import { eventsNamed, startLinksHarness, type LinksHarness } from './links-harness.js';

const MINUTE = 60_000;

describe('email links on PostgreSQL', { skip: await postgresSkip() }, () => {
  let h: LinksHarness;
  before(async () => {
    h = await startLinksHarness({ smtp: true, postgres: true });
    assert.equal(h.tessera.store.kind, 'postgres');
    await h.admin('PUT', '/v1/lists/news', { name: 'News' });
    await h.admin('PUT', '/v1/surveys/plm', { name: 'PLM', questions: [{ id: 'plm', prompt: 'Which PLM?', trait: 'plm_system', options: [{ value: 'tc', label: 'Teamcenter' }, { value: 'wc', label: 'Windchill' }] }] });
  });
  after(() => h?.close());

  test('the whole journey', async () => {
    assert.equal((await h.write('/v1/subscriptions', { email: 'pg@acme.example', list: 'news', anonymousId: 'anon-pg' })).statusCode, 202);
    const confirm = linkIn(await h.smtp!.next(), /\/e\/optin\//);
    h.later(MINUTE);
    assert.match((await h.visit('POST', confirm, { body: '' })).body, /you are now subscribed/);
    const person = await h.profileId('pg@acme.example');
    assert.equal((await h.tessera.store.profiles.get('default', person))!.consent.email_marketing?.granted, true);

    const minted = (await h.admin('POST', '/v1/emails/links', { recipient: 'pg@acme.example', messageId: 'pg-1', list: 'news', survey: 'plm', links: [{ url: 'https://acme.example/a' }] })).json();
    h.later(MINUTE);
    const click = await h.visit('GET', minted.links[0].href);
    assert.equal(click.statusCode, 302);
    assert.ok(new URL(click.headers.location as string).searchParams.get('tsr'));
    await h.visit('POST', minted.survey.answers[1].href, { body: '' });
    const profile = (await h.tessera.store.profiles.get('default', person))!;
    assert.equal(profile.traits.plm_system, 'wc');
    assert.equal(profile.traitMeta.plm_system!.source, 'survey:plm');
    assert.equal((await eventsNamed(h, person, 'Email Link Clicked'))[0]!.properties.machine, false);

    const [first] = (await h.admin('GET', '/v1/links/keys')).json().keys;
    await h.admin('POST', '/v1/links/keys');
    assert.equal((await h.visit('GET', minted.links[0].href)).statusCode, 302, 'rotated: old links still work');
    await h.admin('POST', `/v1/links/keys/${first.id}/retire`);
    assert.equal((await h.visit('GET', minted.links[0].href)).statusCode, 400, 'retired: old links stop');

    const fresh = (await h.admin('POST', '/v1/emails/links', { recipient: 'pg@acme.example', messageId: 'pg-2', list: 'news' })).json();
    assert.equal((await h.visit('POST', fresh.unsubscribe, { body: 'List-Unsubscribe=One-Click', userAgent: null })).statusCode, 200);
    assert.equal((await h.tessera.store.profiles.get('default', person))!.consent.email_marketing?.granted, false);

    const exported = (await h.admin('GET', '/v1/profiles/pg@acme.example/export')).json();
    assert.deepEqual(exported.subscriptions.map((s: { status: string }) => s.status), ['unsubscribed']);
    assert.equal(exported.surveyAnswers.length, 1);
    await h.tessera.app.inject({ method: 'DELETE', url: '/v1/profiles/pg@acme.example', headers: { authorization: 'Bearer ak_test_admin_key_000000001' } });
    assert.deepEqual(await h.tessera.store.emails.subscriptionsOf('default', [person]), []);
    assert.deepEqual(await h.tessera.store.emails.answersOf('default', [person]), []);
  });
});
