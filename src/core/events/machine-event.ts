/**
 * Machine-generated events: crawlers, link previewers, mail scanners and security proxies that
 * open emails and follow links on their own. They are stored (the timeline shows them) but never
 * count as a person's behaviour (scoring, segment event conditions, computed traits).
 *
 * Recognised by, in this order (the first gives the reason):
 * - `properties.machine === true` (the email-link tracking marks scanner/proxy opens and clicks so,
 *   with `properties.machineReason` and `properties.machineDetail`);
 * - `context.machine === true` (a sender that knows its event is automated);
 * - an automated user agent: `context.device.class = "bot"`, set at ingest for every path by the one
 *   rule of core/events/user-agent-class.ts (pseudonymise.ts). HTTP libraries and a missing user
 *   agent are not bots: servers relay people's events with them.
 */
import type { TrackedEvent } from './event.js';

export interface MachineEventReason {
  /** `bot_user_agent`, `sender_marked`, or the email verdict's reason (`scanner_user_agent`, …). */
  reason: string;
  /** Readable. */
  detail: string;
}

type Judged = Pick<TrackedEvent, 'properties' | 'context'>;

export function isMachineEvent(event: Judged): boolean {
  return machineEventReason(event) !== null;
}

/** Why the event is machine-made, or null when it is a person's. */
export function machineEventReason(event: Judged): MachineEventReason | null {
  const { properties, context } = event;
  if (properties.machine === true) {
    const reason = typeof properties.machineReason === 'string' && properties.machineReason !== '' ? properties.machineReason : 'marked_machine';
    const detail = typeof properties.machineDetail === 'string' && properties.machineDetail !== '' ? properties.machineDetail : 'marked machine-made (properties.machine)';
    return { reason, detail };
  }
  if (context.machine === true) return { reason: 'sender_marked', detail: 'marked machine-made by the sender (context.machine)' };
  const device = context.device;
  if (typeof device === 'object' && device !== null && (device as Record<string, unknown>).class === 'bot') {
    const browser = context.browser;
    const name = typeof browser === 'object' && browser !== null && typeof (browser as Record<string, unknown>).name === 'string' ? (browser as Record<string, string>).name : null;
    return { reason: 'bot_user_agent', detail: name ? `automated user agent (${name})` : 'automated user agent' };
  }
  return null;
}
