#!/usr/bin/env node
/** The `tessera` command (see cli/program.ts). */
import { createProgram } from './cli/program.js';

await createProgram().parseAsync(process.argv);
