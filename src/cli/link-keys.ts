/**
 * `tessera link-keys list|rotate|retire`: the signing keys of email-link tokens.
 *   rotate   adds a new key; new links are signed with it, links already sent keep working
 *   retire   makes every link signed with that key stop working (a leaked key; an old key after
 *            its links have expired). Servers notice within 30 seconds.
 * Exit codes: 1 no such key that still verifies, 2 usage error or no such workspace.
 */
import { Command, Option } from 'commander';
import { createLinkSigner, type SigningKeyInfo } from '../links/link-signer.js';
import type { Store } from '../ports/store.js';
import { EXIT_USAGE, configFrom, withStoreOptions, withUsageExitCode, openCommandStore } from './options.js';

const workspaceOption = () => new Option('--workspace <id>', 'workspace id').default('default');
const line = (k: SigningKeyInfo) => `${k.id}\t${k.active ? 'active' : k.retiredAt ? 'retired' : 'verifies'}\tcreated ${new Date(k.createdAt).toISOString()}${k.retiredAt ? `\tretired ${new Date(k.retiredAt).toISOString()}` : ''}\n`;

export function linkKeysCommand(): Command {
  const command = withUsageExitCode(new Command('link-keys').description('list, rotate and retire the keys that sign email links'))
    .addHelpText('after', `
Rotation keeps old links working: \`rotate\` adds a key that signs from now on, and every key
that is not retired still verifies. \`retire <key-id>\` stops the links signed with that key
(use it for a leaked key, or for an old key once its links have expired). Secrets are never shown.
`);
  let json = false;
  const run = (action: (store: Store, workspaceId: string, ...args: string[]) => Promise<void>) => async (...args: unknown[]) => {
    const flags = args.find((a) => typeof a === 'object' && a !== null && !(a instanceof Command)) as Record<string, unknown>;
    json = flags.json === true;
    const store = await openCommandStore(configFrom(flags));
    try {
      const workspaceId = String(flags.workspace);
      if (!(await store.workspaces.get(workspaceId))) {
        process.stderr.write(`No workspace "${workspaceId}" (see \`tessera workspace list\`).\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      await action(store, workspaceId, ...args.filter((a): a is string => typeof a === 'string'));
    } finally {
      await store.close();
    }
  };
  withStoreOptions(command.command('list').description('list the signing keys of a workspace (ids and dates, never secrets)'))
    .addOption(workspaceOption())
    .addOption(new Option('--json', 'print JSON'))
    .action(run(async (store, workspaceId) => {
      const keys = await createLinkSigner({ keyring: store.keyring, now: Date.now }).keys(workspaceId);
      if (json) process.stdout.write(`${JSON.stringify(keys.map((k) => ({ ...k, createdAt: new Date(k.createdAt).toISOString(), retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString() })))}\n`);
      else for (const k of keys) process.stdout.write(line(k));
    }));
  withStoreOptions(command.command('rotate').description('add a new signing key; links already sent keep working'))
    .addOption(workspaceOption())
    .action(run(async (store, workspaceId) => {
      const key = await createLinkSigner({ keyring: store.keyring, now: Date.now }).rotate(workspaceId);
      await store.privacy.audit({ workspaceId, at: Date.now(), actor: 'cli', action: 'links.key.rotate', subject: null, details: { key: key.id } });
      process.stdout.write(`New links are signed with ${key.id}; older keys keep verifying until retired.\n`);
    }));
  withStoreOptions(command.command('retire').description('retire a key: links signed with it stop working'))
    .argument('<key-id>')
    .addOption(workspaceOption())
    .action(run(async (store, workspaceId, keyId) => {
      const retired = await createLinkSigner({ keyring: store.keyring, now: Date.now }).retire(workspaceId, keyId!);
      if (!retired) {
        process.stderr.write(`No key ${keyId} that still verifies in workspace ${workspaceId} (see \`tessera link-keys list\`).\n`);
        process.exitCode = 1;
        return;
      }
      await store.privacy.audit({ workspaceId, at: Date.now(), actor: 'cli', action: 'links.key.retire', subject: null, details: { key: keyId! } });
      process.stdout.write(`Retired ${keyId}: links signed with it no longer work.\n`);
    }));
  return command;
}
