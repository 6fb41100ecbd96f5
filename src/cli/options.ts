/** Options and conventions shared by the commands. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openStore, StoreNotFoundError, type OpenedStore } from '../storage/open-store.js';

/** Exit codes of every command: 2 is a usage or configuration error (nothing was done). */
export const EXIT_USAGE = 2;
/** A long job whose store failed: what was written stays; run it again to resume. */
export const EXIT_STORE_FAILED = 3;
/** A long job interrupted (Ctrl-C, SIGTERM): run it again to resume. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs a long job with Ctrl-C and SIGTERM turned into an abort of its signal, so that it stops at the next
 * safe point and saves its progress. Each signal is caught once: a second Ctrl-C exits at once.
 */
export async function withInterrupt<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await job(interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** An option's parser for a whole number from `min` to `max`, written in digits. */
export const wholeNumber = (min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
  return n;
};

/**
 * Usage errors (unknown option, missing argument, invalid choice) exit with code 2 rather than
 * commander's 1, which our commands use for "done, with problems" (`tessera import`). Help exits 0.
 * Sub-commands created with `.command()` afterwards inherit this.
 */
export function withUsageExitCode(command: Command): Command {
  return command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));
}

/** Adds the options of the commands that open the store, and the usage exit code. */
export function withStoreOptions(command: Command): Command {
  return withUsageExitCode(command)
    .addOption(new Option('--config <file>', 'JSON config file (env TESSERA_CONFIG)'))
    .addOption(new Option('--data-dir <dir>', 'folder of the embedded SQLite store (env TESSERA_DATA_DIR, default ./data); only serve and workspace create make a new one'))
    .addOption(new Option('--database-url <url>', 'postgres://… to use PostgreSQL (env TESSERA_DATABASE_URL)'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env TESSERA_LOG_LEVEL)'));
}

/** Reads configuration from the command's flags, the environment and the config file; exits 2 on errors. */
export function configFrom(flags: Record<string, unknown>): Config {
  try {
    return loadConfig({ flags });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
}

/**
 * Opens the configured store for a command. Only `serve` and `workspace create` may create a new
 * embedded store (`create: true`); any other command run against a folder without one exits 2 and
 * says which folder it looked in.
 */
export async function openCommandStore(config: Config, options: { create?: boolean; migrate?: boolean } = {}): Promise<OpenedStore> {
  try {
    return await openStore(config, { mustExist: !options.create, ...(options.migrate === undefined ? {} : { migrate: options.migrate }) });
  } catch (error) {
    if (error instanceof StoreNotFoundError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
}
