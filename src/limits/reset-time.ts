// Reads the reset part of a banner ("3am", "Oct 6, 6pm (Europe/Paris)", "in 2 hours") and turns it
// into an instant. Pure: the clock (`now`) and the fallback zone come in as arguments.
import { DateTime } from 'luxon'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * The just-passed window. An undated time ("resets 3am") that passed at most this long ago means
 * the reset has just happened (resetAt is returned, in the past: resume now); one that passed
 * longer ago means its next occurrence (tomorrow's 3am). Why one hour: every reader in the
 * product reads a banner as of the moment it was printed (the hook event, the transcript row's
 * timestamp), and Claude Code prints a bare time only for a reset less than 24 h ahead, rounded
 * down to the minute. So a fresh banner's time is at most a minute in the past, and a time
 * further back is either a banner read late or a reset up to 24 h ahead; a longer window would
 * read fresh weekly banners (reset 21-24 h ahead) as already reset and waste attempts on them.
 * One hour covers the minute rounding, a hook or wrapper that records the text late, and a
 * laptop that slept through a short reset; docs/limit-texts.md has the whole argument.
 */
export const STALE_AFTER_MS = 1 * HOUR

/**
 * How far ahead an undated time may lie: Claude Code prints a bare time for any reset up to 24 h
 * away (a date beyond that), so the next occurrence within 24 h is the one meant.
 */
export const UNDATED_MAX_AHEAD_MS = 24 * HOUR

/**
 * How far ahead a date without a year ("Oct 6, 6pm") may lie: weekly limits reset within 7 days
 * and extra usage monthly; Claude Code adds the year itself when it differs from the current one.
 */
export const DATED_MAX_AHEAD_MS = 35 * DAY

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

const MONTH_RE =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'
const WEEKDAY_RE =
  'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?'

const ORDINAL = '(?:st|nd|rd|th)?'
const TIME =
  '(?:(?<h12>\\d{1,2})(?::(?<m12>\\d{2}))?\\s*(?<ampm>[ap])(?:m|\\.m\\.?)(?![a-z])' +
  '|(?<h24>\\d{1,2}):(?<m24>\\d{2})(?![\\d:]))'
// Before the time: a weekday, a month and day (and year), or both ("Mon 12:00am", "Oct 6, 6pm",
// "Fri, Apr 24, 4am", "Friday, April 24 at 4:00 AM"). After it, the same in the other order
// ("4:00 AM Friday Apr 24"). Then an optional "(Zone)".
const ABSOLUTE_RE = new RegExp(
  '^(?:at\\s+|on\\s+|by\\s+)?' +
    `(?:(?<weekday>${WEEKDAY_RE})\\.?,?\\s+(?:at\\s+)?)?` +
    `(?:(?<month>${MONTH_RE})\\.?\\s+(?<day>\\d{1,2})${ORDINAL}(?:,?\\s+(?<year>\\d{4}))?(?:\\s*,\\s*(?:at\\s+)?|\\s+at\\s+|\\s+))?` +
    TIME +
    `(?:,?\\s+(?:on\\s+)?(?<weekday2>${WEEKDAY_RE})\\.?)?` +
    `(?:,?\\s+(?<month2>${MONTH_RE})\\.?\\s+(?<day2>\\d{1,2})${ORDINAL}(?:,?\\s+(?<year2>\\d{4}))?)?` +
    '(?:\\s*\\((?<zone>[^()]{1,64})\\))?',
  'i',
)

const RELATIVE_RE =
  /^in:?\s+((?:(?:\d+(?:\.\d+)?|an?)\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])[\s,]*(?:and\s+)?)+)/i
// "an hour" needs its space and a word start: else "and" reads as "an" + "d" (a day).
const RELATIVE_PART_RE = /(?:(\d+(?:\.\d+)?)\s*|(?<![a-z])(an?)\s+)(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])/gi

// A parenthesised word that looks like a zone name; anything else in brackets is not a zone.
const ZONE_LIKE_RE = /^[A-Za-z][A-Za-z0-9_+\-/:]*$/

/** A wall time as written, before any zone or date is chosen. */
export interface WallTime {
  year: number | null
  month: number | null // 1-12
  day: number | null
  weekday: number | null // 1 = Monday ... 7 = Sunday (luxon's numbering)
  hour: number // 0-23
  minute: number
  zoneName: string | null // as written inside the brackets, when it looked like a zone
}

export type ResetExpression =
  | { type: 'relative'; ms: number; text: string }
  | { type: 'absolute'; wall: WallTime; text: string }

/** Reads the time expression at the start of `text` (what follows "resets"). */
export function readResetExpression(text: string): ResetExpression | null {
  const rel = RELATIVE_RE.exec(text)
  if (rel) return { type: 'relative', ms: relativeMs(rel[1] ?? ''), text: rel[0].trim() }
  const abs = ABSOLUTE_RE.exec(text)
  if (!abs?.groups) return null
  const wall = toWallTime(abs.groups)
  return wall ? { type: 'absolute', wall, text: abs[0].trim() } : null
}

function relativeMs(text: string): number {
  let ms = 0
  for (const m of text.matchAll(RELATIVE_PART_RE)) {
    const amount = m[2] ? 1 : Number(m[1])
    ms += amount * unitMs((m[3] ?? '').toLowerCase())
  }
  return Math.round(ms)
}

function unitMs(unit: string): number {
  if (unit.startsWith('d')) return DAY
  if (unit.startsWith('h')) return HOUR
  if (unit.startsWith('m')) return MINUTE
  return 1000
}

function toWallTime(g: Record<string, string | undefined>): WallTime | null {
  const time = g.h12 !== undefined ? twelveHour(g) : twentyFourHour(g)
  if (!time) return null
  const zone = g.zone?.trim()
  const month = g.month ?? g.month2
  const weekday = g.weekday ?? g.weekday2
  const year = g.year ?? g.year2
  const day = g.day ?? g.day2
  return {
    year: year ? Number(year) : null,
    month: month ? MONTHS.indexOf(month.slice(0, 3).toLowerCase()) + 1 : null,
    day: day ? Number(day) : null,
    weekday: weekday ? WEEKDAYS.indexOf(weekday.slice(0, 3).toLowerCase()) + 1 : null,
    ...time,
    zoneName: zone && ZONE_LIKE_RE.test(zone) ? zone : null,
  }
}

function twelveHour(g: Record<string, string | undefined>): { hour: number; minute: number } | null {
  const h = Number(g.h12)
  const minute = Number(g.m12 ?? 0)
  if (h < 1 || h > 12 || minute > 59) return null
  // 12am is midnight, 12pm is noon.
  const pm = g.ampm?.toLowerCase() === 'p'
  return { hour: (h % 12) + (pm ? 12 : 0), minute }
}

function twentyFourHour(g: Record<string, string | undefined>): { hour: number; minute: number } | null {
  const hour = Number(g.h24)
  const minute = Number(g.m24)
  return hour > 23 || minute > 59 ? null : { hour, minute }
}

/** True when luxon (that is, Intl) knows the zone: IANA names, their aliases, UTC, UTC+5. */
export function isKnownZone(name: string): boolean {
  return DateTime.fromMillis(0, { zone: name }).isValid
}

export interface ResolvedReset {
  resetAt: number | null
  stale: boolean
  reason: string
}

/**
 * Picks the instant a wall time means, seen from `now`, in `zone` (already validated).
 * An occurrence that passed at most STALE_AFTER_MS ago wins (the reset has just passed);
 * otherwise the next occurrence, if it lies within reach (UNDATED_MAX_AHEAD_MS for a bare time,
 * 7 days for a weekday, DATED_MAX_AHEAD_MS for a date); anything else is stale.
 */
export function resolveWallTime(wall: WallTime, zone: string, now: number): ResolvedReset {
  if (wall.year !== null) return exactDate(wall, zone)
  const [candidates, maxAhead, what] = candidatesFor(wall, zone, now)
  const prev = candidates.filter((c) => c <= now).at(-1)
  const next = candidates.find((c) => c > now)
  if (prev !== undefined && now - prev <= STALE_AFTER_MS) {
    return { resetAt: prev, stale: false, reason: `${what} passed ${minutes(now - prev)} ago: the reset is over` }
  }
  if (next !== undefined && next - now <= maxAhead) {
    const passed = prev !== undefined && now - prev < DAY ? `passed ${minutes(now - prev)} ago, beyond the ${minutes(STALE_AFTER_MS)} just-passed window; ` : ''
    return { resetAt: next, stale: false, reason: `${what}: ${passed}next occurrence, in ${minutes(next - now)}` }
  }
  return {
    resetAt: null,
    stale: true,
    reason: `${what} is stale: it passed more than ${minutes(STALE_AFTER_MS)} ago and its next occurrence is implausibly far`,
  }
}

function exactDate(wall: WallTime, zone: string): ResolvedReset {
  const at = wallToInstant(wall.year ?? 0, wall.month ?? 1, wall.day ?? 1, wall, zone)
  if (at === null) return { resetAt: null, stale: false, reason: 'the written date does not exist' }
  return { resetAt: at, stale: false, reason: 'dated with a year: taken as written' }
}

type Candidates = [number[], number, string]

function candidatesFor(wall: WallTime, zone: string, now: number): Candidates {
  const today = DateTime.fromMillis(now, { zone }).startOf('day')
  if (wall.month !== null && wall.day !== null) {
    const years = [today.year - 1, today.year, today.year + 1]
    const found = years.map((y) => wallToInstant(y, wall.month ?? 1, wall.day ?? 1, wall, zone))
    return [sorted(found), DATED_MAX_AHEAD_MS, 'the dated time']
  }
  const days = wall.weekday !== null ? range(-7, 7) : range(-1, 1)
  const found = days
    .map((offset) => today.plus({ days: offset }))
    .filter((d) => wall.weekday === null || d.weekday === wall.weekday)
    .map((d) => wallToInstant(d.year, d.month, d.day, wall, zone))
  const maxAhead = wall.weekday !== null ? 7 * DAY : UNDATED_MAX_AHEAD_MS
  return [sorted(found), maxAhead, wall.weekday !== null ? 'the weekday time' : 'the undated time']
}

/**
 * The instant of a wall time in a zone, or null for a date that does not exist (Feb 30).
 * DST rule (the same as Temporal's "compatible"): in an overlap (the hour that repeats when
 * clocks go back) take the EARLIER instant, so a resume is never later than the real reset (if
 * it is still limited, the retry backs off); in a gap (clocks go forward) take the instant the
 * pre-transition offset gives, that is the wall time shifted forward by the gap (2:30 -> 3:30).
 */
export function wallToInstant(
  year: number,
  month: number,
  day: number,
  time: { hour: number; minute: number },
  zone: string,
): number | null {
  const dt = DateTime.fromObject(
    { year, month, day, hour: time.hour, minute: time.minute, second: 0, millisecond: 0 },
    { zone },
  )
  if (!dt.isValid || dt.year !== year || dt.month !== month || dt.day !== day) return null
  return Math.min(...dt.getPossibleOffsets().map((d) => d.toMillis()), dt.toMillis())
}

function sorted(xs: (number | null)[]): number[] {
  return xs.filter((x): x is number => x !== null).sort((a, b) => a - b)
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

function minutes(ms: number): string {
  const m = Math.round(ms / MINUTE)
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`
}
