/**
 * `npm run bench:personas`: what personas cost, in two parts of one run.
 *
 * The maths, in-process, on generated standardised feature vectors (planted groups with noise; no
 * store), at the size by default (1,000,000 profiles × 30 features):
 *   1. Fit: buildPersonaModel on a reservoir sample (default 20,000 of --profiles) with BIC over
 *      2..--max-k, 3 restarts each: seconds.
 *   2. Full assignment of --profiles vectors: profiles/s.
 *   3. Incremental assignment of one vector: µs per call (median of batches).
 * The store (personas-store.ts), on SQLite with the real ingest pipeline, --store-profiles people:
 *   4. Fit + assignment of everyone over the store, seconds per phase (the EM in a worker thread).
 *   5. Ingest throughput before, during and after a refit in the same run, and the loss during it.
 *   6. Incremental assignment of a stored profile (features + densities): µs per changed profile.
 * Last, the peak RSS of the process (worker included). stdout gets the figures and, last, one JSON
 * line; progress on stderr. `--help` for flags; `--store-profiles 0` or `--profiles 0` skip a part.
 */
import { parseArgs } from 'node:util';
import { assignPersona } from '../src/core/personas/assign-persona.js';
import { buildPersonaModel } from '../src/core/personas/build-model.js';
import { DEFAULT_FEATURE_DEFINITION } from '../src/core/personas/feature-definition.js';
import type { FeatureSpec } from '../src/core/personas/features.js';
import { preparePersonaModel } from '../src/core/personas/persona-link.js';
import { Reservoir } from '../src/core/personas/reservoir.js';
import { normalDraw, seededRandom } from '../src/core/seeded-random.js';
import { storeBench, type StoreBenchFigures } from './personas-store.js';

const HELP = `npm run bench:personas -- [flags]

  --profiles <n>   generated profiles assigned (default 1000000)
  --features <n>   features per profile (default 30)
  --groups <n>     planted groups (default 6)
  --sample <n>     fitted sample (default 20000)
  --max-k <n>      largest number of personas tried (default 12)
  --store-profiles <n>  people ingested into a SQLite store for the fit-with-ingest part (default 20000; 0 skips it)
  --ingest-events <n>   events ingested before and after the refit, each (default 20000)
`;

const { values } = parseArgs({ options: { profiles: { type: 'string' }, features: { type: 'string' }, groups: { type: 'string' }, sample: { type: 'string' }, 'max-k': { type: 'string' }, 'store-profiles': { type: 'string' }, 'ingest-events': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) { process.stdout.write(HELP); process.exit(0); }
const int = (v: string | undefined, fallback: number, min = 1) => { const n = Number(v ?? fallback); if (!Number.isInteger(n) || n < min) { process.stderr.write(HELP); process.exit(2); } return n; };
const N = int(values.profiles, 1_000_000, 0);
const STORE_PROFILES = int(values['store-profiles'], 20_000, 0);
const INGEST_EVENTS = int(values['ingest-events'], 20_000);
const D = int(values.features, 30);
const G = int(values.groups, 6);
const SAMPLE = int(values.sample, 20_000);
const MAX_K = int(values['max-k'], 12);

function maths() {
const random = seededRandom(42);
const centres = Array.from({ length: G }, () => Array.from({ length: D }, () => 3 * normalDraw(random)));
const vector = () => centres[Math.floor(random() * G)]!.map((m) => m + normalDraw(random));
const specs: FeatureSpec[] = Array.from({ length: D }, (_, j) => ({ key: `f${j}`, label: `feature ${j}`, transform: 'value' }));

const reservoir = new Reservoir<number[]>(SAMPLE, seededRandom(1));
for (let i = 0; i < N; i++) reservoir.offer(vector());
process.stderr.write(`generated ${N} profiles × ${D} features; fitting ${reservoir.items.length}…\n`);

let started = performance.now();
const built = buildPersonaModel({ workspaceId: 'bench', fittedAt: 0, definition: DEFAULT_FEATURE_DEFINITION, specs, rows: reservoir.items, previous: null, usedIds: [], selection: { maxComponents: MAX_K, minSize: 20, seed: 1 } });
const fitSeconds = (performance.now() - started) / 1000;
if (!built.ok) throw new Error(built.reason);
const prepared = preparePersonaModel({ ...built.model, version: 1 });

started = performance.now();
const r2 = seededRandom(7);
let assigned = 0;
for (let i = 0; i < N; i++) {
  const x = centres[Math.floor(r2() * G)]!.map((m) => m + normalDraw(r2));
  if (assignPersona(prepared, x).personaId !== null) assigned++;
}
const assignSeconds = (performance.now() - started) / 1000;

const probe = vector();
const perCall: number[] = [];
for (let round = 0; round < 21; round++) {
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) assignPersona(prepared, probe);
  perCall.push(((performance.now() - t0) * 1000) / 10_000);
}
perCall.sort((a, b) => a - b);
const figures = {
  profiles: N, features: D, plantedGroups: G, sample: reservoir.items.length, personas: built.model.personas.length,
  fitSeconds: Number(fitSeconds.toFixed(2)), assignProfilesPerSecond: Math.round(N / assignSeconds), assignedShare: Number((assigned / N).toFixed(4)),
  incrementalMicroseconds: Number(perCall[10]!.toFixed(2)),
};
const mathsOut = `fit: ${figures.personas} personas (planted ${G}) from ${figures.sample} profiles in ${figures.fitSeconds} s
full assignment: ${figures.assignProfilesPerSecond.toLocaleString('en-US')} profiles/s (${(figures.assignedShare * 100).toFixed(1)}% above the threshold)
incremental assignment: ${figures.incrementalMicroseconds} µs per profile (median)
`;
  return { figures, text: mathsOut };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const mathsPart = N > 0 ? maths() : null;
if (mathsPart) process.stdout.write(mathsPart.text);
let store: StoreBenchFigures | null = null;
if (STORE_PROFILES > 0) {
  store = await storeBench({ profiles: STORE_PROFILES, sample: Math.min(SAMPLE, STORE_PROFILES), maxK: MAX_K, ingestEvents: INGEST_EVENTS, log });
  const f = store;
  process.stdout.write(`store (SQLite, ${f.storeProfiles.toLocaleString('en-US')} people × ${f.features} features, loaded at ${f.loadEventsPerSecond.toLocaleString('en-US')} events/s):
  fit + assignment of everyone: ${f.fitSeconds.total} s (sample ${f.fitSeconds.sample} s, EM in a worker ${f.fitSeconds.fit} s, assignment ${f.fitSeconds.assign} s), ${f.personas} personas
  ingest: ${f.ingestEventsPerSecond.before.toLocaleString('en-US')} events/s before the refit, ${f.ingestEventsPerSecond.duringFit.toLocaleString('en-US')} during it (${f.refitSeconds} s), ${f.ingestEventsPerSecond.after.toLocaleString('en-US')} after: loss during the fit ${(f.ingestLossDuringFit * 100).toFixed(1)}% (target < 30%)
  incremental assignment of a stored profile (features + densities): ${f.incrementalAssignMicroseconds} µs
`);
}
const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`peak RSS: ${peakRssMiB} MiB
${JSON.stringify({ ...(mathsPart?.figures ?? {}), ...(store ? { store } : {}), peakRssMiB })}
`);
