/**
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): a request with `Sec-GPC: 1` is
 * an opt-out of the workspace's `gpcPurposes` (default: advertising). The opt-out is recorded in
 * the consent ledger with channel `gpc`, and events serving only those purposes are not stored.
 * `gpcPurposes: []` turns it off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { assertAccepted, timelineOf, type Json } from '../http/api-helpers.js';
import { changeSettings, consentOf, countOf, json, postConsent, reportTotals } from './privacy-helpers.js';

const GPC = { 'sec-gpc': '1' };

async function declareAdEvents(t: TesseraUnderTest, gpcPurposes?: string[]): Promise<void> {
  await changeSettings(t, (s) => {
    s.schema.events['Ad Clicked'] = { purposes: ['advertising'], type: 'object', personal: false };
    if (gpcPurposes) s.gpcPurposes = gpcPurposes;
  });
}

const adClicks = async (t: TesseraUnderTest, id: string) => (await timelineOf(t, id)).filter((e: Json) => e.event === 'Ad Clicked').length;

describe('Sec-GPC: 1 is honoured as an opt-out of advertising (default)', () => {
  let t: TesseraUnderTest;
  before(async () => { t = await startTessera(); await declareAdEvents(t); });
  after(async () => { await t.close(); });

  it('withdraws a granted advertising consent in the ledger, with channel gpc', async () => {
    json(await postConsent(t, { anonymousId: 'gpc-1', purposes: { advertising: true, personalization: true } }));
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-1', event: 'Ad Clicked' }));
    assert.equal(await adClicks(t, 'gpc-1'), 1, 'stored while consent stands and no GPC signal is sent');

    assertAccepted(await t.collect('/v1/page', { anonymousId: 'gpc-1', messageId: 'gpc-page-1', properties: { path: '/' } }, GPC));
    const { consent, ledger } = await consentOf(t, 'gpc-1');
    const last = ledger.at(-1);
    assert.equal(last.channel, 'gpc');
    assert.deepEqual(last.purposes, { advertising: false }, 'only the GPC purposes are withdrawn');
    assert.deepEqual(last.evidence, { signal: 'Sec-GPC: 1', messageId: 'gpc-page-1' });
    assert.equal(consent.advertising.granted, false);
    assert.equal(consent.personalization.granted, true);
    const [page] = (await timelineOf(t, 'gpc-1')).filter((e: Json) => e.type === 'page');
    assert.equal(page.context.gpc, true, 'the stored event says it carried the signal');
  });

  it('the withdrawal lasts: a later advertising event without the header is withheld too', async () => {
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-1', event: 'Ad Clicked' }));
    assert.equal(await adClicks(t, 'gpc-1'), 1);
  });

  it('withholds advertising-only events sent with the signal, even with consent on record', async () => {
    json(await postConsent(t, { anonymousId: 'gpc-2', purposes: { advertising: true } }));
    const before = countOf(await reportTotals(t), 'withheld_event', 'Ad Clicked');
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-2', event: 'Ad Clicked' }, GPC));
    assertAccepted(await t.collect('/v1/batch', { batch: [{ type: 'track', anonymousId: 'gpc-2', event: 'Ad Clicked' }, { type: 'page', anonymousId: 'gpc-2' }] }, GPC));
    assert.equal(await adClicks(t, 'gpc-2'), 0);
    assert.equal(countOf(await reportTotals(t), 'withheld_event', 'Ad Clicked'), before + 2);
    assert.equal((await timelineOf(t, 'gpc-2')).filter((e: Json) => e.type === 'page').length, 1, 'the signal does not stop analytics');
  });

  // Known bug (see the privacy test report): the GPC withdrawal is recorded only by events that are
  // stored; an advertising-only event carrying the signal is withheld before it reaches
  // recordConsent, so the grant stays on record and a later request without the header is admitted.
  it('records the opt-out even when the first request carrying the signal is itself withheld', async () => {
    json(await postConsent(t, { anonymousId: 'gpc-3', purposes: { advertising: true } }));
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-3', event: 'Ad Clicked' }, GPC));
    // The same person's server later sends an advertising event without the header: the opt-out
    // signalled by the browser must already stand.
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-3', event: 'Ad Clicked' }));
    const { consent, ledger } = await consentOf(t, 'gpc-3');
    assert.equal(ledger.at(-1).channel, 'gpc', `no GPC entry in the ledger: ${JSON.stringify(ledger)}`);
    assert.equal(consent.advertising.granted, false);
    assert.equal(await adClicks(t, 'gpc-3'), 0);
  });

  it('a visitor who never granted advertising gets no ledger entry (nothing to withdraw), and no ad events', async () => {
    assertAccepted(await t.collect('/v1/page', { anonymousId: 'gpc-4' }, GPC));
    assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-4', event: 'Ad Clicked' }, GPC));
    assert.deepEqual((await consentOf(t, 'gpc-4')).ledger, []);
    assert.equal(await adClicks(t, 'gpc-4'), 0);
  });
});

describe('gpcPurposes is configurable', () => {
  it('gpcPurposes: [] turns GPC off: consent decides alone, nothing is written to the ledger', async () => {
    const t = await startTessera();
    try {
      await declareAdEvents(t, []);
      json(await postConsent(t, { anonymousId: 'gpc-off', purposes: { advertising: true } }));
      assertAccepted(await t.collect('/v1/track', { anonymousId: 'gpc-off', event: 'Ad Clicked' }, GPC));
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'gpc-off' }, GPC));
      assert.equal(await adClicks(t, 'gpc-off'), 1);
      const { consent, ledger } = await consentOf(t, 'gpc-off');
      assert.equal(consent.advertising.granted, true);
      assert.deepEqual(ledger.map((e: Json) => e.channel), ['banner']);
    } finally {
      await t.close();
    }
  });

  it('more purposes can be named: each granted one is withdrawn by the signal', async () => {
    const t = await startTessera();
    try {
      await declareAdEvents(t, ['advertising', 'personalization']);
      json(await postConsent(t, { anonymousId: 'gpc-more', purposes: { advertising: true, personalization: true, email_marketing: true } }));
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'gpc-more' }, GPC));
      const { consent, ledger } = await consentOf(t, 'gpc-more');
      assert.deepEqual(ledger.at(-1).purposes, { advertising: false, personalization: false });
      assert.deepEqual([consent.advertising.granted, consent.personalization.granted, consent.email_marketing.granted], [false, false, true]);
    } finally {
      await t.close();
    }
  });
});
