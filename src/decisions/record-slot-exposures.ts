/**
 * Slot experiments are recorded at exposure, not at decide (issue 16 §1; docs/decisions.md "Slot experiments"):
 * decide hashes the visitor into an arm and writes nothing; the arm travels sealed in the decisionId's reason
 * (`{kind: 'experiment', experiment, variation, unit}`). When the `Slot Viewed` carrying that decisionId has been
 * committed by ingest, this worker (fed by the ingest queue's `onCommitted`) records the exposure through the flag
 * experiments' own path, `recordExposure` (experiments/assign-experiment.ts): one `Experiment Viewed` event per
 * person and experiment (its messageId is derived from the hashed id, so repeats are duplicates), then the sticky
 * assignment, the first one winning. The next decide reads that assignment, so the person keeps the arm even when
 * the weights change.
 *
 * Only what the decisionId proves is recorded: an id that does not open for the event's workspace (tampered,
 * expired, retired key), names another slot or variant than the event, carries no experiment, or disagrees with
 * the event's own `experiment`/`variation` properties records nothing; so does an experiment no longer running or
 * a variation since removed. Failures are reported to `onError` (the exposure event itself is stored either way).
 */
import type { TrackedEvent } from '../core/events/event.js';
import { isLive } from '../core/experiments/experiment.js';
import type { Store } from '../ports/store.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { SLOT_VIEWED } from '../ingest/steps/update-exposure-counters.js';
import type { LinkSigner } from '../links/link-signer.js';
import { recordExposure } from '../experiments/assign-experiment.js';
import { openDecision } from './open-decision.js';

export interface SlotExposureDeps {
  store: Store;
  signer: Pick<LinkSigner, 'verifyingKey'>;
  ingest: Pick<IngestService, 'accept'>;
  now: () => number;
  onError: (error: unknown) => void;
}

export interface SlotExposureRecorder {
  /** Told of every committed batch of a workspace (the ingest queue's `onCommitted`); returns at once. */
  committed(workspaceId: string, events: readonly TrackedEvent[]): void;
  /** Resolves when every exposure handed over so far is recorded (tests, shutdown). */
  idle(): Promise<void>;
}

/** How many people's exposures are recorded at once (each person's in order). */
const PARALLEL_PEOPLE = 32;

export function createSlotExposureRecorder(deps: SlotExposureDeps): SlotExposureRecorder {
  const pending = new Set<Promise<void>>();
  return {
    committed(workspaceId, events) {
      const views = events.filter((e) => e.type === 'track' && e.name === SLOT_VIEWED && typeof e.properties.decisionId === 'string');
      if (views.length === 0) return;
      // Per person in batch order (the first exposure of a person wins); different people at the same
      // time, so that their exposure events and assignments share the store's commits instead of
      // waiting for one another's (one at a time, 1,260 exposures took 9–13 s to reach the results).
      const byPerson = new Map<string, TrackedEvent[]>();
      for (const event of views) {
        const key = `${event.userId ?? ''}\u0000${event.anonymousId ?? ''}`;
        const chain = byPerson.get(key);
        if (chain) chain.push(event); else byPerson.set(key, [event]);
      }
      const chains = [...byPerson.values()];
      const work = (async () => {
        let next = 0;
        const lane = async () => {
          for (let i = next++; i < chains.length; i = next++) {
            for (const event of chains[i]!) await recordOne(deps, workspaceId, event).catch(deps.onError);
          }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL_PEOPLE, chains.length) }, lane));
      })().catch(deps.onError);
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

async function recordOne(deps: SlotExposureDeps, workspaceId: string, event: TrackedEvent): Promise<void> {
  const opened = await openDecision(deps, event.properties.decisionId, workspaceId);
  if (!opened) return;
  const { claims } = opened;
  const reason = claims.reason;
  if (reason.kind !== 'experiment') return;
  const { slot, variant, experiment, variation } = event.properties;
  if (slot !== claims.slotId || variant !== claims.variantId) return;
  if ((experiment !== undefined && experiment !== reason.experiment) || (variation !== undefined && variation !== reason.variation)) return;
  const stored = await deps.store.experiments.get(workspaceId, reason.experiment);
  if (!stored || !isLive(stored.experiment, deps.now())) return;
  const index = stored.experiment.variations.findIndex((v) => v.id === reason.variation);
  if (index < 0) return;
  const unit = { ...(event.userId !== null ? { userId: event.userId } : {}), ...(event.anonymousId !== null ? { anonymousId: event.anonymousId } : {}) };
  if (unit.userId === undefined && unit.anonymousId === undefined) return;
  await recordExposure(deps, { workspaceId, experiment: stored.experiment, unit, variation: index, unitValue: reason.unit });
}
