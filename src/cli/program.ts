/** The `tessera` command and its sub-commands, one per file in cli/. */
import { Command } from 'commander';
import { importCommand } from './import.js';
import { keysCommand } from './keys.js';
import { linkKeysCommand } from './link-keys.js';
import { migrateCommand } from './migrate.js';
import { withUsageExitCode } from './options.js';
import { retentionCommand } from './retention.js';
import { segmentsCommand } from './segments.js';
import { personasCommand } from './personas.js';
import { serveCommand } from './serve.js';
import { workspaceCommand } from './workspace.js';
import { VERSION } from '../version.js';

export function createProgram(): Command {
  return withUsageExitCode(new Command('tessera'))
    .description('Tessera: customer profiles and personalization, self-hosted')
    .version(VERSION)
    .showHelpAfterError()
    .addCommand(serveCommand())
    .addCommand(workspaceCommand())
    .addCommand(keysCommand())
    .addCommand(linkKeysCommand())
    .addCommand(importCommand())
    .addCommand(migrateCommand())
    .addCommand(retentionCommand())
    .addCommand(segmentsCommand())
    .addCommand(personasCommand());
}
