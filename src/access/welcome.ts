/**
 * The first administrator's sign-in link (issue 19 §5). While no user exists, `tessera serve`
 * prints `<public URL>/admin/welcome?token=…` once, as it prints the keys of a new workspace. The
 * token is stored as a hash only, so a restart cannot print the same link again: while a printed
 * link is still valid, a restart says so instead; once it expired, a restart prints a new one
 * (and `tessera users welcome-link` prints a new one at any time, retiring the old).
 */
import { SIGN_IN_LINK_TTL_MS } from '../links/link-lifetimes.js';
import type { UserStore } from '../ports/user-store.js';
import { newSecret, secretHash } from './secrets.js';
import { signInLinkUrl } from './users.js';

export type WelcomeAtStart =
  | { kind: 'none' }
  | { kind: 'printed-before'; expiresAt: number }
  | { kind: 'new'; url: string; expiresAt: number };

export async function issueWelcomeLink(users: UserStore, options: { workspaceId: string; baseUrl: string; now: number }): Promise<{ url: string; expiresAt: number }> {
  const token = newSecret();
  const expiresAt = options.now + SIGN_IN_LINK_TTL_MS.welcome;
  await users.issueToken({ hash: secretHash(token), purpose: 'welcome', workspaceId: options.workspaceId, userId: null, createdAt: options.now, expiresAt });
  return { url: signInLinkUrl(options.baseUrl, 'welcome', token), expiresAt };
}

export async function welcomeAtStart(users: UserStore, options: { workspaceId: string; baseUrl: string; now: number }): Promise<WelcomeAtStart> {
  if ((await users.count()) > 0) return { kind: 'none' };
  const live = await users.liveToken('welcome', options.now);
  if (live) return { kind: 'printed-before', expiresAt: live.expiresAt };
  return { kind: 'new', ...(await issueWelcomeLink(users, options)) };
}

export function welcomeText(welcome: WelcomeAtStart): string | null {
  if (welcome.kind === 'none') return null;
  if (welcome.kind === 'printed-before') {
    return `\nNo one has signed in yet. The sign-in link printed before is valid until ${new Date(welcome.expiresAt).toISOString()}; lost it? \`npm run tessera -- users welcome-link\` prints a new one.\n\n`;
  }
  return [
    '',
    'Sign in to the admin app and create the first administrator with this link (single-use, valid 60 minutes):',
    `  ${welcome.url}`,
    'Expired? Restart Tessera, or run `npm run tessera -- users welcome-link`.',
    '',
  ].join('\n') + '\n';
}
