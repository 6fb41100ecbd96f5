/** Timeline entries Tessera writes itself (merges, refused merges), stored like events. */
import type { JsonObject, TrackedEvent } from '../../core/events/event.js';

export function systemEntry(messageId: string, cause: TrackedEvent, name: string, properties: JsonObject): TrackedEvent {
  return {
    workspaceId: cause.workspaceId, messageId, type: 'system', name, category: null,
    anonymousId: null, userId: null, previousId: null, groupId: null,
    properties, traits: {}, context: {}, integrations: {},
    timestamp: cause.timestamp, originalTimestamp: null, sentAt: null, receivedAt: cause.receivedAt,
  };
}
