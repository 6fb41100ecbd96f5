/** What both stores keep in a slot's `body` column: the definition without the envelope the other columns hold. */
import type { Slot } from '../../core/decisions/slot.js';

export function slotBody(slot: Slot): Record<string, unknown> {
  const { workspaceId: _w, createdAt: _c, updatedAt: _u, ...body } = slot as Slot & { version?: number };
  delete (body as { version?: number }).version;
  return body;
}
