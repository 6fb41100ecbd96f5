/**
 * Builds `eval/datasets/npm-dependencies.csv` for `npm run eval:recommendations` from the public npm
 * registry: each npm package (a "project") plays a customer and each package it depends on an item it
 * chose, in the order the project adopted them: `version_rank` is the place, in semver order of the
 * project's versions, of the first version that lists the dependency, `first_version` that version
 * ("projects that use X also use Y"). Not the registry's `time`: the registry reachable from here
 * answers with times that are not publish times (2024–2026 for express 0.14.0, out of version order),
 * so the order of versions is the only trustworthy order. Only names and version numbers are kept: no
 * maintainers, e-mails, descriptions or READMEs (eval/datasets/README.md: the sample rule, the fetch
 * date and the licence reasoning).
 *
 * The sample, deterministic for a given registry state: breadth-first over DEPENDENCIES (the
 * registry offers no list of dependents) from a fixed seed list, SEEDS below followed by the
 * package names in this repository's package-lock.json, in that order, each level in the order met;
 * a fetched package adds its latest version's `dependencies` and `devDependencies` (the walk only:
 * the items are `dependencies`), sorted by name, to the queue. Every
 * fetched package with at least `--min-deps` distinct dependencies over its versions is a project;
 * the walk stops after `--projects` projects (or `--max-fetch` documents).
 *
 * Polite: `--concurrency` requests at a time (default 4). Resumable: each document is cached, reduced
 * to names and dates, in `--cache` (default a folder in the OS temp folder); a rerun reads the cache.
 *
 *   node --import tsx eval/datasets/build-npm-dependencies.ts [--projects 3000] [--min-deps 3]
 *        [--max-fetch 20000] [--concurrency 4] [--cache DIR] [--out eval/datasets/npm-dependencies.csv]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import semver from 'semver';

const HELP = `node --import tsx eval/datasets/build-npm-dependencies.ts [options]
  Fetches npm registry documents (https://registry.npmjs.org/<name>) breadth-first over dependencies
  from a fixed seed list plus this repository's package-lock.json, and writes one line per
  (project, dependency, version_rank, first_version): the first version (semver order) listing it.
  --projects N      stop after N projects with enough dependencies (default 3000)
  --min-deps N      skip projects with fewer distinct dependencies (default 3)
  --max-fetch N     fetch at most N documents (default 20000)
  --concurrency N   requests at a time (default 4)
  --cache DIR       per-package cache, makes a rerun resume (default <tmp>/tessera-npm-registry-cache-v2)
  --out FILE        the CSV (default eval/datasets/npm-dependencies.csv)
`;

/** Well-known packages of different corners of the ecosystem (fixed: part of the sample rule). */
export const SEEDS = [
  'express', 'react', 'vue', '@angular/core', 'next', 'webpack', 'babel-loader', 'eslint', 'jest', 'mocha', 'typescript',
  'lodash', 'axios', 'request', 'commander', 'yargs', 'chalk', 'debug', 'moment', 'dayjs', 'mongoose', 'sequelize', 'pg',
  'mysql2', 'redis', 'socket.io', 'koa', 'fastify', 'hapi', 'gulp', 'grunt', 'rollup', 'vite', 'prettier', 'nodemon', 'pm2',
  'electron', 'react-native', 'gatsby', 'nuxt', 'svelte', 'd3', 'three', 'jquery', 'bootstrap', 'tailwindcss', 'postcss',
  'sass', 'less', 'karma', 'cypress', 'puppeteer', 'aws-sdk', 'firebase', 'graphql', 'apollo-server', 'prisma', 'typeorm',
  'winston', 'morgan', 'body-parser', 'cors', 'dotenv', 'jsonwebtoken', 'passport', 'bcrypt', 'uuid', 'rxjs', 'redux',
  'mobx', 'styled-components', 'storybook', 'create-react-app', 'yeoman-generator', 'browserify', 'serverless', 'hexo', 'vuepress',
];

type Reduced = { name: string; latest: string | null; latestDevDeps: string[]; versions: Array<{ version: string; deps: string[] }> };

export async function main(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: {
    projects: { type: 'string', default: '3000' }, 'min-deps': { type: 'string', default: '3' }, 'max-fetch': { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '4' }, cache: { type: 'string', default: join(tmpdir(), 'tessera-npm-registry-cache-v2') },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'npm-dependencies.csv') }, help: { type: 'boolean', default: false },
  } });
  if (f.help) { process.stdout.write(HELP); return; }
  const wanted = Number(f.projects); const minDeps = Number(f['min-deps']); const maxFetch = Number(f['max-fetch']); const concurrency = Number(f.concurrency);
  mkdirSync(f.cache, { recursive: true });
  const lock = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const fromLock = Object.keys(lock.packages).filter((p) => p.includes('node_modules/')).map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
  const queue: string[] = [];
  const queued = new Set<string>();
  const enqueue = (name: string) => { if (!queued.has(name)) { queued.add(name); queue.push(name); } };
  for (const s of [...SEEDS, ...fromLock]) enqueue(s);

  // Fetch in queue order, a window of `concurrency` at a time; results are consumed strictly in order, so the sample does not depend on timing.
  const projects: Reduced[] = [];
  let fetched = 0; let next = 0; let failed = 0;
  while (next < queue.length && projects.length < wanted && fetched < maxFetch) {
    const window = queue.slice(next, next + concurrency);
    next += window.length;
    const docs = await Promise.all(window.map((name) => load(name, f.cache)));
    for (const doc of docs) {
      fetched++;
      if (doc === null) { failed++; continue; }
      const latest = doc.versions.find((v) => v.version === doc.latest);
      for (const d of [...new Set([...(latest?.deps ?? []), ...doc.latestDevDeps])].sort()) enqueue(d);
      if (projects.length < wanted && new Set(doc.versions.filter((v) => semver.valid(v.version, true) !== null).flatMap((v) => v.deps)).size >= minDeps) projects.push(doc);
    }
    if (fetched % 100 < concurrency) process.stderr.write(`[npm-dependencies] fetched ${fetched} documents (${failed} missing), ${projects.length} of ${wanted} projects, queue ${queue.length - next}\n`);
  }

  // The order of adoption: semver precedence of the project's versions (loose, so that old names like `1.0.0beta` count; invalid ones are left
  // out), NOT the registry's `time`: the registry reachable here gives times that are not publish times (README.md, "npm-dependencies.csv").
  const lines = ['project,dependency,version_rank,first_version'];
  let written = 0;
  for (const p of projects) {
    const ordered = p.versions.filter((v) => semver.valid(v.version, true) !== null).sort((a, b) => semver.compare(a.version, b.version, true));
    const first = new Map<string, { rank: number; version: string }>();
    ordered.forEach((v, rank) => { for (const d of v.deps) if (!first.has(d)) first.set(d, { rank, version: v.version }); });
    if (first.size < minDeps) continue;
    written++;
    for (const [d, { rank, version }] of [...first].sort((a, b) => a[1].rank - b[1].rank || a[0].localeCompare(b[0]))) lines.push(`${p.name},${d},${rank},${version}`);
  }
  writeFileSync(f.out, `${lines.join('\n')}\n`);
  process.stderr.write(`[npm-dependencies] wrote ${lines.length - 1} lines for ${written} projects to ${f.out}\n`);
}

/** The registry document reduced to names and dates (cached); null when the package is gone. */
async function load(name: string, cache: string): Promise<Reduced | null> {
  const file = join(cache, `${encodeURIComponent(name)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Reduced | null;
  let reduced: Reduced | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`https://registry.npmjs.org/${name.replace('/', '%2F')}`, { headers: { accept: 'application/json' } });
      if (res.status === 404) break;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const doc = await res.json() as { 'dist-tags'?: { latest?: string }; versions?: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }> };
      const latest = doc['dist-tags']?.latest ?? null;
      reduced = {
        name, latest, latestDevDeps: Object.keys((latest !== null ? doc.versions?.[latest]?.devDependencies : undefined) ?? {}).filter((d) => !/[,\n\r"]/.test(d)),
        versions: Object.entries(doc.versions ?? {}).map(([version, v]) => ({
          version,
          // Names only; a name with a comma or a newline (none are valid npm names) would break the CSV: left out.
          deps: Object.keys(v.dependencies ?? {}).filter((d) => !/[,\n\r"]/.test(d) && d !== name),
        })),
      };
      break;
    } catch (error) {
      if (attempt >= 3) { process.stderr.write(`[npm-dependencies] ${name}: ${(error as Error).message}, skipped\n`); return null; }
      await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
    }
  }
  writeFileSync(file, JSON.stringify(reduced));
  return reduced;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2)).catch((error: unknown) => { process.stderr.write(`${(error as Error).stack ?? String(error)}\n`); process.exit(1); });
