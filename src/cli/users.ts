/**
 * `tessera users create|list|disable|enable|reset-password|welcome-link`: people who sign in to the
 * admin app. No password is ever typed on the command line (it would stay in the shell's
 * history): `create` and `reset-password` print a one-time set-password link (single-use, 24
 * hours). Changes are audited with the actor `cli`. Exit codes: 1 no such user or e-mail taken,
 * 2 usage error.
 */
import { Command, Option } from 'commander';
import { ROLE_SUMMARIES, ROLES, type Role } from '../core/access/roles.js';
import { emailIssues, nameIssues, normalizeEmail } from '../core/access/sign-in-policy.js';
import { isTesseraError } from '../core/errors.js';
import { createUserService, signInLinkUrl } from '../access/users.js';
import { issueWelcomeLink } from '../access/welcome.js';
import type { Store } from '../ports/store.js';
import { resolvePublicBase } from '../public-base.js';
import { EXIT_USAGE, configFrom, openCommandStore, withStoreOptions, withUsageExitCode } from './options.js';
import type { Config } from '../config.js';

const workspaceOption = () => new Option('--workspace <id>', 'workspace id').default('default');
const ROLE_HELP = `\nRoles:\n${ROLES.map((r) => `  ${r.padEnd(16)} ${ROLE_SUMMARIES[r]}`).join('\n')}\n`;

async function withStore(flags: Record<string, unknown>, work: (store: Store, config: Config) => Promise<void>): Promise<void> {
  const config = configFrom(flags);
  const store = await openCommandStore(config);
  try {
    await work(store, config);
  } finally {
    await store.close();
  }
}

const audit = (store: Store, workspaceId: string, action: string, details: Record<string, string | boolean>) =>
  store.privacy.audit({ workspaceId, at: Date.now(), actor: 'cli', action, subject: null, details });

async function setPasswordLink(store: Store, config: Config, workspaceId: string, userId: string): Promise<string> {
  const { token, expiresAt } = await createUserService({ users: store.users, now: Date.now }).issueLink('set-password', workspaceId, userId);
  return `${signInLinkUrl(resolvePublicBase(config).url, 'set-password', token)}\n(single-use, valid until ${new Date(expiresAt).toISOString()})`;
}

async function findByEmail(store: Store, workspaceId: string, email: string) {
  const user = await store.users.findByEmail(normalizeEmail(email));
  if (!user || user.workspaceId !== workspaceId) {
    process.stderr.write(`No user ${normalizeEmail(email)} in workspace ${workspaceId} (see \`tessera users list\`).\n`);
    process.exitCode = 1;
    return null;
  }
  return user;
}

export function usersCommand(): Command {
  const users = withUsageExitCode(new Command('users').description('people who sign in to the admin app: create, list, disable, reset passwords'))
    .addHelpText('after', ROLE_HELP);

  withStoreOptions(users.command('create').description('add a user and print their one-time set-password link'))
    .requiredOption('--email <email>', 'e-mail address (their sign-in name)')
    .requiredOption('--name <name>', 'their name, as the audit log shows it')
    .addOption(new Option('--role <role>', 'what they may do (see `tessera users --help`)').choices([...ROLES]).makeOptionMandatory())
    .addOption(workspaceOption())
    .addHelpText('after', ROLE_HELP)
    .action((flags: Record<string, unknown>) => withStore(flags, async (store, config) => {
      const issues = [...emailIssues('--email', flags.email), ...nameIssues('--name', flags.name)];
      if (issues.length) {
        process.stderr.write(issues.map((i) => `${i.field} ${i.reason}`).join('\n') + '\n');
        process.exitCode = EXIT_USAGE;
        return;
      }
      const workspaceId = String(flags.workspace);
      if (!(await store.workspaces.get(workspaceId))) {
        process.stderr.write(`No workspace "${workspaceId}" (see \`tessera workspace list\`).\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      try {
        const user = await createUserService({ users: store.users, now: Date.now }).create({ workspaceId, email: String(flags.email), name: String(flags.name), role: flags.role as Role });
        await audit(store, workspaceId, 'user.create', { userId: user.id, role: user.role });
        process.stdout.write(`Created ${user.email} (${user.role}, ${user.id}). Their set-password link:\n${await setPasswordLink(store, config, workspaceId, user.id)}\n`);
      } catch (error) {
        if (!isTesseraError(error)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    }));

  withStoreOptions(users.command('list').description('list the users of a workspace'))
    .addOption(workspaceOption())
    .action((flags: Record<string, unknown>) => withStore(flags, async (store) => {
      for (const u of await store.users.list(String(flags.workspace))) {
        const state = u.disabled ? 'disabled' : u.passwordHash === null ? 'no password yet' : u.lockedUntil !== null && u.lockedUntil > Date.now() ? `locked until ${new Date(u.lockedUntil).toISOString()}` : 'active';
        process.stdout.write(`${u.id}\t${u.email}\t${u.role}\t${state}\t${u.name}\n`);
      }
    }));

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    withStoreOptions(users.command(name).description(disabled ? 'disable a user: they cannot sign in, and their sessions end' : 'enable a disabled user again'))
      .argument('<email>')
      .addOption(workspaceOption())
      .action((email: string, flags: Record<string, unknown>) => withStore(flags, async (store) => {
        const workspaceId = String(flags.workspace);
        const user = await findByEmail(store, workspaceId, email);
        if (!user) return;
        await store.users.update(workspaceId, user.id, { disabled }, Date.now());
        if (disabled) await store.users.deleteSessionsOf(user.id);
        await audit(store, workspaceId, 'user.update', { userId: user.id, disabled });
        process.stdout.write(`${disabled ? 'Disabled' : 'Enabled'} ${user.email}.\n`);
      }));
  }

  withStoreOptions(users.command('reset-password').description('print a one-time set-password link for a user (also unlocks a locked account once used)'))
    .argument('<email>')
    .addOption(workspaceOption())
    .action((email: string, flags: Record<string, unknown>) => withStore(flags, async (store, config) => {
      const workspaceId = String(flags.workspace);
      const user = await findByEmail(store, workspaceId, email);
      if (!user) return;
      await audit(store, workspaceId, 'user.password_link', { userId: user.id });
      process.stdout.write(`Set-password link for ${user.email}:\n${await setPasswordLink(store, config, workspaceId, user.id)}\n`);
    }));

  withStoreOptions(users.command('welcome-link').description('print a new one-time link that creates the first administrator (only while no user exists; retires the link printed before)'))
    .addOption(workspaceOption())
    .action((flags: Record<string, unknown>) => withStore(flags, async (store, config) => {
      if ((await store.users.count()) > 0) {
        process.stderr.write('Users exist already; an administrator adds more (`tessera users create`).\n');
        process.exitCode = 1;
        return;
      }
      const { url, expiresAt } = await issueWelcomeLink(store.users, { workspaceId: String(flags.workspace), baseUrl: resolvePublicBase(config).url, now: Date.now() });
      process.stdout.write(`${url}\n(single-use, valid until ${new Date(expiresAt).toISOString()})\n`);
    }));
  return users;
}
