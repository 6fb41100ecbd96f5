/** `tessera migrate [--status]`: applies pending schema migrations, or shows them. */
import { Command } from 'commander';
import { configFrom, withStoreOptions, openCommandStore } from './options.js';

export function migrateCommand(): Command {
  return withStoreOptions(new Command('migrate').description('apply pending schema migrations (the server also does this at start)'))
    .option('--status', 'show applied and pending migrations without applying any')
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags), { migrate: !flags.status });
      try {
        const status = await store.migrationStatus();
        for (const m of status.applied) process.stdout.write(`applied  ${String(m.version).padStart(4)}  ${m.name}  (${new Date(m.appliedAt).toISOString()})\n`);
        for (const m of status.pending) process.stdout.write(`pending  ${String(m.version).padStart(4)}  ${m.name}\n`);
        process.stdout.write(`${store.kind}: schema ${status.applied.length ? Math.max(...status.applied.map((m) => m.version)) : 0}, code knows ${status.codeVersion}\n`);
        for (const warning of await store.configurationWarnings()) process.stdout.write(`warning: ${warning}\n`);
      } finally {
        await store.close();
      }
    });
}
