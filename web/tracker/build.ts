/**
 * Builds the browser tracker with esbuild, each file one minified IIFE (ES2020: every browser of
 * the last ~5 years), no dependencies. Run by `npm run build` and `npm run build:tracker`, and by
 * the tests that need the files:
 * - web/tracker/src/index.ts → dist/t.js, served as /t.js;
 * - web/tracker/src/slots/index.ts → dist/t-slots.js, served as /t-slots.js: the slot module t.js
 *   loads on pages with slots, from an address carrying its content hash (`?v=…`), so that it can
 *   be cached for a year.
 *
 * The size budgets (t.js ≤ 8 KB gzipped, issue 6; t-slots.js ≤ 4 KB, issue 14) are checked by
 * test/web/tracker-size.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const TRACKER_SOURCE = fileURLToPath(new URL('./src/index.ts', import.meta.url));
export const TRACKER_OUTPUT = fileURLToPath(new URL('./dist/t.js', import.meta.url));
export const TRACKER_GZIP_BUDGET = 8 * 1024;
export const SLOTS_SOURCE = fileURLToPath(new URL('./src/slots/index.ts', import.meta.url));
export const SLOTS_OUTPUT = fileURLToPath(new URL('./dist/t-slots.js', import.meta.url));
export const SLOTS_GZIP_BUDGET = 4 * 1024;

export interface TrackerBuild {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** The content hash t.js puts in the module's address (base64url, 12 characters). */
  hash: string;
}

/** The version of a built file as /t-slots.js's `?v=` carries it. */
export function contentHash(code: Uint8Array): string {
  return createHash('sha256').update(code).digest('base64url').slice(0, 12);
}

async function bundle(source: string, output: string, define: Record<string, string> = {}): Promise<TrackerBuild> {
  mkdirSync(fileURLToPath(new URL('./dist/', import.meta.url)), { recursive: true });
  const result = await build({
    entryPoints: [source],
    outfile: output,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    define,
  });
  const code = result.outputFiles[0]!.contents;
  // Written aside and renamed: test files build concurrently while servers read the file.
  const aside = `${output}.${process.pid}.tmp`;
  writeFileSync(aside, code);
  renameSync(aside, output);
  return { path: output, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, hash: contentHash(code) };
}

/** Builds dist/t-slots.js only. */
export function buildSlotModule(): Promise<TrackerBuild> {
  return bundle(SLOTS_SOURCE, SLOTS_OUTPUT);
}

/** Builds dist/t-slots.js, then dist/t.js with the module's hash in it; answers t.js's figures. */
export async function buildTracker(): Promise<TrackerBuild> {
  const slots = await buildSlotModule();
  return bundle(TRACKER_SOURCE, TRACKER_OUTPUT, { __TSR_SLOTS__: JSON.stringify(slots.hash) });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildTracker();
  const slots = await buildSlotModule();
  console.log(`tracker: ${built.path} ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget ${TRACKER_GZIP_BUDGET})`);
  console.log(`slots:   ${slots.path} ${slots.bytes} bytes, ${slots.gzipBytes} bytes gzipped (budget ${SLOTS_GZIP_BUDGET})`);
}
