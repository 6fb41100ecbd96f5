/**
 * The time-of-day, weekday and device profile of a person in the workspace's local time, for the
 * persona features. It reads the activity the behaviour keeps (core/profiles/activity.ts: actions
 * by UTC hour of the week and device class), shifted by the workspace's UTC offset (an offset that
 * is not whole hours moves an hour's count to the local hour it starts in). Profiles stored before
 * the behaviour kept activity fall back to the first and last view of each page, device unknown.
 */
import { DEVICE_CLASSES, HOURS_OF_WEEK, type BehaviourActivity, type DeviceClass } from '../profiles/activity.js';
import type { Behaviour } from '../profiles/behaviour.js';

export { DEVICE_CLASSES, type DeviceClass };
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

const MINUTE_MS = 60_000;

/** The behaviour's activity in local time, or the page-timestamp fallback. */
export function localActivity(b: Pick<Behaviour, 'activity' | 'pages'>, utcOffsetMinutes: number): Activity {
  return b.activity ? fromHistogram(b.activity, utcOffsetMinutes) : fromPages(b, utcOffsetMinutes);
}

function fromHistogram(kept: BehaviourActivity, utcOffsetMinutes: number): Activity {
  const activity = emptyActivity();
  activity.devices = { ...kept.devices };
  const shift = Math.floor(utcOffsetMinutes / 60);
  kept.hours.forEach((count, utcHour) => {
    if (count === 0) return;
    const local = (((utcHour + shift) % HOURS_OF_WEEK) + HOURS_OF_WEEK) % HOURS_OF_WEEK;
    countHour(activity, Math.floor(local / 24), local % 24, count);
  });
  return activity;
}

/** Without kept activity: the first and last view of every page, weighted half its views each. */
function fromPages(b: Pick<Behaviour, 'pages'>, utcOffsetMinutes: number): Activity {
  const activity = emptyActivity();
  for (const page of Object.values(b.pages)) {
    for (const at of [page.firstAt, page.lastAt]) {
      if (!Number.isFinite(at)) continue;
      const local = new Date(at + utcOffsetMinutes * MINUTE_MS);
      countHour(activity, local.getUTCDay(), local.getUTCHours(), page.views / 2);
    }
  }
  return activity;
}

function countHour(activity: Activity, day: number, hour: number, weight: number): void {
  activity.dayparts[DAYPARTS[Math.floor(hour / 6)]!] += weight;
  if (day === 0 || day === 6) activity.weekend += weight;
  activity.total += weight;
}

