/**
 * Tessera's request path alone, for `npm run bench:ingest -- --request-path`: the real app
 * (routing, auth, body parsing, validation, privacy) on a real store, but each accepted request is
 * answered as soon as it is validated: the ingest queue is replaced by one that stores nothing.
 * What this reaches is the most that acknowledging at a journal could give with today's request
 * path; the gap to the baseline is the request path's own cost, the gap to the full server is the
 * cost of storing and processing.
 *
 * Bench-only by construction: the replacement lives here, not behind a flag of the real server.
 * Run: node --import tsx bench/request-path-server.ts after `npm run build` (configured like
 * `tessera serve`, by environment variables).
 */
// The built modules (dist/, as `tessera serve` runs them), typed by their sources.
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { configFrom } = await import(dist('cli/options.js')) as typeof import('../src/cli/options.js');
const { openStore } = await import(dist('storage/open-store.js')) as typeof import('../src/storage/open-store.js');
const { createLogger, createTessera } = await import(dist('tessera.js')) as typeof import('../src/tessera.js');
const { ensureDefaultWorkspace } = await import(dist('workspaces/api-keys.js')) as typeof import('../src/workspaces/api-keys.js');

const config = configFrom({});
const logger = createLogger(config);
const store = await openStore(config);
await ensureDefaultWorkspace(store, { now: Date.now(), writeKey: config.writeKey, adminKey: config.adminKey });
const tessera = await createTessera({ config, store, logger });
tessera.queue.submit = () => Promise.resolve({ deadLettered: 0, duplicates: 0 });

const stop = () => { tessera.close().then(() => process.exit(0), () => process.exit(1)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
await tessera.app.listen({ host: config.host, port: config.port });
