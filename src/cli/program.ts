/** The `tessera` command and its sub-commands, one per file in cli/. */
import { Command } from 'commander';
import { importCommand } from './import.js';
import { itemsCommand } from './items.js';
import { recommendationsCommand } from './recommendations.js';
import { analyticsCommand } from './analytics.js';
import { keysCommand } from './keys.js';
import { linkKeysCommand } from './link-keys.js';
import { migrateCommand } from './migrate.js';
import { withUsageExitCode } from './options.js';
import { retentionCommand } from './retention.js';
import { segmentsCommand } from './segments.js';
import { personasCommand } from './personas.js';
import { experimentsCommand } from './experiments.js';
import { audiencesCommand } from './audiences.js';
import { serveCommand } from './serve.js';
import { workspaceCommand } from './workspace.js';
import { usersCommand } from './users.js';
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
    .addCommand(itemsCommand())
    .addCommand(recommendationsCommand())
    .addCommand(analyticsCommand())
    .addCommand(migrateCommand())
    .addCommand(retentionCommand())
    .addCommand(segmentsCommand())
    .addCommand(personasCommand())
    .addCommand(usersCommand())
    .addCommand(experimentsCommand())
    .addCommand(audiencesCommand());
}
