/** Time values inside the core are epoch milliseconds; ISO strings exist only at the edges. */
export type EpochMs = number;

export function toIso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}

/** Parses an ISO-8601 string or epoch number into epoch ms; undefined when it is not a valid time. */
export function parseTime(value: unknown): EpochMs | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
