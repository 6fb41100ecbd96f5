/**
 * A long job stopped by SIGTERM (a service manager, a container stop) or Ctrl-C saves what it did and
 * says how to go on: `tessera import` as the example of the shared handling (cli/options.ts withInterrupt).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../support/tessera-under-test.js';
import { writeEventFile, type EventFile } from './event-file.js';
import { describeRun, runCli, type CliResult } from './run-cli.js';

const WORKSPACE = 'shop';

/** Runs the command and sends `signal` once its first progress line (10% of the file) is printed. */
async function runAndSignal(args: string[], env: Record<string, string>, signal: NodeJS.Signals): Promise<CliResult & { signalled: boolean }> {
  let signalled = false;
  const result = await runCli(args, env, (stderr, child) => {
    if (!signalled && /^import: \d+%/m.test(stderr)) { signalled = true; child.kill(signal); }
  });
  return { ...result, signalled };
}

const stored = (output: string): number => {
  const match = /^ +new +([\d,]+)/m.exec(output);
  assert.ok(match, `no "new" row in:\n${output}`);
  return Number(match[1]!.replaceAll(',', ''));
};

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`tessera import stopped by ${signal}`, () => {
    const dir = tempDir('tessera-cli-interrupt-');
    const env = { TESSERA_DATA_DIR: join(dir.path, 'data') };
    let file: EventFile;
    let stopped: CliResult & { signalled: boolean };
    let again: CliResult;

    before(async () => {
      // Large enough that the import is still running after its first progress line.
      file = writeEventFile(join(dir.path, 'events.ndjson'), { anonymousIds: 6_000, eventsPerVisitor: 10, linkedVisitors: 0, withBadLines: false });
      const created = await runCli(['workspace', 'create', 'Shop', '--id', WORKSPACE], env);
      assert.equal(created.code, 0, describeRun(created));
      const args = ['import', file.path, '--workspace', WORKSPACE, '--batch-size', '200'];
      stopped = await runAndSignal(args, env, signal);
      again = await runCli(args, env);
    });
    after(() => dir.remove());

    it('exits 130 with what was stored and how to go on', () => {
      assert.ok(stopped.signalled, `no progress line was printed:\n${describeRun(stopped)}`);
      assert.equal(stopped.code, 130, describeRun(stopped));
      assert.match(stopped.stdout, /^Stopped importing /m);
      assert.match(stopped.stdout, /Interrupted\. What was accepted is stored; run the import again to continue\./);
      const first = stored(stopped.stdout);
      assert.ok(first > 0 && first < file.validEvents, `the first run stored ${first} of ${file.validEvents}`);
    });

    it('run again, stores the rest: every event once', () => {
      assert.equal(again.code, 0, describeRun(again));
      assert.equal(stored(stopped.stdout) + stored(again.stdout), file.validEvents);
    });
  });
}
