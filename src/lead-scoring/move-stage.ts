/**
 * A manual lifecycle move (POST /v1/profiles/{id}/lifecycle): a re-evaluation (reevaluate.ts) of
 * the profile that first records the move, so the profile is moved and run through the same
 * derived steps as an event (scores → lifecycle → segments → webhook outbox) in one transaction:
 * the move gets its history entry, its timeline entry, the segments that look at stages, and its
 * webhooks exactly as an automatic move does.
 */
import { TesseraError } from '../core/errors.js';
import { manualMove } from '../core/lifecycle/transitions.js';
import type { Profile } from '../core/profiles/profile.js';
import type { DerivedSteps } from '../ingest/process-batch.js';
import { reevaluate } from '../ingest/reevaluate.js';
import { recordMove } from '../ingest/steps/update-lifecycle.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { LeadScoringSettingsSource } from './lead-scoring-settings.js';

export interface MoveStageDeps {
  store: Store;
  privacy: PrivacyContexts;
  settings: LeadScoringSettingsSource;
  derive: DerivedSteps;
  newMessageId: () => string;
  now: () => number;
}

export interface MoveStageRequest {
  workspaceId: string;
  profileId: string;
  to: string;
  /** The admin key id. */
  actor: string;
  note?: string;
}

/** Returns the profile after the move and whether it moved (false: it was in that stage already). */
export async function moveStage(deps: MoveStageDeps, request: MoveStageRequest): Promise<{ moved: boolean; profile: Profile }> {
  const { lifecycle } = await deps.settings.get(request.workspaceId);
  if (!lifecycle.stages.some((s) => s.key === request.to)) {
    throw new TesseraError('invalid_body', { issues: [{ field: 'stage', reason: `"${request.to}" is not one of the stages: ${lifecycle.stages.map((s) => s.key).join(', ')}` }] });
  }
  let moved = false;
  let result: Profile | undefined;
  const at = deps.now();
  await reevaluate(deps, {
    workspaceId: request.workspaceId, profileIds: [request.profileId], now: at, cause: `manual:${request.actor}`,
    prepare: (batch) => {
      const profile = batch.profiles.get(request.profileId) ?? [...batch.profiles.values()][0];
      if (!profile) throw new TesseraError('not_found', { message: `No profile ${request.profileId}.` });
      result = profile;
      const move = manualMove(profile.lifecycle, { to: request.to, actor: request.actor, at, ...(request.note ? { note: request.note } : {}) });
      if (!move) return;
      moved = true;
      recordMove(batch, profile, move, deps.newMessageId(), at);
    },
  });
  return { moved, profile: result! };
}
