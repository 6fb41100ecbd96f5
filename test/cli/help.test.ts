/** `--help` of every command and sub-command: exits 0 and names what the command takes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import { ENVIRONMENT } from '../../src/config.js';
import { VERSION } from '../../src/version.js';
import { describeRun, runCli } from './run-cli.js';

const STORE_OPTIONS = ['--config', '--data-dir', '--database-url', '--log-level'];

/** What each help page must show. A command missing here fails the coverage test below. */
const EXPECTED: Record<string, string[]> = {
  '': ['serve', 'workspace', 'keys', 'link-keys', 'import', 'migrate', 'retention', 'segments', 'personas', 'users', 'items', 'recommendations', 'experiments', 'audiences', '--version'],
  serve: ['--host', '--port', '--public-url', '--write-key', '--admin-key', '--sqlite-sync', ...STORE_OPTIONS, ...ENVIRONMENT.map(([name]) => name)],
  workspace: ['create', 'list'],
  'workspace create': ['<name>', '--id', '--json', ...STORE_OPTIONS],
  'workspace list': ['--json', ...STORE_OPTIONS],
  keys: ['list', 'create', 'revoke'],
  'keys list': ['--workspace', ...STORE_OPTIONS],
  'keys create': ['--workspace', '--kind', 'write', 'admin', ...STORE_OPTIONS],
  'keys revoke': ['<key-id>', '--workspace', ...STORE_OPTIONS],
  'link-keys': ['list', 'rotate', 'retire', 'Rotation keeps old links working'],
  'link-keys list': ['--workspace', '--json', ...STORE_OPTIONS],
  'link-keys rotate': ['--workspace', ...STORE_OPTIONS],
  'link-keys retire': ['<key-id>', '--workspace', ...STORE_OPTIONS],
  import: ['<file>', '--workspace', '--batch-size', '--rejects', ...STORE_OPTIONS, 'Exit codes'],
  migrate: ['--status', ...STORE_OPTIONS],
  retention: ['run'],
  'retention run': ['--workspace', '--json', ...STORE_OPTIONS],
  segments: ['list', 'backfill'],
  'segments list': ['--workspace', '--json', ...STORE_OPTIONS],
  'segments backfill': ['<id>', '--workspace', '--computed', '--restart', '--chunk', ...STORE_OPTIONS, 'Exit codes'],
  personas: ['fit', 'list', 'schedule'],
  'personas fit': ['--workspace', '--sample', 'legal basis for profiling', ...STORE_OPTIONS, 'Exit codes'],
  'personas list': ['--workspace', '--json', ...STORE_OPTIONS],
  'personas schedule': ['--workspace', '--every-hours', 'counted from the last fit', ...STORE_OPTIONS],
  users: ['create', 'list', 'disable', 'enable', 'reset-password', 'welcome-link', 'privacy_officer'],
  'users create': ['--email', '--name', '--role', 'marketer', '--workspace', ...STORE_OPTIONS],
  'users list': ['--workspace', ...STORE_OPTIONS],
  'users disable': ['<email>', '--workspace', ...STORE_OPTIONS],
  'users enable': ['<email>', '--workspace', ...STORE_OPTIONS],
  'users reset-password': ['<email>', '--workspace', ...STORE_OPTIONS],
  'users welcome-link': ['--workspace', ...STORE_OPTIONS],
  items: ['import'],
  'items import': ['<file>', '--workspace', '--format', '--batch-size', '--skip', '--rejects', 'CSV', ...STORE_OPTIONS, 'Exit codes'],
  recommendations: ['evaluate', 'rebuild'],
  'recommendations evaluate': ['--workspace', '--k', 'leave-last-out', 'Hit rate', ...STORE_OPTIONS],
  'recommendations rebuild': ['--workspace', '--chunk', '--restart', 'resumes', ...STORE_OPTIONS, 'Exit codes'],
  analytics: ['backfill'],
  'analytics backfill': ['--workspace', '--chunk', '--restart', 'resumes', 'schema version 25', ...STORE_OPTIONS, 'Exit codes'],
  experiments: ['recompute'],
  'experiments recompute': ['--workspace', '--restart', '--chunk', 'recompute_needed', 'resume', ...STORE_OPTIONS, 'Exit codes'],
  audiences: ['export'],
  'audiences export': ['<id>', '--workspace', '--format', 'meta', 'google', 'linkedin', '--out', '--since', 'advertising purpose', ...STORE_OPTIONS, 'Exit codes'],
};

function commandPaths(commands: Command[], prefix = ''): string[] {
  return commands.flatMap((c) => {
    const path = `${prefix}${c.name()}`;
    return [path, ...commandPaths(c.commands as Command[], `${path} `)];
  });
}

describe('tessera --help', () => {
  it('covers every command and sub-command', () => {
    // From the real program, so that a command added to it without help expectations fails here.
    const paths = commandPaths(createProgram().commands as Command[]);
    assert.deepEqual([...paths, ''].sort(), Object.keys(EXPECTED).sort());
  });

  it('exits 0 and lists the options of each command', async () => {
    const entries = Object.entries(EXPECTED);
    const results = await Promise.all(entries.map(([path]) => runCli([...path.split(' ').filter(Boolean), '--help'])));
    entries.forEach(([path, expected], i) => {
      const result = results[i]!;
      assert.equal(result.code, 0, `tessera ${path} --help\n${describeRun(result)}`);
      assert.ok(result.stdout.startsWith(`Usage: tessera${path ? ` ${path}` : ''} `), result.stdout);
      for (const text of expected) assert.ok(result.stdout.includes(text), `tessera ${path} --help does not mention ${text}:\n${result.stdout}`);
    });
  });

  it('prints the version of package.json with --version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0, describeRun(result));
    assert.equal(result.stdout.trim(), VERSION);
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
  });

  it('exits 2 on a usage error: an unknown option or a missing argument', async () => {
    const [unknown, missing] = await Promise.all([runCli(['migrate', '--bogus']), runCli(['workspace', 'create'])]);
    assert.equal(unknown.code, 2, describeRun(unknown));
    assert.match(unknown.stderr, /unknown option '--bogus'/);
    assert.equal(missing.code, 2, describeRun(missing));
    assert.match(missing.stderr, /missing required argument 'name'/);
  });
});
