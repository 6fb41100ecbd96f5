/** `tessera retention run`: deletes data kept longer than its purposes allow, with progress and a report. */
import { Command, Option } from 'commander';
import { createPrivacyContexts } from '../privacy/privacy-context.js';
import { runRetention } from '../privacy/retention.js';
import { configFrom, withStoreOptions, openCommandStore } from './options.js';

export function retentionCommand(): Command {
  const retention = new Command('retention').description('storage limitation: purge data past its retention period');
  withStoreOptions(retention.command('run').description('run the retention job now for a workspace (the server also runs it hourly)'))
    .addOption(new Option('--workspace <id>', 'workspace id').default('default'))
    .option('--json', 'print the report as JSON')
    .action(async (flags: Record<string, unknown>) => {
      const store = await openCommandStore(configFrom(flags));
      try {
        const workspaceId = String(flags.workspace);
        if (!(await store.workspaces.get(workspaceId))) { process.stderr.write(`No workspace "${workspaceId}".\n`); process.exitCode = 2; return; }
        const report = await runRetention({
          store, privacy: createPrivacyContexts(store, Date.now),
          onProgress: (p) => process.stderr.write(`\r${p.phase}: ${p.done}${p.total !== undefined ? ` / ${p.total}` : ''}   `),
        }, { workspaceId, now: Date.now(), actor: 'cli' });
        process.stderr.write('\n');
        if (flags.json) { process.stdout.write(`${JSON.stringify(report)}\n`); return; }
        process.stdout.write(`Retention for workspace ${workspaceId} (${report.startedAt} → ${report.finishedAt})\n`);
        for (const e of report.events) process.stdout.write(`  events  ${e.rule.padEnd(32)} kept ${String(e.keptDays).padStart(5)} days  deleted ${e.deleted}\n`);
        for (const t of report.traits) process.stdout.write(`  trait   ${t.trait.padEnd(32)} kept ${String(t.keptDays).padStart(5)} days  removed from ${t.profiles} profiles\n`);
        process.stdout.write(`  profiles recomputed ${report.profilesRecomputed}, deleted (nothing left) ${report.profilesDeleted}\n`);
        if (report.surveyAnswersDeleted > 0) process.stdout.write(`  survey answers deleted ${report.surveyAnswersDeleted}\n`);
      } finally {
        await store.close();
      }
    });
  return retention;
}
