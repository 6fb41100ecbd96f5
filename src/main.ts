#!/usr/bin/env node
/** The `tessera` command: one sub-command per file in cli/. */
import { Command } from 'commander';
import { importCommand } from './cli/import.js';
import { keysCommand } from './cli/keys.js';
import { migrateCommand } from './cli/migrate.js';
import { retentionCommand } from './cli/retention.js';
import { serveCommand } from './cli/serve.js';
import { workspaceCommand } from './cli/workspace.js';
import { withUsageExitCode } from './cli/options.js';

const program = withUsageExitCode(new Command('tessera'))
  .description('Tessera: customer profiles and personalization, self-hosted')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(workspaceCommand())
  .addCommand(keysCommand())
  .addCommand(importCommand())
  .addCommand(migrateCommand())
  .addCommand(retentionCommand());

await program.parseAsync(process.argv);
