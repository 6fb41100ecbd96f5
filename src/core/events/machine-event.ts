/**
 * Machine-generated events: crawlers, link previewers, mail scanners and security proxies that
 * open emails and follow links on their own. They are stored (the timeline shows them) but never
 * count as a person's behaviour for scoring.
 *
 * Recognised by:
 * - ingest's bot detection: the reduced user agent `context.device.class = "bot"` (pseudonymise.ts);
 * - `properties.machine === true` (the email-link tracking marks scanner/proxy opens and clicks so,
 *   with `properties.machineReason`);
 * - `context.machine === true` (a sender that knows its event is automated).
 */
import type { TrackedEvent } from './event.js';

export function isMachineEvent(event: Pick<TrackedEvent, 'properties' | 'context'>): boolean {
  if (event.properties.machine === true || event.context.machine === true) return true;
  const device = event.context.device;
  return typeof device === 'object' && device !== null && (device as Record<string, unknown>).class === 'bot';
}
