/**
 * `tessera audiences export ID --format meta|google|linkedin --out FILE [--since ISO]`: an
 * audience as the platform's CSV, written to a file with a progress bar (the same export as
 * GET /v1/audiences/{id}/export; audited with the actor `cli`). Exit codes: 0 done, 2 usage or
 * configuration error, 3 no such audience or the export was refused (the reason is printed).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { PLATFORMS, type Platform } from '../core/audiences/normalise.js';
import { parseTime } from '../core/time.js';
import { prepareAudienceExport } from '../audiences/export-audience.js';
import { configFrom, withStoreOptions, openCommandStore } from './options.js';

const EXIT_REFUSED = 3;

export function audiencesCommand(): Command {
  const audiences = new Command('audiences').description('audiences for ad platforms: export them as the platforms\' CSV');
  withStoreOptions(audiences.command('export').description('write an audience as a Meta, Google Ads or LinkedIn CSV file, with progress').argument('<id>', 'audience id'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .addOption(new Option('--format <platform>', 'the platform\'s file format').choices([...PLATFORMS]).makeOptionMandatory())
    .requiredOption('--out <file>', 'the CSV file to write')
    .addOption(new Option('--since <time>', 'incremental: only the adds and removes since the last export of this format (ISO time, not before it)').argParser((v) => {
      const at = parseTime(v);
      if (at === undefined) throw new InvalidArgumentError('must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z.');
      return at;
    }))
    .addHelpText('after', `
Only people who granted the audience's advertising purpose are written; the others are counted as
excluded. Identifiers are normalised as the platform documents and hashed with SHA-256 (Google:
country and zip in clear). A full export is the whole audience; with --since, the file has an
extra column "action" (add or remove) — split it before uploading. The export is written to the
audit log. See docs/audiences.md.

Exit codes: 0 done, 2 usage or configuration error, 3 no such audience or export refused.
`)
    .action(async (id: string, flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      let bar: SingleBar | null = null;
      let seen = { done: 0, total: 0 };
      try {
        const audience = await store.audiences.get(String(flags.workspace), id);
        if (!audience) { process.stderr.write(`No audience "${id}" in workspace "${String(flags.workspace)}".\n`); process.exitCode = EXIT_REFUSED; return; }
        const since = flags.since as number | undefined;
        const prepared = await prepareAudienceExport(store, {
          audience, format: flags.format as Platform, now: Date.now(), actor: 'cli', ...(since !== undefined ? { since } : {}),
          progress: (done, total) => {
            seen = { done, total };
            if (!bar) { bar = new SingleBar({ stream: process.stderr, hideCursor: true, fps: 5, noTTYOutput: false, format: 'export [{bar}] {percentage}% | {value}/{total} profiles | ETA {eta_formatted}' }); if (process.stderr.isTTY) bar.start(Math.max(total, 1), 0); }
            if (process.stderr.isTTY) { bar.setTotal(Math.max(total, 1)); bar.update(done); }
          },
        });
        const out = createWriteStream(String(flags.out));
        for await (const chunk of prepared.chunks) if (!out.write(chunk)) await once(out, 'drain');
        out.end();
        await once(out, 'finish');
        (bar as SingleBar | null)?.stop();
        // Without a terminal, one line instead of the bar.
        if (!process.stderr.isTTY) process.stderr.write(`audiences: export ${seen.done}/${seen.total} profiles\n`);
        const s = prepared.summary;
        process.stdout.write(`Wrote ${String(flags.out)}: ${s.members} people with advertising consent${s.incremental ? ` (${s.added} added, ${s.removed} removed since the last export)` : ''}; `
          + `${s.excluded} excluded without advertising consent; ${s.unmatchable} without an identifier the platform matches.\n`);
      } catch (error) {
        (bar as SingleBar | null)?.stop();
        const issues = (error as { issues?: Array<{ field: string; reason: string }> }).issues;
        process.stderr.write(`The export was refused: ${issues ? issues.map((i) => `${i.field} ${i.reason}`).join('; ') : (error as Error).message}.\n`);
        process.exitCode = EXIT_REFUSED;
      } finally {
        await store.close();
      }
    });
  return audiences;
}
