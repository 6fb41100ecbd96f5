/**
 * Erasure and export of what forms add about a person: answers (traits), declined fields, the
 * consent from a checkbox, the form events of the timeline. After erasure nothing of the person
 * remains in any table; the form's counters (aggregates) stay and still count the visits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WHITEPAPER_FORM_INPUT } from '../core/forms/form-fixtures.js';
import { adminSend, renderOk, submitOk } from '../http/forms-helpers.js';
import { postgresSkip, startTesseraOnPostgres } from '../support/postgres.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { findInFiles, findRemains, sqliteFiles, storeDump } from './data-scan.js';

const ZF = { laptop: 'zf-anon-laptop', email: 'zf-person@zf-example.test', company: 'zf-company-GmbH', plm: 'zf-plm-answer' };
const NEEDLES = Object.values(ZF);

const BACKENDS = [
  { name: 'sqlite', skip: false as const, start: startTessera },
  { name: 'postgres', skip: await postgresSkip(), start: startTesseraOnPostgres },
];

for (const backend of BACKENDS) {
  describe(`${backend.name}: forms data is exported and erased`, { skip: backend.skip }, () => {
    let t: TesseraUnderTest;
    let profileId: string;
    before(async () => {
      t = await backend.start();
      assert.equal((await adminSend(t, 'POST', '/v1/forms', { id: 'zf-form', ...WHITEPAPER_FORM_INPUT, alwaysShow: ['email', 'newsletter'] })).statusCode, 201);
      const first = await renderOk(t, 'zf-form', { anonymousId: ZF.laptop });
      const done = await submitOk(t, 'zf-form', { anonymousId: ZF.laptop, viewId: first.viewId, answers: { email: ZF.email, company: ZF.company, plm: ZF.plm, newsletter: true } });
      await submitOk(t, 'zf-form', { anonymousId: ZF.laptop, viewId: done.next.viewId, answers: {}, declined: done.next.fields.filter((f: { required: boolean }) => !f.required).map((f: { key: string }) => f.key) });
      profileId = JSON.parse((await t.admin(`/v1/profiles/${encodeURIComponent(ZF.email)}`)).body).id;
    });
    after(async () => t.close());

    it('the export holds the answers with their source, the declines, the consent and the form events', async () => {
      const exported = JSON.parse((await t.admin(`/v1/profiles/${profileId}/export`)).body);
      assert.equal(exported.profile.traits.company, ZF.company);
      assert.equal(exported.profile.traitSources.company.source, 'form:zf-form');
      assert.ok(Object.keys(exported.profile.declined).length > 0);
      assert.equal(exported.consentLedger.at(-1).channel, 'form');
      const names = exported.events.map((e: { event?: string }) => e.event);
      for (const name of ['Form Viewed', 'Form Submitted']) assert.ok(names.includes(name), `${name} in ${names}`);
    });

    it('after erasure no row holds the person; the form and its counters stay', async () => {
      const dump = storeDump(t);
      try {
        const before = await findRemains(dump, [...NEEDLES, profileId]);
        for (const needle of NEEDLES) assert.ok(before.remains.some((r) => r.needle === needle), `the scan finds ${needle} before the erasure`);
      } finally {
        await dump.close();
      }
      const erased = await adminSend(t, 'DELETE', `/v1/profiles/${profileId}`);
      assert.equal(erased.statusCode, 200, erased.body);
      const after = storeDump(t);
      try {
        const { tables, remains } = await findRemains(after, [...NEEDLES, profileId], [{ table: 'audit_log', column: 'subject', needle: profileId, reason: 'accountability' }]);
        assert.ok(tables.includes('forms') && tables.includes('form_counters'), `the scan saw the form tables: ${tables}`);
        assert.deepEqual(remains, []);
      } finally {
        await after.close();
      }
      if (backend.name === 'sqlite') assert.deepEqual(findInFiles(sqliteFiles(t.dataDir), [ZF.email, ZF.company, ZF.plm]), []);
      const report = JSON.parse((await adminSend(t, 'GET', '/v1/forms/zf-form/report')).body);
      assert.equal(report.totals.submits, 2, 'aggregates without personal data stay');
    });
  });
}
