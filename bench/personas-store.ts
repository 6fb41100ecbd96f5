/**
 * The store half of `npm run bench:personas`: personas fitted over a real SQLite store while ingest
 * keeps running in the same process, as in the server (the fit's EM in a worker thread; its
 * sampling and assignment on the event loop, page by page, between ingest's write transactions).
 *
 * 1. Load: `profiles` visitors in 6 planted groups (content category, hour of day, channel, device),
 *    4 page views each, through the real ingest pipeline (createProcessBatch, incremental persona
 *    assignment on) in batches of 500.
 * 2. First fit (sample → EM in a worker → assignment of everyone): seconds per phase.
 * 3. Ingest throughput, the same run: page views of known visitors in batches of 100 (each one
 *    re-assigned incrementally), for `ingestEvents` events before the refit, during the whole refit,
 *    and `ingestEvents` after; the loss is 1 − during ÷ mean(before, after).
 * 4. Incremental assignment: `personaLink` (features from the profile + the Gaussian densities) on
 *    stored profiles, µs per call — the work the ingest step adds per changed profile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityGuard } from '../src/core/identity/identity-key.js';
import { parseFeatureDefinition } from '../src/core/personas/feature-definition.js';
import { featureSpecs } from '../src/core/personas/features.js';
import { personaLink, preparePersonaModel } from '../src/core/personas/persona-link.js';
import type { TrackedEvent } from '../src/core/events/event.js';
import { createDerivedSteps, createProcessBatch, type ProcessBatchDeps } from '../src/ingest/process-batch.js';
import { createLeadScoringSettings } from '../src/lead-scoring/lead-scoring-settings.js';
import { fitPersonas, type FitPhase, type FitPersonasDeps } from '../src/personas/fit-personas.js';
import { fitInWorker } from '../src/personas/fit-worker.js';
import { createPersonaModels } from '../src/personas/persona-models.js';
import { createPrivacyContexts } from '../src/privacy/privacy-context.js';
import { events, newWorkspace } from '../src/storage/contract/contract-fixtures.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import { createWebhookList } from '../src/webhooks/webhook-list.js';
import { createRandom } from './random.js';

export interface StoreBenchOptions { profiles: number; sample: number; maxK: number; ingestEvents: number; log: (line: string) => void }

export interface StoreBenchFigures {
  storeProfiles: number; features: number; personas: number; loadEventsPerSecond: number;
  fitSeconds: { sample: number; fit: number; assign: number; total: number };
  ingestEventsPerSecond: { before: number; duringFit: number; after: number }; ingestLossDuringFit: number; refitSeconds: number;
  incrementalAssignMicroseconds: number;
}

const GROUPS = [
  { category: 'factory', hour: 20, utm: '', ua: 'mobile' },
  { category: 'energy', hour: 7, utm: '?utm_source=newsletter&utm_medium=email', ua: 'desktop' },
  { category: 'pricing', hour: 14, utm: '?utm_source=google&utm_medium=cpc', ua: 'desktop' },
  { category: 'careers', hour: 22, utm: '?utm_source=linkedin&utm_medium=social', ua: 'mobile' },
  { category: 'support', hour: 10, utm: '', ua: 'desktop' },
  { category: 'events', hour: 17, utm: '?utm_source=twitter&utm_medium=social', ua: 'mobile' },
] as const;
const UA = {
  mobile: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  desktop: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
};
const DAY = 86_400_000;
const HOUR = 3_600_000;

export async function storeBench(o: StoreBenchOptions): Promise<StoreBenchFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-personas-'));
  const store = openSqliteStore({ file: join(dir, 'bench.db'), sync: 'normal' });
  try {
    const start = Date.UTC(2026, 10, 2); // a Monday
    let clock = start + 14 * DAY;
    const now = () => clock;
    const ws = await newWorkspace(store);
    const newMessageId = () => `tessera-${randomUUID()}`;
    const personas = createPersonaModels(store, Date.now);
    const batchDeps: ProcessBatchDeps = {
      guard: createIdentityGuard(), newProfileId: () => `prf_${randomUUID()}`, newMessageId, personas,
      leadScoring: { settings: createLeadScoringSettings(store, now), webhooks: createWebhookList(store, now), newMessageId, newDeliveryId: () => `dlv_${randomUUID()}`, now },
    };
    const privacy = createPrivacyContexts(store, now);
    const processBatch = createProcessBatch(batchDeps);
    const context = await privacy.get(ws);
    const ingest = (batch: TrackedEvent[]) => store.write((tx) => processBatch(tx, ws, batch, context));
    const random = createRandom(11);
    const visit = (person: number, at: number, page: number) => {
      const g = GROUPS[person % GROUPS.length]!;
      const jitter = Math.floor(random.next() * 90) * 60_000;
      return { type: 'page', anonymousId: `v-${person}`, properties: { url: `https://x.test/${g.category}/p${page}${page === 0 ? g.utm : ''}` }, context: { userAgent: UA[g.ua] }, at: at + g.hour * HOUR + jitter };
    };

    // 1. Load.
    let t0 = performance.now();
    for (let from = 0; from < o.profiles; from += 125) {
      const inputs = [];
      for (let p = from; p < Math.min(o.profiles, from + 125); p++) for (let k = 0; k < 4; k++) inputs.push(visit(p, start + (k % 2) * DAY + Math.floor(random.next() * 7) * DAY, k));
      await ingest(events(ws, inputs));
      if (from % 5000 === 0) o.log(`loaded ${from} profiles`);
    }
    const loadEventsPerSecond = Math.round((o.profiles * 4) / ((performance.now() - t0) / 1000));

    const parsed = parseFeatureDefinition({ profilingPurposes: ['analytics'], categories: GROUPS.map((g) => g.category) }, context.settings);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const definition = parsed.definition;
    const features = featureSpecs(definition, context.settings.schema).length;
    const fitDeps: FitPersonasDeps = { store, privacy, derive: createDerivedSteps(batchDeps), now, runFit: fitInWorker, onModelSaved: (w) => personas.invalidate(w) };
    const fit = async () => {
      const phases: Record<FitPhase, number> = { sample: 0, fit: 0, assign: 0 };
      let phase: FitPhase = 'sample';
      let mark = performance.now();
      const began = mark;
      const outcome = await fitPersonas(fitDeps, {
        workspaceId: ws, definition, sampleSize: o.sample, selection: { maxComponents: o.maxK, minSize: 20 },
        onProgress: (p) => { if (p.phase !== phase) { phases[phase] += performance.now() - mark; mark = performance.now(); phase = p.phase; } },
      });
      phases[phase] += performance.now() - mark;
      if (!outcome.ok) throw new Error(outcome.reason);
      return { outcome, phases, seconds: (performance.now() - began) / 1000 };
    };

    // 2. First fit.
    o.log(`fitting ${o.profiles} stored profiles × ${features} features…`);
    const first = await fit();
    const s = (ms: number) => Number((ms / 1000).toFixed(2));
    o.log(`first fit: ${first.outcome.model.personas.length} personas in ${first.seconds.toFixed(1)} s`);

    // 3. Ingest before, during and after a refit.
    let page = 100;
    const stream = async (until: () => boolean) => {
      let sent = 0;
      const began = performance.now();
      while (!until()) {
        clock += 1000;
        const inputs = Array.from({ length: 100 }, () => visit(Math.floor(random.next() * o.profiles), clock - 23 * HOUR, page++));
        await ingest(events(ws, inputs));
        sent += inputs.length;
        // Each batch arrives as its own request in the server: yield to the event loop between them
        // (SQLite's writes settle as microtasks, so a bare loop would starve the fit worker's message).
        await new Promise((resolve) => setImmediate(resolve));
      }
      return sent / ((performance.now() - began) / 1000);
    };
    let count = 0;
    const before = await stream(() => (count += 100) > o.ingestEvents);
    o.log(`ingest before the refit: ${Math.round(before)} events/s; refitting with ingest running…`);
    let refitting = true;
    const refit = fit().finally(() => { refitting = false; });
    const during = await stream(() => !refitting);
    const second = await refit;
    count = 0;
    const after = await stream(() => (count += 100) > o.ingestEvents);
    o.log(`ingest during the refit: ${Math.round(during)} events/s; after: ${Math.round(after)} events/s`);

    // 4. Incremental assignment per changed profile.
    const prepared = preparePersonaModel(second.outcome.model);
    const sample = (await store.profiles.search(ws, { limit: 500 })).profiles;
    const privacyOf = { purposes: context.settings.purposes, schema: context.settings.schema };
    const perCall: number[] = [];
    for (let round = 0; round < 11; round++) {
      t0 = performance.now();
      for (let i = 0; i < 5; i++) for (const profile of sample) personaLink(profile, prepared, { privacy: privacyOf, at: clock });
      perCall.push(((performance.now() - t0) * 1000) / (5 * sample.length));
    }
    perCall.sort((a, b) => a - b);
    return {
      storeProfiles: o.profiles, features, personas: first.outcome.model.personas.length, loadEventsPerSecond,
      fitSeconds: { sample: s(first.phases.sample), fit: s(first.phases.fit), assign: s(first.phases.assign), total: Number(first.seconds.toFixed(2)) },
      ingestEventsPerSecond: { before: Math.round(before), duringFit: Math.round(during), after: Math.round(after) },
      ingestLossDuringFit: Number((1 - during / ((before + after) / 2)).toFixed(3)), refitSeconds: Number(second.seconds.toFixed(2)),
      incrementalAssignMicroseconds: Number(perCall[5]!.toFixed(2)),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
