/**
 * `tessera keys list|create|revoke`: API keys of a workspace. Kinds: `write` (public), `admin`
 * (secret, everything), `server` (secret, only its `--scope`s, e.g. `decide`). Exit codes: 1 no such
 * active key, 2 usage error or no such workspace.
 */
import { Command, Option } from 'commander';
import { API_KEY_SCOPES, type ApiKeyKind, type ApiKeyScope } from '../core/workspaces/workspace.js';
import type { Store } from '../ports/store.js';
import { addKey, addServerKey } from '../workspaces/api-keys.js';
import { EXIT_USAGE, configFrom, withStoreOptions, withUsageExitCode, openCommandStore } from './options.js';

const workspaceOption = () => new Option('--workspace <id>', 'workspace id').default('default');

export function keysCommand(): Command {
  const keys = withUsageExitCode(new Command('keys').description('list, create and revoke API keys'));
  withStoreOptions(keys.command('list').description('list the keys of a workspace (prefixes only)'))
    .addOption(workspaceOption())
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        if (!(await workspaceExists(store, String(flags.workspace)))) return;
        for (const k of await store.workspaces.listKeys(String(flags.workspace))) {
          process.stdout.write(`${k.id}\t${k.kind}${k.kind === 'server' ? ` [${k.scopes.join(',')}]` : ''}\t${k.prefix}…\tcreated ${new Date(k.createdAt).toISOString()}${k.revokedAt ? `\trevoked ${new Date(k.revokedAt).toISOString()}` : ''}\n`);
        }
      } finally {
        await store.close();
      }
    });
  withStoreOptions(keys.command('create').description('create a key and print it (shown once)'))
    .addOption(workspaceOption())
    .addOption(new Option('--kind <kind>', 'write (public, for trackers), admin (secret, everything) or server (secret, only its scopes)').choices(['write', 'admin', 'server']).makeOptionMandatory())
    .addOption(new Option('--scope <scope...>', `what a server key may do (required with --kind server): ${API_KEY_SCOPES.join(', ')}`).choices([...API_KEY_SCOPES]))
    .action(async (flags: Record<string, unknown>) => {
      const kind = flags.kind as ApiKeyKind;
      const scopes = (flags.scope as ApiKeyScope[] | undefined) ?? [];
      if (kind === 'server' && scopes.length === 0) { usage(`A server key needs at least one --scope (${API_KEY_SCOPES.join(', ')}).`); return; }
      if (kind !== 'server' && scopes.length > 0) { usage('--scope is for server keys only (write and admin keys have fixed rights).'); return; }
      const store = await openCommandStore(configFrom(flags));
      try {
        const workspaceId = String(flags.workspace);
        if (!(await workspaceExists(store, workspaceId))) return;
        const now = Date.now();
        process.stdout.write(`${kind === 'server' ? await addServerKey(store, workspaceId, { scopes, now }) : await addKey(store, workspaceId, kind, now)}\n`);
      } finally {
        await store.close();
      }
    });
  withStoreOptions(keys.command('revoke').description('revoke a key by its id (see keys list)'))
    .argument('<key-id>')
    .addOption(workspaceOption())
    .action(async (keyId: string, flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        if (!(await workspaceExists(store, String(flags.workspace)))) return;
        const revoked = await store.workspaces.revokeKey(String(flags.workspace), keyId, Date.now());
        if (revoked) process.stdout.write(`Revoked ${keyId}.\n`);
        else { process.stderr.write(`No active key ${keyId} in workspace ${String(flags.workspace)}.\n`); process.exitCode = 1; }
      } finally {
        await store.close();
      }
    });
  return keys;
}

function usage(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = EXIT_USAGE;
}

/** False, with a message and exit code 2 (a wrong `--workspace` is a usage error), when there is no such workspace. */
async function workspaceExists(store: Store, workspaceId: string): Promise<boolean> {
  if (await store.workspaces.get(workspaceId)) return true;
  process.stderr.write(`No workspace "${workspaceId}" (see \`tessera workspace list\`).\n`);
  process.exitCode = EXIT_USAGE;
  return false;
}
