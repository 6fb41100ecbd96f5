#!/usr/bin/env node
/**
 * Builds Tessera (`npm run build`) only when a source changed since the last build, so that
 * `npm start` starts in a moment instead of compiling everything on every start. The build is
 * stale when any file under the inputs below is newer than the stamp the last successful build
 * left in dist/, or when there is no stamp. `npm install` builds once (the `prepare` script).
 *
 * Plain JavaScript with no dependencies on purpose: it must run before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');
const INPUTS = ['src', 'web/tracker/src', 'web/tracker/build.ts', 'admin/src', 'admin/build.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

if (process.argv.includes('--help')) {
  process.stdout.write('Usage: node scripts/build-if-stale.mjs [--force]\nRuns `npm run build` when a file under src/, web/tracker/, admin/ or the build configuration is newer than the last build.\n');
  process.exit(0);
}

/** The newest modification time under a path, in ms; 0 when it does not exist. */
function newest(path) {
  let stat;
  try { stat = statSync(path); } catch { return 0; }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file shows as a newer directory
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const stampTime = newest(STAMP);
const sourceTime = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (!process.argv.includes('--force') && stampTime > 0 && stampTime >= sourceTime) process.exit(0);

process.stderr.write(stampTime === 0 ? 'Building Tessera (first start)…\n' : 'Sources changed since the last build: building…\n');
const started = Date.now();
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
mkdirSync(dirname(STAMP), { recursive: true });
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
