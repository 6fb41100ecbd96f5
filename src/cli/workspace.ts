/** `tessera workspace create|list`. Exit code 1: the workspace exists already. */
import { Command } from 'commander';
import { createWorkspace } from '../workspaces/api-keys.js';
import { configFrom, withStoreOptions, withUsageExitCode, openCommandStore } from './options.js';

export function workspaceCommand(): Command {
  const workspace = withUsageExitCode(new Command('workspace').description('create and list workspaces'));
  withStoreOptions(workspace.command('create').description('create a workspace and print its keys (shown once)'))
    .argument('<name>', 'a name people recognise')
    .option('--id <id>', 'workspace id (default: generated)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags), { create: true });
      try {
        if (typeof flags.id === 'string' && (await store.workspaces.get(flags.id))) {
          process.stderr.write(`A workspace "${flags.id}" exists already.\n`);
          process.exitCode = 1;
          return;
        }
        const created = await createWorkspace(store, { name, now: Date.now(), ...(typeof flags.id === 'string' ? { id: flags.id } : {}) });
        if (flags.json) process.stdout.write(JSON.stringify({ id: created.workspace.id, name, writeKey: created.writeKey, adminKey: created.adminKey }) + '\n');
        else process.stdout.write(`Created workspace ${created.workspace.id} (${name})\n  write key: ${created.writeKey}\n  admin key: ${created.adminKey}\nThe keys are shown this once.\n`);
      } finally {
        await store.close();
      }
    });
  withStoreOptions(workspace.command('list').description('list workspaces'))
    .option('--json', 'print JSON')
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const list = await store.workspaces.list();
        if (flags.json) process.stdout.write(JSON.stringify(list) + '\n');
        else for (const w of list) process.stdout.write(`${w.id}\t${w.name}\tcreated ${new Date(w.createdAt).toISOString()}\n`);
      } finally {
        await store.close();
      }
    });
  return workspace;
}
