/**
 * `tessera personas`: fit a workspace's personas from a terminal with a progress bar (the same fit
 * POST /v1/personas/fit starts in the server), and list the current personas. Exit codes: 0 done,
 * 2 usage or configuration error, 3 no model was fitted (the reason is printed) or the store failed.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import pino from 'pino';
import { MAX_FIT_EVERY_HOURS, parseFitSchedule } from '../core/personas/fit-schedule.js';
import { fitPersonas, type FitProgress } from '../personas/fit-personas.js';
import { fitScheduleState } from '../personas/persona-fit-schedule.js';
import { fitInWorker } from '../personas/fit-worker.js';
import { featureDefinition } from '../personas/persona-fit-runner.js';
import type { PersonaModel } from '../ports/persona-store.js';
import { createIngest } from '../tessera.js';
import { configFrom, withStoreOptions, openCommandStore } from './options.js';

const EXIT_NOT_FITTED = 3;

export function personasCommand(): Command {
  const personas = new Command('personas').description('personas learned from behaviour: fit them, list them, schedule their refits');
  withStoreOptions(personas.command('fit').description('fit the personas of a workspace and assign every profile, with progress'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .addOption(new Option('--sample <n>', 'largest number of profiles fitted (1000-1000000)').default(20_000).argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1000 || n > 1_000_000) throw new InvalidArgumentError('must be a whole number from 1000 to 1000000.');
      return n;
    }))
    .addHelpText('after', `
Reads every profile with a legal basis for profiling (the feature definition's purposes: consent
granted, or legitimate interest), fits a Gaussian mixture on a sample (number of personas by BIC,
2-12, each of at least 20 profiles) in a worker thread, stores the model (aggregates only) and
writes every person's persona probabilities on their profile. Persona ids stay stable across
fits; personas that split or vanish are reported. The feature definition is the one saved with
PUT /v1/personas/definition (or the defaults).

Exit codes: 0 done, 2 usage or configuration error, 3 no model was fitted (reason printed) or
the store failed.
`)
    .action(async (flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const store = await openCommandStore(config);
      const logger = pino({ level: config.logLevel, base: { service: 'tessera' } }, pino.destination(2));
      const { queue, privacy, derive } = createIngest(store, config, logger);
      const progress = createProgressReporter();
      try {
        const workspaceId = String(flags.workspace);
        const definition = await featureDefinition(store, privacy, workspaceId);
        const outcome = await fitPersonas({ store, privacy, derive, now: Date.now, runFit: fitInWorker }, { workspaceId, definition, sampleSize: Number(flags.sample), onProgress: progress.update });
        progress.stop();
        if (!outcome.ok) {
          process.stderr.write(`No personas were fitted: ${outcome.reason} (${outcome.eligible} profiles with a legal basis for profiling).\n`);
          process.exitCode = EXIT_NOT_FITTED;
          return;
        }
        process.stdout.write(`Fitted persona model ${outcome.version}: ${outcome.model.personas.length} personas from ${outcome.model.sampleSize.toLocaleString('en-US')} profiles; `
          + `${outcome.assigned} assigned, ${outcome.unassigned} unassigned, ${outcome.withoutBasis} without a legal basis for profiling.\n`);
        process.stdout.write(describeModel(outcome.model));
      } catch (error) {
        progress.stop();
        process.stderr.write(`The persona fit failed: ${(error as Error).message}.\n`);
        process.exitCode = EXIT_NOT_FITTED;
      } finally {
        await queue.close();
        await store.close();
      }
    });
  withStoreOptions(personas.command('list').description('list the current personas of a workspace'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .option('--json', 'print JSON')
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const model = await store.personas.currentModel(String(flags.workspace));
        if (flags.json) { process.stdout.write(`${JSON.stringify(model)}\n`); return; }
        process.stdout.write(model ? describeModel(model) : `No persona model in workspace "${String(flags.workspace)}" yet: run \`tessera personas fit\`.\n`);
      } finally {
        await store.close();
      }
    });
  withStoreOptions(personas.command('schedule').description('show or set how often the server refits the personas of a workspace on its own'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .addOption(new Option('--every-hours <n>', 'hours between scheduled fits, counted from the last fit; 0: never (on demand only)').argParser((v) => {
      const parsed = parseFitSchedule({ fitEveryHours: Number(v) });
      if (v.trim() === '' || !parsed.ok) throw new InvalidArgumentError(`must be 0 or a number of hours from 0.25 to ${MAX_FIT_EVERY_HOURS}.`);
      return parsed.schedule.fitEveryHours;
    }))
    .addHelpText('after', `
After the first fit, a running server (with TESSERA_SEGMENT_SCHEDULER on, the default) refits the
personas every --every-hours (default 24), counted from the last fit stored; fits never overlap.
Without --every-hours, prints the schedule with the last and the next fit.
`)
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const workspaceId = String(flags.workspace);
        if (flags.everyHours !== undefined) await store.configs.put(workspaceId, 'personas-schedule', { fitEveryHours: flags.everyHours }, Date.now());
        const state = await fitScheduleState(store, workspaceId);
        const at = (ms: number | null) => (ms === null ? 'none' : new Date(ms).toISOString());
        process.stdout.write(`every ${state.fitEveryHours === 0 ? 'never (on demand only)' : `${state.fitEveryHours} h`}; last fit ${at(state.lastFitAt)}; next ${at(state.nextFitAt)}${state.running ? '; a fit is running' : ''}\n`);
      } finally {
        await store.close();
      }
    });
  return personas;
}

function describeModel(model: PersonaModel): string {
  const lines = model.personas.map((p) => `${p.id}  "${p.name}"${p.pinned ? ' (pinned)' : ''}  ${p.size} profiles (${(p.weight * 100).toFixed(1)}%)\n     ${p.description}\n`);
  const { born, vanished, splits } = model.changes;
  if (vanished.length > 0) lines.push(`vanished: ${vanished.join(', ')}\n`);
  if (splits.length > 0) lines.push(...splits.map((s) => `split: ${s.from} → ${s.into.join(', ')}\n`));
  if (born.length > 0 && model.version > 1) lines.push(`new: ${born.join(', ')}\n`);
  return lines.join('');
}

/** A bar when stderr is a terminal; otherwise a line per phase and at the end. */
function createProgressReporter(): { update(p: FitProgress): void; stop(): void } {
  if (process.stderr.isTTY) {
    let bar: SingleBar | null = null;
    let phase: string | null = null;
    return {
      update(p) {
        if (phase !== p.phase) {
          bar?.stop();
          phase = p.phase;
          bar = new SingleBar({ stream: process.stderr, hideCursor: true, fps: 5, format: `${p.phase.padEnd(6)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}` });
          bar.start(Math.max(p.total, 1), p.done);
        }
        bar!.setTotal(Math.max(p.total, 1));
        bar!.update(p.done);
      },
      stop() { bar?.stop(); },
    };
  }
  let last: FitProgress | null = null;
  return {
    update(p) {
      if (last && last.phase !== p.phase) process.stderr.write(`personas: ${last.phase} ${last.done}/${last.total}\n`);
      last = p;
    },
    stop() { if (last) process.stderr.write(`personas: ${last.phase} ${last.done}/${last.total}\n`); },
  };
}
