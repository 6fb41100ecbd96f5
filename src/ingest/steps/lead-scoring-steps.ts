/**
 * The lead-scoring part of the derived steps (process-batch.ts): scores → lifecycle, and the
 * webhook outbox after the segments. Without `deps` (tests of other steps) they do nothing.
 */
import type { LeadScoringSettingsSource } from '../../lead-scoring/lead-scoring-settings.js';
import type { WebhookListSource } from '../../webhooks/webhook-list.js';
import type { IngestBatch } from '../ingest-batch.js';
import { updateLifecycle } from './update-lifecycle.js';
import { updateScores } from './update-scores.js';
import { writeOutbox } from './write-outbox.js';

export interface LeadScoringDeps {
  settings: LeadScoringSettingsSource;
  webhooks: WebhookListSource;
  newMessageId: () => string;
  newDeliveryId: () => string;
  now: () => number;
}

export async function scoreAndMoveProfiles(batch: IngestBatch, deps: LeadScoringDeps | undefined): Promise<void> {
  if (!deps) return;
  const settings = await deps.settings.get(batch.workspaceId);
  const now = batch.reevaluation?.now ?? deps.now();
  await updateScores(batch, settings.scoring, now);
  updateLifecycle(batch, settings.lifecycle, deps.newMessageId, now);
}

export async function writeWebhookOutbox(batch: IngestBatch, deps: LeadScoringDeps | undefined): Promise<void> {
  if (!deps || batch.changes.length === 0) return;
  writeOutbox(batch, await deps.webhooks.get(batch.workspaceId), deps.newDeliveryId, deps.now());
}
