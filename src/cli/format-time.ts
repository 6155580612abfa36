// Times as people read them: local wall-clock time in the process's zone (tests pin TZ=UTC),
// and countdowns like `in 1h 23m` / `overdue 2m`. State files hold ISO-8601 UTC strings.

export const NO_VALUE = '—'

/** The process's IANA zone, as `Date` uses it. */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local'
}

/** Epoch ms of an ISO string, or null for anything that is not one. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}

/** `2026-11-25 04:01` (with `:ss` when asked) in the local zone; `—` for no time. */
export function formatLocalTime(value: unknown, { seconds = false } = {}): string {
  const ms = parseTime(value)
  if (ms === null) return NO_VALUE
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  const time = `${p(d.getHours())}:${p(d.getMinutes())}` + (seconds ? `:${p(d.getSeconds())}` : '')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`
}

/** `in 1h 23m`, `in 45s`, `now`, `overdue 2m`; `—` for no time. */
export function formatCountdown(value: unknown, now: number): string {
  const ms = parseTime(value)
  if (ms === null) return NO_VALUE
  const diff = ms - now
  if (Math.abs(diff) < 1000) return 'now'
  return diff > 0 ? `in ${formatSpan(diff)}` : `overdue ${formatSpan(-diff)}`
}

/** A duration rounded down to its two largest units: `2d 3h`, `1h 23m`, `5m`, `45s`. */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`
  const days = Math.floor(hours / 24)
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const DAY_MS = 24 * 3_600_000

/**
 * A retry time as a countdown; one more than a day away (a weekly reset) also gets its local
 * weekday and time, `Mon 09:00, in 3d 4h`, since nobody counts days in hours.
 */
export function formatRetryTime(value: unknown, now: number): string {
  const ms = parseTime(value)
  if (ms === null || ms - now <= DAY_MS) return formatCountdown(value, now)
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${WEEKDAYS[d.getDay()]} ${p(d.getHours())}:${p(d.getMinutes())}, ${formatCountdown(value, now)}`
}
