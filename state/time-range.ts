// The times the product accepts, as epoch milliseconds. Outside this range a number is a unit
// mistake (seconds taken for milliseconds, microseconds), garbage, or an attack; and
// `new Date(ms).toISOString()` throws beyond ±8.64e15, so one such value kept in a session would
// break every endpoint that shows it. Every time is checked where it enters (journal line,
// transcript row, state file, HTTP body); code that shows a time uses `isoOrNull`, which never throws.

export const EARLIEST_TIME_MS = Date.UTC(2000, 0, 1)
export const LATEST_TIME_MS = Date.UTC(2100, 0, 1)
/** A limit reset further than this from when the limit was seen is a unit mistake, not a limit. */
export const MAX_RESET_DISTANCE_MS = 366 * 24 * 3_600_000

export function isValidTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= EARLIEST_TIME_MS && value <= LATEST_TIME_MS
}

/** A reset time for a limit seen at `seenAt`: a valid time, at most a year before or after it. */
export function isPlausibleReset(value: unknown, seenAt: number): value is number {
  return isValidTime(value) && Math.abs(value - seenAt) <= MAX_RESET_DISTANCE_MS
}

/** ISO-8601 (UTC) of a valid time; null for null, undefined or anything out of range. */
export function isoOrNull(ms: unknown): string | null {
  return isValidTime(ms) ? new Date(ms).toISOString() : null
}
