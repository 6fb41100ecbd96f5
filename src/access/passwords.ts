/**
 * Password hashing: Argon2id (RFC 9106) through @node-rs/argon2, chosen because its npm package
 * has no install script: the compiled binding for each platform is an ordinary npm package
 * (optional dependencies such as @node-rs/argon2-linux-x64-gnu), so `npm install` downloads
 * nothing else and compiles nothing, and nothing needs the network at run time. (`argon2` ships
 * prebuilt binaries too, but runs node-gyp-build at install and compiles when none fits.)
 *
 * Parameters: OWASP Password Storage Cheat Sheet's first Argon2id configuration, m = 19 MiB,
 * t = 2, p = 1. The hash string carries its parameters, so stronger ones can come later and old
 * hashes still verify.
 */
import { hash, verify } from '@node-rs/argon2';

/** @node-rs/argon2's `Algorithm.Argon2id` (a const enum, which this build cannot import as a value). */
const ARGON2ID = 2;

export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_OPTIONS);

/** False also for a malformed stored hash (never throws on bad input). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Verifies against a throw-away hash: sign-ins for unknown e-mails (or users without a password)
 * take as long as real ones, so the answer's timing does not tell which e-mails have accounts.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('tessera-no-such-user-password');
  await verifyPassword(await dummy, password);
}
