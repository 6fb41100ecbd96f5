/**
 * The JSON body of a webhook delivery for one profile change. It names the person by profile id
 * and, when known, userId and email, so that a CRM can find them: deliveries therefore hold
 * personal data and are erased with the person.
 *
 *   { "id": "dlv_…", "type": "lifecycle.changed", "occurredAt": "…", "workspaceId": "…",
 *     "profile": { "id": "prf_…", "userId": "u1", "email": "k@acme.com" },
 *     "data": { "from": "lead", "to": "marketing_qualified", "reason": "…", "cause": "…" } }
 *
 * When a profile is merged into another, its segments end with `segment.exited` deliveries naming
 * the merged-away id, with `data.mergedInto` (the survivor, which is evaluated and announced anew).
 */
import type { JsonObject } from '../events/event.js';
import type { Profile } from '../profiles/profile.js';
import type { ProfileChange } from '../profiles/profile-change.js';
import { toIso } from '../time.js';
import { currentUserId } from '../profiles/current-user-id.js';

export function webhookPayload(deliveryId: string, change: ProfileChange, profile: Pick<Profile, 'id' | 'identities' | 'traits' | 'behaviour'> | undefined): JsonObject {
  const person: JsonObject = { id: change.profileId };
  const userId = profile ? currentUserId(profile) : null;
  const email = typeof profile?.traits.email === 'string' ? profile.traits.email : profile?.identities.find((i) => i.kind === 'email')?.value;
  if (userId) person.userId = userId;
  if (email) person.email = email;
  const data: JsonObject = change.kind === 'lifecycle.changed'
    ? { from: change.from, to: change.to, reason: change.reason, cause: change.cause }
    : { segmentId: change.segmentId, segmentName: change.segmentName, reason: change.reason, cause: change.cause, ...(change.mergedInto ? { mergedInto: change.mergedInto } : {}) };
  return { id: deliveryId, type: change.kind, occurredAt: toIso(change.at), workspaceId: change.workspaceId, profile: person, data };
}
