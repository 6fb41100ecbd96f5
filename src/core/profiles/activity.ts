/**
 * When and on what a person acts, kept with their behaviour (behaviour.ts folds it): a histogram
 * of their own actions (page, screen and track events the person did) by UTC hour of the week
 * (0 = Sunday 00:00–01:00 UTC … 167), and counts by device class as ingest reduced the user agent
 * to (`context.device.class`, core/privacy/pseudonymise.ts; bots and events without a class are
 * not counted). Persona
 * features read it in the workspace's local time (core/personas/activity.ts).
 */
import type { TrackedEvent } from '../events/event.js';

export const HOURS_OF_WEEK = 168;
export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export interface BehaviourActivity {
  /** Actions per UTC hour of the week (168 entries). */
  hours: number[];
  devices: Record<DeviceClass, number>;
}

export function emptyBehaviourActivity(): BehaviourActivity {
  return { hours: new Array<number>(HOURS_OF_WEEK).fill(0), devices: { desktop: 0, mobile: 0, tablet: 0, other: 0 } };
}

/** Counts one action of the person (the caller decides it is one). */
export function countActivity(activity: BehaviourActivity, event: TrackedEvent): void {
  if (!Number.isFinite(event.timestamp)) return;
  const t = new Date(event.timestamp);
  activity.hours[t.getUTCDay() * 24 + t.getUTCHours()]! += 1;
  const device = event.context.device;
  const cls = typeof device === 'object' && device !== null && !Array.isArray(device) ? (device as Record<string, unknown>).class : undefined;
  // No class (a server-side event, the user agent dropped): the device is unknown, not "other".
  if (typeof cls !== 'string' || cls === 'bot') return;
  activity.devices[cls === 'desktop' || cls === 'mobile' || cls === 'tablet' ? cls : 'other']++;
}
