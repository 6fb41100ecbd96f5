/**
 * How an event name given in a definition (a segment's event condition, a scoring rule) matches the
 * name of an event: case-insensitively (`whitepaper downloaded` is `Whitepaper Downloaded`), so that
 * one condition means the same in segments and in scoring. One function for both.
 */
export function sameEventName(actual: string | null | undefined, wanted: string): boolean {
  return actual !== null && actual !== undefined && (actual === wanted || actual.toLowerCase() === wanted.toLowerCase());
}
