/**
 * `Email Link Clicked` attributes the click to a decision (issue 14 §2): the email block of
 * GET /v1/decide/email puts `tsr_decision` on its links; when Tessera's own email links wrap them,
 * the click event carries `decisionId`, `slot`, `variant` and `ruleId`. A tampered, foreign or
 * expired decision id attributes nothing (and the person still gets where they are going).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DECISION_ID_TTL_MS } from '../../src/core/decisions/decision-id.js';
import { addServerKey } from '../../src/workspaces/api-keys.js';
import { eventsNamed, startLinksHarness, type LinksHarness } from './links-harness.js';

const SLOT = {
  id: 'newsletter-intro', name: 'Newsletter intro', channel: 'email', defaultVariantId: 'general',
  variants: [
    { id: 'general', title: 'What is new', body: 'News from Acme', format: 'text', linkUrl: 'https://www.acme.example/news' },
    { id: 'pro', body: '<p>Hello {{traits.firstName | "there"}}, <a href="https://www.acme.example/pro?a=1">see Pro</a></p>', format: 'html' },
  ],
  rules: [{ id: 'r-pro', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } }, variantId: 'pro', depth: 'individual' }],
};

describe('email link clicks attributed to decisions', () => {
  let h: LinksHarness;
  let serverKey: string;
  let person: string;
  before(async () => {
    h = await startLinksHarness();
    serverKey = await addServerKey(h.tessera.store, 'default', { scopes: ['decide'], now: h.clock.now });
    assert.equal((await h.admin('POST', '/v1/slots', SLOT)).statusCode, 201);
    await h.identify({ userId: 'u-karo', traits: { email: 'karo@acme.example', firstName: 'Karoline', plan: 'pro' } });
    await h.write('/v1/consent', { userId: 'u-karo', purposes: { personalization: true }, channel: 'api' });
    person = await h.profileId('u-karo');
  });
  after(() => h.close());

  const block = async (query: string) => {
    const res = await h.tessera.app.inject({ method: 'GET', url: `/v1/decide/email?slot=newsletter-intro&${query}`, headers: { authorization: `Bearer ${serverKey}` } });
    assert.equal(res.statusCode, 200, res.body);
    const decisionId = /data-tessera-decision="([^"]+)"/.exec(res.body)![1]!;
    const href = /href="([^"]+)"/.exec(res.body)![1]!.replace(/&amp;/g, '&');
    return { decisionId, href, html: res.body };
  };
  /** Tessera's own email links wrapping a target (POST /v1/emails/links), then a person clicking. */
  const click = async (target: string, messageId: string) => {
    const minted = await h.admin('POST', '/v1/emails/links', { recipient: 'u-karo', messageId, links: [{ url: target, identify: false }] });
    assert.equal(minted.statusCode, 200, minted.body);
    const res = await h.visit('GET', (minted.json() as { links: Array<{ href: string }> }).links[0]!.href);
    assert.equal(res.statusCode, 302, res.body);
    assert.equal(res.headers.location, target, 'the person lands where the block pointed');
    const clicks = await eventsNamed(h, person, 'Email Link Clicked');
    return clicks.find((e) => e.properties.email_id === messageId)!;
  };

  test('a click on a link of the decided block carries decisionId, slot, variant and rule', async () => {
    const { decisionId, href, html } = await block('userId=u-karo');
    assert.match(html, /Hello Karoline/);
    assert.ok(href.startsWith('https://www.acme.example/pro?a=1&tsr_decision=dcs_'), href);
    const event = await click(href, 'mail-1');
    assert.equal(event.properties.decisionId, decisionId);
    assert.equal(event.properties.slot, 'newsletter-intro');
    assert.equal(event.properties.variant, 'pro');
    assert.equal(event.properties.ruleId, 'r-pro');
    const general = await block('email=someone-else%40acme.example');
    assert.ok(general.href.startsWith('https://www.acme.example/news?tsr_decision='), general.href);
    const other = await click(general.href, 'mail-2');
    assert.equal(other.properties.variant, 'general');
    assert.equal(other.properties.ruleId, 'default');
  });

  test('a tampered or expired decision id attributes nothing', async () => {
    const { decisionId, href } = await block('userId=u-karo');
    const tampered = await click(href.replace(decisionId, `${decisionId.slice(0, -4)}AAAA`), 'mail-3');
    assert.equal(tampered.properties.decisionId, undefined);
    assert.equal(tampered.properties.slot, undefined);
    h.later(DECISION_ID_TTL_MS + 1);
    const late = await click(href, 'mail-4');
    assert.equal(late.properties.decisionId, undefined, 'expired');
    assert.equal(late.properties.link_url, href);
  });
});
