/** `tessera serve`: starts the server; SIGTERM/SIGINT drain in-flight requests and flush before exit. */
import { Command, Option } from 'commander';
import { ENVIRONMENT } from '../config.js';
import { publicBaseWarning, resolvePublicBase } from '../public-base.js';
import { createLogger, createTessera } from '../tessera.js';
import { ensureDefaultWorkspace } from '../workspaces/api-keys.js';
import { configFrom, withStoreOptions, openCommandStore } from './options.js';
import { welcomeAtStart, welcomeText } from '../access/welcome.js';

export function serveCommand(): Command {
  const command = withStoreOptions(new Command('serve').description('start the Tessera server'))
    .addOption(new Option('--host <host>', 'address to listen on (env TESSERA_HOST, default 127.0.0.1)'))
    .addOption(new Option('--port <port>', 'port to listen on (env TESSERA_PORT, default 8780)'))
    .addOption(new Option('--public-url <url>', 'address browsers and email recipients reach Tessera at (env TESSERA_PUBLIC_URL; needed for emails with links)'))
    .addOption(new Option('--write-key <key>', 'seed this write key into the default workspace (env TESSERA_WRITE_KEY)'))
    .addOption(new Option('--admin-key <key>', 'seed this admin key into the default workspace (env TESSERA_ADMIN_KEY)'))
    .addOption(new Option('--sqlite-sync <level>', 'full|normal (env TESSERA_SQLITE_SYNC, default full)'))
    .addHelpText('after', `\nEnvironment variables:\n${ENVIRONMENT.map(([name, , help]) => `  ${name.padEnd(36)} ${help}`).join('\n')}\n`)
    .action(async (flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const logger = createLogger(config);
      const store = await openCommandStore(config, { create: true });
      for (const warning of await store.configurationWarnings()) logger.warn({ store: store.kind }, warning);
      const publicUrlWarning = publicBaseWarning(resolvePublicBase(config));
      if (publicUrlWarning) logger.warn(publicUrlWarning);
      const created = await ensureDefaultWorkspace(store, { now: Date.now(), writeKey: config.writeKey, adminKey: config.adminKey });
      if (created) printKeys(created.workspace.id, created.writeKey, created.adminKey, config.writeKey !== undefined, config.adminKey !== undefined);
      // The first administrator's one-time link, while no user exists (access/welcome.ts).
      const welcome = welcomeText(await welcomeAtStart(store.users, { workspaceId: 'default', baseUrl: resolvePublicBase(config).url, now: Date.now() }));
      if (welcome) process.stdout.write(welcome);
      const tessera = await createTessera({ config, store, logger, processMetrics: true });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal, pendingEvents: tessera.queue.depth }, 'shutting down: draining requests and flushing events');
        tessera.close().then(() => { logger.info('stopped'); process.exit(0); }, (error) => { logger.error({ err: error }, 'shutdown failed'); process.exit(1); });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      const address = await tessera.app.listen({ host: config.host, port: config.port });
      logger.info({ address, store: store.kind, dataDir: store.kind === 'sqlite' ? config.dataDir : undefined }, 'Tessera is listening');
    });
  return command;
}

function printKeys(workspaceId: string, writeKey: string, adminKey: string, writeGiven: boolean, adminGiven: boolean): void {
  process.stdout.write([
    '',
    `Created workspace "${workspaceId}". Its keys are shown this once; they are stored only as hashes.`,
    `  write key (public, for trackers and SDKs): ${writeGiven ? '(the configured TESSERA_WRITE_KEY)' : writeKey}`,
    `  admin key (secret, for the profile API):   ${adminGiven ? '(the configured TESSERA_ADMIN_KEY)' : adminKey}`,
    'Lost them? `npm run tessera -- keys create --kind admin` adds a new key.',
    '',
  ].join('\n') + '\n');
}
