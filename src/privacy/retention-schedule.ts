/**
 * Runs the retention job for every workspace at a fixed interval while the server runs (first
 * run one minute after start). Runs never overlap; `stop` waits for a running one to finish.
 */
import type { Logger } from 'pino';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from './privacy-context.js';
import { runRetention } from './retention.js';

export interface RetentionSchedule {
  stop(): Promise<void>;
}

export function scheduleRetention(deps: { store: Store; privacy: PrivacyContexts; logger: Logger; now: () => number }, intervalMinutes: number): RetentionSchedule {
  if (intervalMinutes <= 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  let stopped = false;
  const runAll = async () => {
    for (const workspace of await deps.store.workspaces.list()) {
      if (stopped) return;
      const report = await runRetention({ store: deps.store, privacy: deps.privacy }, { workspaceId: workspace.id, now: deps.now(), actor: 'system' });
      const deleted = report.events.reduce((sum, e) => sum + e.deleted, 0);
      deps.logger.info({ workspaceId: workspace.id, eventsDeleted: deleted, traits: report.traits, profilesDeleted: report.profilesDeleted }, 'retention run finished');
    }
  };
  const tick = () => {
    if (running || stopped) return;
    running = runAll().catch((error) => deps.logger.error({ err: error }, 'retention run failed')).finally(() => { running = null; });
  };
  const first = setTimeout(tick, 60_000);
  const every = setInterval(tick, intervalMinutes * 60_000);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      if (running) await running;
    },
  };
}
