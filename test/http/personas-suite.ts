/**
 * Personas through the API (run against both stores: personas*.test.ts): a definition with validation naming every bad field, a fit
 * started with 202 and followed to its end, the personas listed as aggregates (none below the
 * k-anonymity minimum), a person's persona probabilities on the profile and in the export,
 * renaming and pinning, and hostile input that never gets a 5xx.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { cellText, storeDump } from '../privacy/data-scan.js';
import { assertAccepted, assertError, assertIssue, profileOf, type Json } from './api-helpers.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const GROUPS = [
  { name: 'factory', hour: 20, pages: ['factory/robots', 'factory/plc', 'factory/mes'] },
  { name: 'energy', hour: 8, pages: ['energy/solar', 'energy/grid'] },
  { name: 'pricing', hour: 14, pages: ['pricing/plans', 'pricing/compare', 'pricing/faq', 'pricing/contact'] },
];
const PER_GROUP = 25;

export function personasSuite(start: (overrides: Partial<Config>) => Promise<TesseraUnderTest>): void {
  describe('personas API', () => {
    let t: TesseraUnderTest;
    before(async () => { t = await start({}); });
    after(async () => { await t.close(); });

    const adminJson = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, payload?: unknown, raw = false) =>
      t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: raw ? String(payload) : JSON.stringify(payload) }) });
    const ok = (res: { statusCode: number; body: string }, status = 200) => { assert.equal(res.statusCode, status, res.body); return JSON.parse(res.body) as Json; };

    it('refuses an invalid definition naming every bad field, and changes nothing', async () => {
      const bad = assertError(await adminJson('PUT', '/v1/personas/definition', { profilingPurposes: ['necessary'], categoryHalfLifeDays: -1, traits: [{ key: 'role', kind: 'categorical', values: Array.from({ length: 31 }, (_, i) => `v${i}`) }] }), 400, 'invalid_body');
      assertIssue(bad, 'categoryHalfLifeDays', /./);
      assertIssue(bad, 'traits.0.values', /./);
      const basis = assertError(await adminJson('PUT', '/v1/personas/definition', { profilingPurposes: ['necessary'] }), 400, 'invalid_body');
      assertIssue(basis, 'profilingPurposes.0', /no legal basis for profiling/);
      const current = ok(await adminJson('GET', '/v1/personas/definition'));
      assert.deepEqual(current.definition.profilingPurposes, ['profiling']);
      assertError(await t.inject({ method: 'GET', url: '/v1/personas' }), 401);
      assertError(await t.inject({ method: 'POST', url: '/v1/personas/fit' }), 401);
    });

    it('fits the planted groups in the background and lists them as aggregates; the profile and its export show the probabilities', async () => {
      assert.deepEqual(ok(await adminJson('GET', '/v1/personas')), { model: null, personas: [], hidden: 0 });
      for (const [gi, g] of GROUPS.entries()) {
        const batch = [];
        for (let i = 0; i < PER_GROUP; i++) {
          for (const [pi, path] of g.pages.entries()) {
            for (const day of [0, 1]) {
              batch.push({ type: 'page', anonymousId: `${g.name}-${i}`, properties: { url: `https://x.test/${path}` }, timestamp: new Date(T0 + day * DAY + g.hour * 3_600_000 + pi * 60_000 + i * 1000 + gi).toISOString() });
            }
          }
        }
        assertAccepted(await t.collect('/v1/batch', { batch }));
        // Profiling rests on consent (the default purpose): everyone planted grants it.
        for (let i = 0; i < PER_GROUP; i++) {
          const res = await t.collect('/v1/consent', { anonymousId: `${g.name}-${i}`, purposes: { profiling: true }, channel: 'banner', timestamp: new Date(T0 + 3 * DAY).toISOString() });
          assert.equal(res.statusCode, 200, res.body);
        }
      }
      // One more visitor without consent: never fitted, never assigned.
      assertAccepted(await t.collect('/v1/page', { anonymousId: 'no-consent', properties: { url: 'https://x.test/factory/robots' } }));
      const saved = ok(await adminJson('PUT', '/v1/personas/definition', { categories: ['factory', 'energy', 'pricing'] }));
      assert.match(saved.version, /^[0-9a-f]{16}$/);
      assert.ok(saved.features.some((f: Json) => f.key === 'category:factory'));

      const started = ok(await adminJson('POST', '/v1/personas/fit'), 202);
      assert.match(started.job.id, /^fit_/);
      let job: Json = started.job;
      while (job.state === 'running') { await sleep(50); job = ok(await adminJson('GET', '/v1/personas/fit')).job; }
      assert.equal(job.state, 'done', JSON.stringify(job));
      assert.equal(job.version, 1);

      const list = ok(await adminJson('GET', '/v1/personas'));
      assert.equal(list.model.version, 1);
      assert.equal(list.personas.length, 3);
      assert.equal(list.hidden, 0);
      for (const p of list.personas) {
        assert.ok(p.size >= 20);
        assert.ok(p.name.length > 0 && p.description.length > 0);
        assert.ok(p.distinguishing.length > 0);
      }
      assert.ok(!JSON.stringify(list).includes('factory-0'));
      // Below the API: the persona table holds no profile id and no identifier of anyone.
      const dump = storeDump(t);
      try {
        const rows = await dump.rows('persona_models');
        assert.equal(rows.length, 1);
        const cells = rows.flatMap((r) => Object.values(r).map(cellText)).join('\n');
        for (const g of GROUPS) {
          for (const i of [0, 12, PER_GROUP - 1]) {
            const anonymousId = `${g.name}-${i}`;
            assert.ok(!cells.includes(anonymousId), anonymousId);
            assert.ok(!cells.includes((await profileOf(t, anonymousId)).id), `profile id of ${anonymousId}`);
          }
        }
      } finally {
        await dump.close();
      }

      const profile = await profileOf(t, 'factory-0');
      assert.equal(profile.persona.modelVersion, 1);
      assert.ok(profile.persona.probability >= 0.6);
      const persona = list.personas.find((p: Json) => p.id === profile.persona.personaId);
      assert.ok(persona.distinguishing.some((e: Json) => e.feature === 'category:factory' && e.effectSize > 0), persona.description);
      const exported = ok(await adminJson('GET', '/v1/profiles/factory-0/export'));
      assert.equal(exported.profile.persona.personaId, profile.persona.personaId);

      assert.equal((await profileOf(t, 'no-consent')).persona, undefined);

      // Withdrawing profiling consent removes the link at once, from the profile and its export.
      const withdrawn = await t.collect('/v1/consent', { anonymousId: 'factory-1', purposes: { profiling: false }, channel: 'banner' });
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.ok((await profileOf(t, 'factory-2')).persona, 'the others keep theirs');
      assert.equal((await profileOf(t, 'factory-1')).persona, undefined);
      assert.equal(ok(await adminJson('GET', '/v1/profiles/factory-1/export')).profile.persona, undefined);

      // A newcomer with consent is assigned on their own events, without a refit.
      const consent = await t.collect('/v1/consent', { anonymousId: 'newcomer', purposes: { profiling: true }, channel: 'banner', timestamp: new Date(T0).toISOString() });
      assert.equal(consent.statusCode, 200, consent.body);
      const visits = [];
      for (const [pi, path] of GROUPS[0]!.pages.entries()) {
        for (const day of [0, 1]) visits.push({ type: 'page', anonymousId: 'newcomer', properties: { url: `https://x.test/${path}` }, timestamp: new Date(T0 + day * DAY + 20 * 3_600_000 + pi * 60_000 + 500).toISOString() });
      }
      assertAccepted(await t.collect('/v1/batch', { batch: visits }));
      const newcomer = await profileOf(t, 'newcomer');
      assert.equal(newcomer.persona?.personaId, profile.persona.personaId, JSON.stringify(newcomer.persona));
      assert.equal(newcomer.persona.modelVersion, 1);

      const renamed = ok(await adminJson('PATCH', `/v1/personas/${persona.id}`, { name: 'Evening factory readers', pinned: true }));
      assert.deepEqual(renamed, { id: persona.id, name: 'Evening factory readers', description: persona.description, pinned: true });
    });

    it('hostile input gets a 4xx naming the field, never a 5xx', async () => {
      const bodies: unknown[] = [
        '{"categoryHalfLifeDays": 1e400}', '{"utcOffsetMinutes": "Infinity"}', '{"categories": ["a\\u0000b"]}', '{"categories": ["a\\u001bb"]}',
        '{"profilingPurposes": "profiling"}', '[]', 'null', '"x"', '{"traits": [{"key": "x", "kind": "numeric", "log": "yes"}]}',
        `{"categories": ${JSON.stringify(Array.from({ length: 10_000 }, (_, i) => `c${i}`))}}`, '{"__proto__": {"x": 1}}', '{"unknown": 1}',
      ];
      for (const body of bodies) {
        const res = await adminJson('PUT', '/v1/personas/definition', body, true);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${String(body).slice(0, 60)} → ${res.statusCode} ${res.body}`);
        const error = assertError(res, res.statusCode);
        if (res.statusCode === 400 && error.code === 'invalid_body') assert.ok((error.issues ?? []).length > 0, res.body);
      }
      const patches: unknown[] = ['{"name": "a\\u0000"}', '{"name": ""}', '{"name": 5}', '{"pinned": "yes"}', '{}', `{"name": "${'x'.repeat(5000)}"}`, '{"name": "ok", "extra": 1}', 'null'];
      const list = ok(await adminJson('GET', '/v1/personas'));
      const id = list.personas[0].id as string;
      for (const body of patches) {
        const res = await adminJson('PATCH', `/v1/personas/${id}`, body, true);
        assert.equal(res.statusCode, 400, `${String(body).slice(0, 60)} → ${res.body}`);
        assert.ok((assertError(res, 400).issues ?? []).length > 0, res.body);
      }
      const named = assertError(await adminJson('PATCH', `/v1/personas/${id}`, '{"name": 5, "pinned": "yes"}', true), 400);
      assertIssue(named, 'name', /./);
      assertIssue(named, 'pinned', /./);
      assertError(await adminJson('PATCH', '/v1/personas/p999', { name: 'x' }), 404, 'not_found');
      assertIssue(assertError(await adminJson('PATCH', `/v1/personas/${encodeURIComponent('p\u0001')}`, { name: 'x' }), 400), 'id', /control characters/);
      assertError(await adminJson('PATCH', `/v1/personas/${'p'.repeat(100)}`, { name: 'x' }), 400);
    });
  });
}
