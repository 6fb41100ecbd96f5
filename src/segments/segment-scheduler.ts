/**
 * The time-window scheduler: profiles whose memberships or computed traits change by time alone
 * ("within 30 days" runs out) are re-evaluated when that moment comes, without any new event and
 * without scanning all profiles. Ingest writes each profile's next due time (core/segments/
 * membership.ts: `dueAt`) to the due table; this loop sleeps until the earliest due time (at most
 * MAX_SLEEP_MS, so that due times written by another server are picked up), claims due profiles in
 * a write transaction (on PostgreSQL with SKIP LOCKED: two servers share the work, never the same
 * profile), and re-evaluates them there (ingest/reevaluate.ts), which writes their next due time.
 * Every COMPACT_COUNTS_MS it also folds the kept member counts a store keeps in pieces (PostgreSQL).
 * Tests call `runDue(now)` with their own clock instead of waiting.
 */
import type { Logger } from 'pino';
import type { EpochMs } from '../core/time.js';
import { reevaluateInTx, type ReevaluateDeps } from '../ingest/reevaluate.js';
import type { PrivacyContext } from '../privacy/privacy-context.js';

export const MAX_SLEEP_MS = 5_000;
export const CLAIM_LIMIT = 500;
/** How often the loop also folds the pieces of kept member counts (ports/segment-store.ts compactMemberCounts). */
export const COMPACT_COUNTS_MS = 60_000;

export interface SegmentScheduler {
  /** Re-evaluates every profile due at `now`; returns how many were re-evaluated. */
  runDue(now: EpochMs): Promise<number>;
  stop(): Promise<void>;
}

export function startSegmentScheduler(deps: ReevaluateDeps & { logger: Logger; now: () => number }, options: { enabled: boolean }): SegmentScheduler {
  let stopped = !options.enabled;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let compactedAt = deps.now();

  const runDue = async (now: EpochMs): Promise<number> => {
    let total = 0;
    // Privacy contexts are fetched before the transaction (see reevaluateInTx).
    const contexts = new Map<string, PrivacyContext>();
    for (const w of await deps.store.workspaces.list()) contexts.set(w.id, await deps.privacy.get(w.id));
    for (;;) {
      const claimed = await deps.store.write(async (tx) => {
        const due = await tx.segments.claimDue(now, CLAIM_LIMIT);
        const byWorkspace = new Map<string, string[]>();
        for (const d of due) byWorkspace.set(d.workspaceId, [...(byWorkspace.get(d.workspaceId) ?? []), d.profileId]);
        for (const [workspaceId, profileIds] of byWorkspace) {
          const privacy = contexts.get(workspaceId);
          if (!privacy) continue;
          await reevaluateInTx(tx, deps, {
            workspaceId, profileIds, now, cause: 'time',
            prepare: (batch) => {
              // The claimed rows are rewritten whatever the outcome, and those of profiles gone since (merged, erased) removed.
              for (const p of batch.profiles.values()) {
                if (p.segments) p.segments.dueAt = -1;
                else batch.segmentChanges.due.push({ profileId: p.id, dueAt: null });
              }
              for (const id of profileIds) if (!batch.profiles.has(id)) batch.segmentChanges.due.push({ profileId: id, dueAt: null });
            },
          }, privacy);
        }
        return due.length;
      });
      total += claimed;
      if (claimed < CLAIM_LIMIT || stopped) return total;
    }
  };

  const loop = async () => {
    try {
      const processed = await runDue(deps.now());
      if (processed > 0) deps.logger.debug({ processed }, 'segment scheduler re-evaluated due profiles');
    } catch (error) {
      deps.logger.error({ err: error }, 'segment scheduler run failed');
    }
    if (!stopped && deps.now() - compactedAt >= COMPACT_COUNTS_MS) {
      compactedAt = deps.now();
      try {
        const folded = await deps.store.segments.compactMemberCounts();
        if (folded > 0) deps.logger.debug({ folded }, 'segment scheduler folded kept member counts');
      } catch (error) {
        deps.logger.error({ err: error }, 'segment scheduler could not fold the kept member counts');
      }
    }
    if (stopped) return;
    let sleep = MAX_SLEEP_MS;
    try {
      const next = await deps.store.segments.nextDueAt();
      if (next !== null) sleep = Math.max(0, Math.min(MAX_SLEEP_MS, next - deps.now()));
    } catch (error) {
      deps.logger.error({ err: error }, 'segment scheduler could not read the next due time');
    }
    if (stopped) return;
    timer = setTimeout(tick, sleep);
    timer.unref();
  };
  const tick = () => { running = loop().finally(() => { running = null; }); };
  if (!stopped) { timer = setTimeout(tick, 100); timer.unref(); }

  return {
    runDue,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
  };
}
