/**
 * Builds the browser tracker (web/tracker/src → web/tracker/dist/t.js, served as /t.js) with
 * esbuild: one minified IIFE (ES2020: every browser of the last ~5 years), no dependencies. Run by
 * `npm run build` and `npm run build:tracker`, and by the tests that need the file.
 *
 * The size budget (≤ 8 KB gzipped, issue 6) is checked by test/web/tracker-size.test.ts.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const TRACKER_SOURCE = fileURLToPath(new URL('./src/index.ts', import.meta.url));
export const TRACKER_OUTPUT = fileURLToPath(new URL('./dist/t.js', import.meta.url));
export const TRACKER_GZIP_BUDGET = 8 * 1024;

export interface TrackerBuild {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildTracker(): Promise<TrackerBuild> {
  mkdirSync(fileURLToPath(new URL('./dist/', import.meta.url)), { recursive: true });
  const result = await build({
    entryPoints: [TRACKER_SOURCE],
    outfile: TRACKER_OUTPUT,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  // Written aside and renamed: test files build concurrently while servers read the file.
  const aside = `${TRACKER_OUTPUT}.${process.pid}.tmp`;
  writeFileSync(aside, code);
  renameSync(aside, TRACKER_OUTPUT);
  return { path: TRACKER_OUTPUT, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildTracker();
  console.log(`tracker: ${built.path} ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget ${TRACKER_GZIP_BUDGET})`);
}
