/**
 * Experiment announcements by webhook (issue 16 §4): an experiment concluded by the optimiser (its winner rolled
 * out), a guardrail breached, a sample ratio mismatch detected. Each is sent once per experiment and condition. They
 * are about an experiment, not a person: the body names no one, and the delivery's `profileId` is empty (the
 * person's export and erasure never find it).
 *
 *   { "id": "dlv_…", "type": "experiment.concluded", "occurredAt": "…", "workspaceId": "…",
 *     "experiment": { "key": "hero-copy", "name": "Hero copy" },
 *     "data": { "winner": {…}, "decidedBy": "sequential", … } }
 */
import type { JsonObject } from '../events/event.js';
import { toIso } from '../time.js';

export const EXPERIMENT_WEBHOOK_EVENTS = ['experiment.concluded', 'experiment.guardrail_breached', 'experiment.srm_detected'] as const;
export type ExperimentWebhookEvent = (typeof EXPERIMENT_WEBHOOK_EVENTS)[number];

/** The delivery's profile id for announcements that name no person. */
export const NO_PROFILE = '';

export function experimentWebhookPayload(options: { deliveryId: string; type: ExperimentWebhookEvent; at: number; workspaceId: string; experiment: { key: string; name: string }; data: JsonObject }): JsonObject {
  return { id: options.deliveryId, type: options.type, occurredAt: toIso(options.at), workspaceId: options.workspaceId, experiment: { key: options.experiment.key, name: options.experiment.name }, data: options.data };
}
