/** Options shared by the commands that open the store. */
import { Option, type Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';

export function withStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--config <file>', 'JSON config file (env TESSERA_CONFIG)'))
    .addOption(new Option('--data-dir <dir>', 'folder of the embedded SQLite store (env TESSERA_DATA_DIR, default ./data)'))
    .addOption(new Option('--database-url <url>', 'postgres://… to use PostgreSQL (env TESSERA_DATABASE_URL)'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env TESSERA_LOG_LEVEL)'));
}

/** Reads configuration from the command's flags, the environment and the config file; exits on errors. */
export function configFrom(flags: Record<string, unknown>): Config {
  try {
    return loadConfig({ flags });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
