/**
 * Where consent wording texts are kept (issue 13): the workspace's own published wording (a form's
 * consent text, sent by the form or by a banner) once for everyone in consent_wordings; any other
 * text a client sends only on the person's consent record — in their ledger and export, and gone
 * with their erasure (the raw scan is in erasure.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { adminSend } from '../http/forms-helpers.js';
import { storeDump } from './data-scan.js';
import { adminHeaders, consentOf, json, postConsent, sha256 } from './privacy-helpers.js';

const PUBLISHED = 'Send me the monthly newsletter. I can unsubscribe at any time.';
const PERSONAL = 'Yes, Quentin Yarrow-Blythe may be sent offers.';

describe('consent wordings: shared only when they are the workspace\'s own', () => {
  let t: TesseraUnderTest;
  before(async () => {
    t = await startTessera();
    assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'whitepaper', ...WHITEPAPER_FORM_INPUT })).statusCode, 201);
  });
  after(async () => t.close());

  const wordingRows = async () => {
    const dump = storeDump(t);
    try { return await dump.rows('consent_wordings'); } finally { await dump.close(); }
  };

  it('a banner text of its own stays on the person\'s record; the form\'s published text is kept once', async () => {
    json(await postConsent(t, { anonymousId: 'qy-anon', purposes: { personalization: true }, wording: { version: 'banner-1', text: PERSONAL } }));
    json(await postConsent(t, { anonymousId: 'other-anon', purposes: { email_marketing: true }, wording: { version: '2026-11', text: PUBLISHED } }));
    const rows = await wordingRows();
    assert.deepEqual(rows.map((r) => [r.hash, r.text]), [[sha256(PUBLISHED), PUBLISHED]]);
    // Each person's ledger still shows the exact text they saw.
    assert.deepEqual((await consentOf(t, 'qy-anon')).ledger.map((e) => e.wording), [{ version: 'banner-1', hash: sha256(PERSONAL), text: PERSONAL }]);
    assert.deepEqual((await consentOf(t, 'other-anon')).ledger.map((e) => e.wording), [{ version: '2026-11', hash: sha256(PUBLISHED), text: PUBLISHED, published: true }]);
  });

  it('the export of the person holds their text; after their erasure no table does', async () => {
    const exported = await t.inject({ method: 'GET', url: '/v1/profiles/qy-anon/export', headers: adminHeaders });
    assert.equal(exported.statusCode, 200, exported.body);
    assert.ok(exported.body.includes(PERSONAL));
    assert.equal((await t.inject({ method: 'DELETE', url: '/v1/profiles/qy-anon', headers: adminHeaders })).statusCode, 200);
    const dump = storeDump(t);
    try {
      for (const table of await dump.tables()) {
        for (const row of await dump.rows(table)) assert.ok(!JSON.stringify(row).includes('Quentin'), `${table} still holds the text: ${JSON.stringify(row)}`);
      }
    } finally { await dump.close(); }
  });
});
