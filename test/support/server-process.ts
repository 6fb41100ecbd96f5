/**
 * The real server as a child process (`node --import tsx src/main.ts serve`) on a free port, for
 * end-to-end tests: real sockets, real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { ADMIN_KEY, tempDir, WRITE_KEY } from './tessera-under-test.js';

const START_TIMEOUT_MS = 90_000;

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code (or signal) once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * `seedKeys: false` starts as `npm start` does on a fresh machine: no keys are configured, so the
 * first start makes the workspace's keys and prints them (read them from `output()`).
 */
export async function startServerProcess(options: { dataDir: string; env?: Record<string, string>; port?: number; seedKeys?: boolean }): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const keys = options.seedKeys === false ? {} : { TESSERA_WRITE_KEY: WRITE_KEY, TESSERA_ADMIN_KEY: ADMIN_KEY };
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
      TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1', TESSERA_DATA_DIR: options.dataDir,
      ...keys, TESSERA_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://127.0.0.1:${port}`;
  // Generous: tsx compiles every module at start, and a loaded 2-core machine takes long for it.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not start in ${START_TIMEOUT_MS / 1000} s:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port, child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * One real server for a test file: started before its tests on a fresh data folder, stopped (and
 * the folder removed) after them. The returned view reads the running process, so it can be
 * declared at the top of the file.
 */
export function serverForTests(prefix: string): ServerProcess {
  const dir = tempDir(prefix);
  let running: ServerProcess | undefined;
  const current = (): ServerProcess => {
    if (!running) throw new Error('the server is not started yet: use it inside a test');
    return running;
  };
  before(async () => { running = await startServerProcess({ dataDir: dir.path }); });
  after(async () => {
    await running?.stop();
    dir.remove();
  });
  return {
    get url() { return current().url; },
    get port() { return current().port; },
    get child() { return current().child; },
    output: () => current().output(),
    stop: (signal) => current().stop(signal),
  };
}
