/**
 * The architecture, checked on every `npm test` (STYLE.md lesson 1: dependencies point one way).
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core is the domain: no I/O, no framework, no driver, nothing from the outer layers.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(?!core/)', 'node_modules/(fastify|@fastify|better-sqlite3|pg|pino|commander|cli-progress)/', '^(fs|net|http|https|child_process|worker_threads)$'] },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(?!core/|ports/)' },
    },
    {
      name: 'only-the-composition-names-a-store',
      comment: 'Outside src/storage, only storage/open-store.ts (the composition) may import a concrete store.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/storage/'] },
      to: { path: '^src/storage/(sqlite|postgres)/' },
    },
    {
      name: 'stores-do-not-know-each-other',
      severity: 'error',
      from: { path: '^src/storage/sqlite/' },
      to: { path: '^src/storage/postgres/' },
    },
    {
      name: 'stores-do-not-know-each-other-2',
      severity: 'error',
      from: { path: '^src/storage/postgres/' },
      to: { path: '^src/storage/sqlite/' },
    },
    {
      name: 'http-and-ingest-do-not-touch-drivers',
      severity: 'error',
      from: { path: '^src/(http|ingest|workspaces)/' },
      to: { path: ['^src/storage/', 'node_modules/(better-sqlite3|pg)/'] },
    },
    {
      name: 'tracker-is-standalone',
      comment: 'The browser tracker (web/tracker/src) is dependency-free and imports nothing from src/ or node_modules.',
      severity: 'error',
      from: { path: '^web/tracker/src/' },
      to: { pathNot: '^web/tracker/src/' },
    },
    {
      name: 'admin-talks-only-http',
      comment: 'The admin app (admin/src) talks to Tessera only through the documented HTTP API: from the server it may import types (erased at build), never runtime code.',
      severity: 'error',
      from: { path: '^admin/src/' },
      to: { path: '^(src|web)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'admin-runs-in-the-browser',
      comment: 'The admin app is bundled for the browser: no Node built-ins.',
      severity: 'error',
      from: { path: '^admin/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'server-does-not-import-the-admin-app',
      comment: 'The server serves admin/dist as files; it imports nothing of admin/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^admin/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
