/**
 * A server under test as a child process on a free loopback port: started, awaited until it
 * answers HTTP, watched for memory (VmRSS sampled, VmHWM at the end, from /proc/<pid>/status), and
 * stopped with SIGTERM (Tessera drains and flushes on it), SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { onCleanup } from './cleanup.js';

export interface ServerSpec {
  label: string;
  /** Arguments after `node`; `{port}` is replaced by the chosen port. */
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Path probed until it answers (any status). */
  readyPath: string;
}

export interface MemoryFigures {
  /** Highest VmRSS seen while sampling, MiB. */
  sampledPeakMiB: number;
  /** VmHWM: the kernel's peak resident set of the process, MiB. */
  peakMiB: number;
}

export interface RunningServer {
  label: string;
  port: number;
  pid: number;
  /** The last lines the process printed, for error messages. */
  output(): string;
  /** Memory so far; call before stopping. */
  memory(): MemoryFigures;
  /** CPU seconds (user + system, all threads) the process has used so far. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, spec.args.map((a) => a.replace('{port}', String(port))), {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...spec.env, TESSERA_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const removeCleanup = onCleanup(() => { if (isRunning(child)) child.kill('SIGKILL'); });
  exited.then(removeCleanup, removeCleanup);

  await waitUntilAnswering(child, port, spec.readyPath, () => output);
  let sampledPeak = 0;
  const sampler = setInterval(() => { sampledPeak = Math.max(sampledPeak, statusField(child.pid!, 'VmRSS')); }, 100);
  sampler.unref();
  exited.then(() => clearInterval(sampler), () => clearInterval(sampler));

  return {
    label: spec.label,
    port,
    pid: child.pid!,
    output: () => output,
    memory: () => {
      sampledPeak = Math.max(sampledPeak, statusField(child.pid!, 'VmRSS'));
      return { sampledPeakMiB: round1(sampledPeak / 1024), peakMiB: round1(statusField(child.pid!, 'VmHWM') / 1024) };
    },
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async stop(graceMs = 60_000) {
      if (isRunning(child)) child.kill('SIGTERM');
      const timer = setTimeout(() => { if (isRunning(child)) child.kill('SIGKILL'); }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** A `Vm…:  123 kB` field of /proc/<pid>/status, in KiB; 0 when the process is gone. */
function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function waitUntilAnswering(child: ChildProcess, port: number, path: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!isRunning(child)) throw new Error(`the server exited during start (code ${child.exitCode ?? child.signalCode}):\n${output().trim()}`);
    if (await answers(port, path)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer within 60 s:\n${output().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function answers(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => { res.resume(); resolve(true); });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => { req.destroy(); resolve(false); });
    req.end();
  });
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
