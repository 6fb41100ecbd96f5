/**
 * Time on page that counts only while the page is visible (a tab in the background, a minimised
 * window or a locked phone does not count). Cumulative for one page view, which is what Tessera
 * expects in `properties.visibleMs` of `Page Ping` / `Page Left` (a later report replaces an
 * earlier one). `now` is any monotonic clock in ms (performance.now()).
 */
export interface VisibleClock {
  /** Visible time accumulated before `since`. */
  ms: number;
  /** When the page last became visible; null while hidden. */
  since: number | null;
}

export function startClock(now: number, visible: boolean): VisibleClock {
  return { ms: 0, since: visible ? now : null };
}

/** Records a visibility change; repeated calls with the same state change nothing. */
export function setVisible(clock: VisibleClock, visible: boolean, now: number): void {
  if (visible && clock.since === null) clock.since = now;
  else if (!visible && clock.since !== null) {
    clock.ms += Math.max(0, now - clock.since);
    clock.since = null;
  }
}

/** Visible time so far, rounded to whole milliseconds. */
export function visibleMs(clock: VisibleClock, now: number): number {
  return Math.round(clock.ms + (clock.since === null ? 0 : Math.max(0, now - clock.since)));
}
