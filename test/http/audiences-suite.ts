/**
 * Audiences through the API (both stores: audiences*.test.ts): CRUD naming every bad field, a full
 * Meta / Google / LinkedIn export whose every hash is recomputed here from the normal form written
 * by hand, only people with advertising consent in it (the others counted as excluded), an
 * incremental export with adds and removes, the audit log, and erasure: the erased person is a
 * `remove` in the next incremental export of each format (hashes only were kept for it), after
 * which nothing of theirs remains in the audience state (and the export of the person shows it before).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { cellText, storeDump } from '../privacy/data-scan.js';
import { assertAccepted, assertError, assertIssue, profileOf, type Json } from './api-helpers.js';

const h = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const PEOPLE = 30;
/** Person i: a pro customer; every third has no advertising consent, every fifth withdrew it. */
const email = (i: number) => ` Buyer.${i}@GMail.com `;
const ads = (i: number) => i % 3 !== 0;

export function audiencesSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  describe('audiences API', () => {
    let t: TesseraUnderTest;
    before(async () => { t = await start({}); });
    after(async () => { await t.close(); });

    const admin = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    const ok = (res: { statusCode: number; body: string }, status = 200) => { assert.equal(res.statusCode, status, res.body); return JSON.parse(res.body) as Json; };
    const csv = (res: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /text\/csv/);
      const [header, ...rows] = res.body.trimEnd().split('\n');
      return { header: header!.split(','), rows: rows.map((r) => r.split(',')) };
    };

    it('refuses bad definitions naming every field; needs an admin key', async () => {
      assertError(await t.inject({ method: 'GET', url: '/v1/audiences' }), 401);
      const bad = assertError(await admin('POST', '/v1/audiences', { name: '', source: { segment: 'nope' }, visitedWithinDays: 0, purpose: 'ads', extra: 1 }), 400, 'invalid_body');
      for (const f of ['name', 'source.segment', 'visitedWithinDays', 'purpose', 'extra']) assertIssue(bad, f, /./);
      const persona = assertError(await admin('POST', '/v1/audiences', { name: 'x', source: { persona: { id: 'factory', minProbability: 2 } } }), 400, 'invalid_body');
      assertIssue(persona, 'source.persona.id', /persona id/);
      assertIssue(persona, 'source.persona.minProbability', /at most 1/);
      assertError(await admin('GET', '/v1/audiences/none'), 404, 'not_found');
    });

    it('exports only people with advertising consent, hashed as each platform requires; incremental adds and removes; erasure clears the state', async () => {
      for (let i = 0; i < PEOPLE; i++) {
        assertAccepted(await t.collect('/v1/identify', { userId: `buyer-${i}`, traits: { plan: 'pro', email: email(i), phone: `030 1234${String(i).padStart(3, '0')}`, firstName: ` Ann-${i} `, lastName: 'Müller', zip: '10115', country: 'de' } }));
        const consent = await t.collect('/v1/consent', { userId: `buyer-${i}`, purposes: { advertising: ads(i) }, channel: 'banner' });
        assert.equal(consent.statusCode, 200, consent.body);
      }
      assertAccepted(await t.collect('/v1/identify', { userId: 'free-1', traits: { plan: 'free', email: 'free@example.com' } }));
      assert.equal((await t.collect('/v1/consent', { userId: 'free-1', purposes: { advertising: true }, channel: 'banner' })).statusCode, 200);
      ok(await admin('POST', '/v1/segments', { id: 'pro', name: 'Pro customers', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } } }), 201);
      let seg: Json = {};
      for (let i = 0; i < 200 && seg.members !== PEOPLE; i++) { await sleep(50); seg = ok(await admin('GET', '/v1/segments/pro')); }
      assert.equal(seg.members, PEOPLE);

      const created = ok(await admin('POST', '/v1/audiences', { id: 'pro-ads', name: 'Pro customers for ads', source: { segment: 'pro' } }), 201);
      assert.deepEqual([created.id, created.purpose, created.defaultCountry], ['pro-ads', 'advertising', 'DE']);
      const consenting = Array.from({ length: PEOPLE }, (_, i) => i).filter(ads);

      const meta = csv(await admin('GET', '/v1/audiences/pro-ads/export?format=meta'));
      assert.deepEqual(meta.header, ['email', 'phone', 'fn', 'ln', 'zip', 'country']);
      assert.deepEqual(meta.rows.map((r) => r[0]).sort(), consenting.map((i) => h(`buyer.${i}@gmail.com`)).sort());
      for (const i of consenting) {
        const row = meta.rows.find((r) => r[0] === h(`buyer.${i}@gmail.com`))!;
        assert.deepEqual(row, [h(`buyer.${i}@gmail.com`), h(`49301234${String(i).padStart(3, '0')}`), h(`ann${i}`), h('müller'), h('10115'), h('de')]);
      }
      const google = csv(await admin('GET', '/v1/audiences/pro-ads/export?format=google'));
      assert.deepEqual(google.header, ['Email', 'Phone', 'First Name', 'Last Name', 'Country', 'Zip']);
      for (const i of consenting) {
        assert.ok(google.rows.some((r) => JSON.stringify(r) === JSON.stringify([h(`buyer${i}@gmail.com`), h(`+49301234${String(i).padStart(3, '0')}`), h(`ann-${i}`), h('müller'), 'DE', '10115'])), `google row of buyer ${i}`);
      }
      assert.equal(google.rows.length, consenting.length);
      const linkedin = csv(await admin('GET', '/v1/audiences/pro-ads/export?format=linkedin'));
      assert.deepEqual(linkedin.header, ['email']);
      assert.deepEqual(linkedin.rows.map((r) => r[0]).sort(), consenting.map((i) => h(`buyer.${i}@gmail.com`)).sort());
      // Nobody without advertising consent, in any form of their identifiers.
      for (let i = 0; i < PEOPLE; i += 3) {
        for (const file of [meta, google, linkedin]) {
          const cells = file.rows.flat();
          assert.ok(!cells.includes(h(`buyer.${i}@gmail.com`)) && !cells.includes(h(`buyer${i}@gmail.com`)), `buyer ${i} has no advertising consent`);
        }
      }
      const summary = ok(await admin('GET', '/v1/audiences/pro-ads')).lastExports.meta;
      assert.deepEqual([summary.members, summary.excluded, summary.incremental], [consenting.length, PEOPLE - consenting.length, false]);

      // Changes: buyer-1 withdraws advertising consent, buyer-3 grants it, buyer-2 changes email, buyer-5 leaves the segment.
      assert.equal((await t.collect('/v1/consent', { userId: 'buyer-1', purposes: { advertising: false }, channel: 'banner' })).statusCode, 200);
      assert.equal((await t.collect('/v1/consent', { userId: 'buyer-3', purposes: { advertising: true }, channel: 'banner' })).statusCode, 200);
      assertAccepted(await t.collect('/v1/identify', { userId: 'buyer-2', traits: { email: 'new.2@example.com' } }));
      assertAccepted(await t.collect('/v1/identify', { userId: 'buyer-5', traits: { plan: 'free' } }));
      const since = new Date(summary.at).toISOString();
      const changes = csv(await admin('GET', `/v1/audiences/pro-ads/export?format=meta&since=${encodeURIComponent(since)}`));
      assert.deepEqual(changes.header, ['email', 'phone', 'fn', 'ln', 'zip', 'country', 'action']);
      const byAction = (a: string) => changes.rows.filter((r) => r[6] === a).map((r) => r[0]).sort();
      assert.deepEqual(byAction('add'), [h('buyer.3@gmail.com'), h('new.2@example.com')].sort());
      assert.deepEqual(byAction('remove'), [h('buyer.1@gmail.com'), h('buyer.2@gmail.com'), h('buyer.5@gmail.com')].sort());
      // Nothing changed since: an empty change file.
      const again = ok(await admin('GET', '/v1/audiences/pro-ads')).lastExports.meta;
      assert.deepEqual(csv(await admin('GET', `/v1/audiences/pro-ads/export?format=meta&since=${encodeURIComponent(new Date(again.at).toISOString())}`)).rows, []);
      assertIssue(assertError(await admin('GET', '/v1/audiences/pro-ads/export?format=meta&since=2000-01-01'), 400), 'since', /not be before the last/);
      assertIssue(assertError(await admin('GET', '/v1/audiences/pro-ads/export?format=meta&since=yesterday'), 400), 'since', /ISO/);

      // Every export is in the audit log.
      const log = ok(await admin('GET', '/v1/privacy/audit?limit=100'));
      const exports = (log.entries ?? log.audit ?? []).filter((e: Json) => e.action === 'audience.export');
      assert.ok(exports.length >= 5, JSON.stringify(log).slice(0, 300));

      // The person's export shows their audience state; erasure removes it.
      const buyer4 = await profileOf(t, 'buyer-4');
      const personal = ok(await admin('GET', '/v1/profiles/buyer-4/export'));
      assert.ok(personal.audiences.some((r: Json) => r.audienceId === 'pro-ads' && r.format === 'meta' && r.row.startsWith(h('buyer.4@gmail.com'))));
      ok(await admin('DELETE', `/v1/profiles/${buyer4.id}`));
      const cellsOf = async () => {
        const dump = storeDump(t);
        try {
          return (await dump.rows('audience_members')).flatMap((r) => Object.values(r).map(cellText)).join('\n');
        } finally {
          await dump.close();
        }
      };
      const kept = await cellsOf();
      assert.ok(!kept.includes(buyer4.id), 'no row under the erased profile id');
      assert.ok(!kept.includes('buyer-4'));
      // The erased person is a remove in the next incremental export of every format that had them
      // (the platforms need the hashes to remove them) …
      for (const [format, key] of [['meta', h('buyer.4@gmail.com')], ['google', h('buyer4@gmail.com')], ['linkedin', h('buyer.4@gmail.com')]] as const) {
        const last = ok(await admin('GET', '/v1/audiences/pro-ads')).lastExports[format];
        const file = csv(await admin('GET', `/v1/audiences/pro-ads/export?format=${format}&since=${encodeURIComponent(new Date(last.at).toISOString())}`));
        const action = file.header.length - 1;
        assert.deepEqual(file.rows.filter((r) => r[0] === key).map((r) => r[action]), ['remove'], `${format}: the erased person is removed`);
        if (format === 'google') assert.deepEqual(file.rows.find((r) => r[0] === key)!.slice(4, 6), ['', ''], 'only hashes were kept for the removal');
        if (format === 'meta') assert.deepEqual(file.rows.find((r) => r[0] === key), [h('buyer.4@gmail.com'), h('49301234004'), h('ann4'), h('müller'), h('10115'), h('de'), 'remove']);
      }
      // … and once those removals are exported, nothing of theirs remains in the audience state.
      const after = await cellsOf();
      assert.ok(after.length > 0);
      for (const needle of [buyer4.id, h('buyer.4@gmail.com'), h('buyer4@gmail.com'), h('49301234004'), h('+49301234004')]) assert.ok(!after.includes(needle), `${needle} remains`);
      ok(await admin('DELETE', '/v1/audiences/pro-ads'));
      assertError(await admin('GET', '/v1/audiences/pro-ads/export?format=meta'), 404);
    });
  });
}
