/**
 * Personas through the API (run against both stores: personas*.test.ts): a definition with validation naming every bad field, a fit
 * started with 202 and followed to its end, the personas listed as aggregates (none below the
 * k-anonymity minimum), a person's persona probabilities on the profile and in the export,
 * renaming and pinning, and hostile input that never gets a 5xx. The second test is issue 17's
 * "done when" end to end: generated traffic → fit → readable labels and sizes (none below the
 * k-minimum; the persona table scanned for identifiers) → probabilities on the profile → a segment
 * on a persona → Meta and Google exports of that persona with only advertising-consented people,
 * every cell recomputed from the normalised input → erasure removing the person from the
 * assignments and, in the next incremental exports, from the platforms. The fit schedule's API too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
      assert.deepEqual(ok(await adminJson('GET', '/v1/personas')), { model: null, personas: [], hidden: 0, projection: null });
      assert.deepEqual(ok(await adminJson('GET', '/v1/personas/schedule')), { fitEveryHours: 24, lastFitAt: null, nextFitAt: null, running: false }, 'the first fit is asked for');
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
      // From now on the personas are refitted on their own every 24 hours, counted from this fit.
      const schedule = ok(await adminJson('GET', '/v1/personas/schedule'));
      assert.ok(schedule.lastFitAt >= job.startedAt && schedule.lastFitAt <= job.finishedAt, JSON.stringify([schedule, job]));
      assert.equal(Date.parse(schedule.nextFitAt) - Date.parse(schedule.lastFitAt), 24 * 3_600_000);
      const bad = assertError(await adminJson('PUT', '/v1/personas/schedule', { fitEveryHours: -1, every: 2 }), 400, 'invalid_body');
      assertIssue(bad, 'fitEveryHours', /number of hours/);
      assertIssue(bad, 'every', /not a field/);
      assert.equal(ok(await adminJson('PUT', '/v1/personas/schedule', { fitEveryHours: 0 })).nextFitAt, null, '0: never on a schedule');
      const six = ok(await adminJson('PUT', '/v1/personas/schedule', { fitEveryHours: 6 }));
      assert.equal(Date.parse(six.nextFitAt) - Date.parse(six.lastFitAt), 6 * 3_600_000);
      assertError(await t.inject({ method: 'GET', url: '/v1/personas/schedule' }), 401);

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
      // The map: one point per persona shown, centred on the size-weighted average, axes named by their strongest features.
      assert.deepEqual(list.projection.points.map((p: Json) => p.id), list.personas.map((p: Json) => p.id));
      const centre = (axis: 'x' | 'y') => list.projection.points.reduce((s: number, p: Json, i: number) => s + p[axis] * list.personas[i].share, 0);
      assert.ok(Math.abs(centre('x')) < 1e-6 && Math.abs(centre('y')) < 1e-6, 'centred on the weighted mean');
      assert.ok(list.projection.axes[0].explained > 0.5 && list.projection.axes[0].explained + list.projection.axes[1].explained <= 1 + 1e-9, JSON.stringify(list.projection.axes));
      assert.ok(list.projection.axes[0].loadings.length > 0 && typeof list.projection.axes[0].loadings[0].label === 'string');
      const [a, b, c] = list.projection.points as Array<{ x: number; y: number }>;
      assert.ok(Math.hypot(a!.x - b!.x, a!.y - b!.y) > 0.1 && Math.hypot(a!.x - c!.x, a!.y - c!.y) > 0.1, 'three planted groups lie apart');
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

      // The agency report: aggregates in readable units, no identifier of anyone.
      const report = ok(await adminJson('GET', '/v1/personas/report')).report;
      assert.equal(report.personas.length, 3);
      assert.equal(report.kMinimum, 20);
      const reported = report.personas.find((p: Json) => p.id === persona.id);
      assert.equal(reported.topContent[0].category, 'factory', JSON.stringify(reported.topContent));
      assert.ok(reported.topContent[0].share > reported.topContent[0].populationShare);
      assert.ok(reported.channels.every((c: Json) => c.share >= 0 && c.share <= 1));
      assert.ok(!JSON.stringify(report).includes(profile.id) && !JSON.stringify(report).includes('factory-0'));

      // A segment on the persona, built through the API: preview, backfill, members.
      const condition = { persona: { id: persona.id, minProbability: 0.7 } };
      const unknown = assertError(await adminJson('POST', '/v1/segments', { name: 'Nobody', condition: { and: [{ page: { category: 'factory' } }, { persona: { id: 'p99' } }] } }), 400, 'invalid_body');
      assertIssue(unknown, 'condition.and[1].persona.id', /no persona "p99"/);
      const preview = ok(await adminJson('POST', '/v1/segments/preview', { condition }));
      const expected = (await Promise.all(GROUPS.flatMap((g) => Array.from({ length: PER_GROUP }, (_, i) => profileOf(t, `${g.name}-${i}`)))))
        .filter((p) => (p.persona?.probabilities?.[persona.id] ?? 0) >= 0.7);
      assert.ok(expected.length >= 20, `${expected.length} people at 0.7`);
      assert.equal(preview.count, expected.length);
      assert.match(preview.readable, new RegExp(`persona ${persona.id} with probability at least 0\\.7`));
      const created = ok(await adminJson('POST', '/v1/segments', { id: 'persona-readers', name: 'Persona readers', condition }), 201);
      assert.equal(created.id, 'persona-readers');
      let members: Json = { total: -1 };
      for (let i = 0; i < 200 && members.total !== expected.length; i++) { await sleep(50); members = ok(await adminJson('GET', '/v1/segments/persona-readers/members?limit=500')); }
      assert.deepEqual(members.members.map((m: Json) => m.profileId).sort(), expected.map((p) => p.id).sort());

      // Audiences of that persona for Meta and Google: only people with advertising consent, hashed as each platform requires.
      const sha = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
      for (let i = 0; i < 6; i++) {
        assertAccepted(await t.collect('/v1/identify', { anonymousId: `factory-${i}`, traits: { email: ` Reader.${i}@GMail.com `, phone: `0170 55500${i}`, firstName: ` Ann-Marie `, lastName: `O'Neil`, zip: ' 10115 ', country: 'de' } }));
        if (i % 2 === 0) assert.equal((await t.collect('/v1/consent', { anonymousId: `factory-${i}`, purposes: { advertising: true }, channel: 'banner' })).statusCode, 200);
      }
      ok(await adminJson('POST', '/v1/audiences', { id: 'persona-ads', name: 'Persona for ads', source: { persona: { id: persona.id, minProbability: 0.7 } } }), 201);
      const inPersona = await Promise.all(Array.from({ length: 6 }, (_, i) => profileOf(t, `factory-${i}`)));
      const shared = [0, 2, 4].filter((i) => (inPersona[i]!.persona?.probabilities?.[persona.id] ?? 0) >= 0.7);
      assert.ok(shared.length >= 2, 'people of the persona with advertising consent');
      // Every cell recomputed here from the normal form each platform documents (core/audiences/normalise.ts):
      // Meta: all hashed, e-mail trimmed lower-case (dots kept), phone digits with country code, names without punctuation;
      // Google: gmail dots removed, E.164 with +, names trimmed lower-case, Country and Zip in clear.
      const rowOf = {
        meta: (i: number) => [sha(`reader.${i}@gmail.com`), sha(`4917055500${i}`), sha('annmarie'), sha('oneil'), sha('10115'), sha('de')],
        google: (i: number) => [sha(`reader${i}@gmail.com`), sha(`+4917055500${i}`), sha('ann-marie'), sha("o'neil"), 'DE', '10115'],
      };
      for (const format of ['meta', 'google'] as const) {
        const res = await adminJson('GET', `/v1/audiences/persona-ads/export?format=${format}`);
        assert.equal(res.statusCode, 200, res.body);
        const rows = res.body.trimEnd().split('\n').slice(1).map((line) => line.split(',')).filter((r) => r[0] !== '');
        assert.deepEqual(rows.map((r) => r.join(',')).sort(), shared.map((i) => rowOf[format](i).join(',')).sort(), format);
      }
      const lastMeta = ok(await adminJson('GET', '/v1/audiences/persona-ads')).lastExports.meta;
      assert.ok(lastMeta.excluded >= [1, 3, 5].filter((i) => (inPersona[i]!.persona?.probabilities?.[persona.id] ?? 0) >= 0.7).length);

      // Withdrawing profiling consent removes the link at once, from the profile and its export.
      const withdrawn = await t.collect('/v1/consent', { anonymousId: 'factory-1', purposes: { profiling: false }, channel: 'banner' });
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.ok((await profileOf(t, 'factory-2')).persona, 'the others keep theirs');
      assert.equal((await profileOf(t, 'factory-1')).persona, undefined);
      assert.equal(ok(await adminJson('GET', '/v1/profiles/factory-1/export')).profile.persona, undefined);
      // … and the person leaves the persona segment at the same moment (real-time membership).
      const factory1 = await profileOf(t, 'factory-1');
      const after1 = ok(await adminJson('GET', '/v1/segments/persona-readers/members?limit=500'));
      assert.ok(!after1.members.some((m: Json) => m.profileId === factory1.id), 'withdrawn consent: out of the persona segment');
      assert.equal(after1.members.length, expected.length - (expected.some((p) => p.id === factory1.id) ? 1 : 0));

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
      // The newcomer's events assigned them, and the same batch put them in the persona segment.
      assert.ok(newcomer.persona.probabilities[persona.id] >= 0.7, JSON.stringify(newcomer.persona));
      const now = ok(await adminJson('GET', '/v1/segments/persona-readers/members?limit=500'));
      assert.ok(now.members.some((m: Json) => m.profileId === newcomer.id), 'the newcomer entered the persona segment on ingest');

      const renamed = ok(await adminJson('PATCH', `/v1/personas/${persona.id}`, { name: 'Evening factory readers', pinned: true }));
      assert.deepEqual(renamed, { id: persona.id, name: 'Evening factory readers', description: persona.description, pinned: true });

      // Erasure: the person's persona link goes with the profile, and the next incremental export of
      // the persona audience removes them at the platforms (hashes only were kept for that).
      const erased = shared[0]!;
      const erasedProfile = await profileOf(t, `factory-${erased}`);
      const lastExports = ok(await adminJson('GET', '/v1/audiences/persona-ads')).lastExports;
      const deleted = await t.inject({ method: 'DELETE', url: `/v1/profiles/${erasedProfile.id}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assertError(await adminJson('GET', `/v1/profiles/${erasedProfile.id}`), 404);
      for (const format of ['meta', 'google'] as const) {
        const since = encodeURIComponent(new Date(lastExports[format].at).toISOString());
        const res = await adminJson('GET', `/v1/audiences/persona-ads/export?format=${format}&since=${since}`);
        assert.equal(res.statusCode, 200, res.body);
        const removes = res.body.trimEnd().split('\n').slice(1).map((line) => line.split(',')).filter((r) => r.at(-1) === 'remove');
        const expectedRow = format === 'meta' ? rowOf.meta(erased) : [...rowOf.google(erased).slice(0, 4), '', ''];
        assert.ok(removes.some((r) => r.slice(0, -1).join(',') === expectedRow.join(',')), `${format}: ${JSON.stringify(removes)}`);
      }
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
      for (const body of ['{"fitEveryHours": "24"}', '{"fitEveryHours": 1e400}', '{"fitEveryHours": null}', '[]', 'null', '{"fitEveryHours": 1, "__proto__": {"x": 1}}', '{"fitEveryHours": 0.01}']) {
        const res = await adminJson('PUT', '/v1/personas/schedule', body, true);
        assert.equal(res.statusCode, 400, `${body} → ${res.statusCode} ${res.body}`);
        assert.ok((assertError(res, 400).issues ?? []).length > 0, res.body);
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
