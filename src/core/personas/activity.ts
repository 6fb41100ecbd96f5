/**
 * When and on what a person is active: device class and local time of day / weekday of their
 * own actions. The profile's behaviour does not keep these, so the fit service folds them from the
 * person's events (`foldActivity`); without them the features fall back to the page timestamps
 * the behaviour keeps, and the device is "unknown".
 *
 * Counted: page, screen and track events the person did (not system or consent entries, not
 * emails sent to them, not a machine's email open). The device class is the one ingest reduced
 * the user agent to (`context.device.class`, core/privacy/pseudonymise.ts).
 */
import type { TrackedEvent } from '../events/event.js';

export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];
/** Night 0–6, morning 6–12, afternoon 12–18, evening 18–24 (local time). */
export const DAYPARTS = ['night', 'morning', 'afternoon', 'evening'] as const;
export type Daypart = (typeof DAYPARTS)[number];

export interface Activity {
  devices: Record<DeviceClass, number>;
  dayparts: Record<Daypart, number>;
  /** Actions on Saturday or Sunday (local time). */
  weekend: number;
  total: number;
}

export function emptyActivity(): Activity {
  return { devices: { desktop: 0, mobile: 0, tablet: 0, other: 0 }, dayparts: { night: 0, morning: 0, afternoon: 0, evening: 0 }, weekend: 0, total: 0 };
}

const PASSIVE = new Set(['email sent', 'email delivered', 'email bounced']);
const MINUTE_MS = 60_000;

/** Folds one event into the activity (mutates it). */
export function foldActivity(activity: Activity, event: TrackedEvent, utcOffsetMinutes: number): void {
  if (event.type !== 'page' && event.type !== 'screen' && event.type !== 'track') return;
  const lower = event.type === 'track' ? (event.name ?? '').toLowerCase() : '';
  if (PASSIVE.has(lower) || (lower.startsWith('email ') && event.properties.machine === true)) return;
  countTime(activity, event.timestamp, utcOffsetMinutes);
  const device = event.context.device;
  const cls = typeof device === 'object' && device !== null && !Array.isArray(device) ? (device as Record<string, unknown>).class : undefined;
  if (cls === 'bot') return;
  activity.devices[cls === 'desktop' || cls === 'mobile' || cls === 'tablet' ? cls : 'other']++;
}

/** Counts one moment into the daypart and weekend tallies (and the total). */
export function countTime(activity: Activity, at: number, utcOffsetMinutes: number, weight = 1): void {
  if (!Number.isFinite(at)) return;
  const local = new Date(at + utcOffsetMinutes * MINUTE_MS);
  activity.dayparts[DAYPARTS[Math.floor(local.getUTCHours() / 6)]!] += weight;
  const day = local.getUTCDay();
  if (day === 0 || day === 6) activity.weekend += weight;
  activity.total += weight;
}
