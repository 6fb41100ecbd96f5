#!/usr/bin/env -S node --max-semi-space-size=32
/** The `tessera` command (see cli/program.ts). A failure prints its message, not a stack trace. */
import { createProgram } from './cli/program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`tessera: ${message}${cause}\n`);
  process.exit(1);
}
