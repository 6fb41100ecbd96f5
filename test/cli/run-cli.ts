/** Runs the real `tessera` command as a child process, as a user would, and collects its output. */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../support/server-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --import tsx src/main.ts …args` with a clean environment: only PATH, HOME, quiet logs and
 * the given variables, so that the developer's own TESSERA_* settings cannot leak into a test.
 */
export function runCli(args: string[], env: Record<string, string> = {}, onStderr?: (stderr: string, child: import('node:child_process').ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TESSERA_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); onStderr?.(stderr, child); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails with the command's output, which is what one needs to see when a CLI test fails. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
