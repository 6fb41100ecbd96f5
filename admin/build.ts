/**
 * Builds the admin app (admin/src → admin/dist) with esbuild: one minified ES module and one
 * stylesheet with content hashes in their names (served by Tessera under /admin/assets/ with a
 * year's immutable cache), and index.html naming them (served without cache). Run by
 * `npm run build` (so by `npm install` and a stale `npm start`) and by the tests that need it.
 * No network: everything comes from node_modules.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ADMIN_SOURCE = fileURLToPath(new URL('./src/main.tsx', import.meta.url));
export const ADMIN_OUTPUT = fileURLToPath(new URL('./dist/', import.meta.url));

export interface AdminBuild {
  dir: string;
  script: string;
  stylesheet: string | null;
  bytes: number;
}

const page = (script: string, stylesheet: string | null) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera</title>
<link rel="icon" href="data:,">
${stylesheet ? `<link rel="stylesheet" href="/admin/assets/${stylesheet}">\n` : ''}<script type="module" src="/admin/assets/${script}"></script>
</head>
<body>
<div id="app"><noscript>Tessera's admin app needs JavaScript.</noscript></div>
</body>
</html>
`;

export async function buildAdmin(): Promise<AdminBuild> {
  // Built aside and renamed into place: test files build concurrently while servers read the files.
  const aside = `${ADMIN_OUTPUT.replace(/\/$/, '')}.${process.pid}.tmp`;
  rmSync(aside, { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: ADMIN_SOURCE },
    outdir: join(aside, 'assets'),
    entryNames: '[name]-[hash]',
    // Screens' heavy libraries (Chart.js) load when first used, as hashed chunks beside the app.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const entry = Object.entries(result.metafile.outputs).find(([p, o]) => o.entryPoint !== undefined && p.endsWith('.js'));
  const script = entry ? basename(entry[0]) : undefined;
  const stylesheet = outputs.find((f) => f.endsWith('.css')) ?? null;
  if (!script) throw new Error('esbuild produced no script');
  writeFileSync(join(aside, 'index.html'), page(script, stylesheet));
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  // Swapped in with two renames; a build running at the same time may have swapped first (its
  // output is the same sources' build), so a missing or replaced directory is not an error.
  const old = `${aside}.old`;
  try { renameSync(ADMIN_OUTPUT, old); } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; }
  try { renameSync(aside, ADMIN_OUTPUT); } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(aside, { recursive: true, force: true });
  return { dir: ADMIN_OUTPUT, script, stylesheet, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--help')) {
    process.stdout.write('Usage: node --import tsx admin/build.ts\nBuilds the admin app (admin/src) into admin/dist: hashed assets and index.html.\n');
    process.exit(0);
  }
  const built = await buildAdmin();
  console.log(`admin: ${built.dir} ${built.script}${built.stylesheet ? ` ${built.stylesheet}` : ''}, ${built.bytes} bytes`);
}
