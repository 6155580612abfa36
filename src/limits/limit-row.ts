// Reads one transcript limit row (docs/claude-code.md#transcript-limit-rows): the exact reset Claude Code stored, the kind, and
// the banner text as a fallback. Pure: the caller passes `now` and the zone.
import { isPlausibleReset, isValidTime } from '../../state/time-range.js'
import { parseLimitMessage, type LimitKind, type LimitParse, type ResetSource } from './parse-limit-message.js'

export type Row = Record<string, unknown>

export type ResetField = 'quotaLimits.resetsAt' | 'apiErrorParams.rate_limit_info.resetsAt'

/** One limit row, read. Times are epoch ms; `timestamp` is the row's own ISO string. */
export interface TranscriptLimit {
  limited: boolean
  transient: boolean
  kind: LimitKind
  resetAt: number | null
  /** 'transcript' when resetAt is the stored epoch; otherwise where the banner text gave it. */
  source: 'transcript' | ResetSource
  field: ResetField | null
  rateLimitType: string | null
  zone: string | null
  stale: boolean
  text: string
  uuid: string | null
  timestamp: string | null
  /** A newer main-chain assistant row that is not an API error follows: the session went on. */
  continued: boolean
  continuedBy: { uuid: string | null; timestamp: string | null } | null
  reasons: string[]
}

export interface RowContext {
  /** Epoch ms; used to read the banner text when the row has no usable timestamp. */
  now: number
  timeZone: string
}

/** Claude Code recorded a rate limit here; whether the row is on the main chain is the caller's test. */
export function isLimitRow(row: Row): boolean {
  return row.isApiErrorMessage === true && row.error === 'rate_limit'
}

const KINDS: Record<string, LimitKind> = {
  five_hour: 'five_hour',
  seven_day: 'weekly',
  seven_day_opus: 'weekly_opus',
  seven_day_sonnet: 'weekly_sonnet',
  seven_day_overage_included: 'weekly',
  overage: 'extra_usage',
}

/** `next` is the first main-chain answer after the limit row, if any. */
export function toLimit(row: Row, next: Row | null, options: RowContext): TranscriptLimit {
  const timestamp = typeof row.timestamp === 'string' ? row.timestamp : null
  const printedAt = timestamp === null ? NaN : Date.parse(timestamp)
  const seenAt = isValidTime(printedAt) ? printedAt : options.now
  const text = rowText(row)
  // The banner was printed when the row was written: reading it "as of then" keeps bare times
  // ("resets 4am") from going stale or rolling over to tomorrow.
  const parsed = parseLimitMessage(text, { now: seenAt, timeZone: options.timeZone })
  const { exact, ignored } = exactReset(row, seenAt)
  const base = fromText(parsed, exact !== null)
  if (exact) base.reasons.unshift(`reset from ${exact.field} (exact, stored by Claude Code)`)
  for (const field of ignored) base.reasons.unshift(`${field} is not a time within a year of the row; ignored`)
  return {
    ...base,
    ...(exact ?? {}),
    text,
    uuid: typeof row.uuid === 'string' ? row.uuid : null,
    timestamp,
    continued: next !== null,
    continuedBy: next && {
      uuid: typeof next.uuid === 'string' ? next.uuid : null,
      timestamp: typeof next.timestamp === 'string' ? next.timestamp : null,
    },
  }
}

type TextPart = Omit<TranscriptLimit, 'text' | 'uuid' | 'timestamp' | 'continued' | 'continuedBy'>

function fromText(parsed: LimitParse, hasExact: boolean): TextPart {
  const reasons = [...parsed.reasons]
  // A rate_limit row is a limit even when its text is not a banner we know.
  const unknownText = parsed.category === 'none' || parsed.category === 'warning'
  if (unknownText && !hasExact) reasons.push('rate_limit row with unrecognised text: treated as a plan limit')
  return {
    limited: parsed.limited || unknownText || hasExact,
    transient: parsed.transient && !hasExact,
    kind: parsed.kind ?? 'unknown',
    resetAt: parsed.resetAt,
    source: parsed.source,
    field: null,
    rateLimitType: null,
    zone: parsed.zone,
    stale: parsed.stale,
    reasons,
  }
}

interface ExactReset {
  resetAt: number
  source: 'transcript'
  field: ResetField
  rateLimitType: string | null
  stale: false
  kind?: LimitKind
}

/**
 * The first stored reset that is a plausible time: one far from when the row was written (a
 * resetsAt of 1e14) is a corrupt or hostile value, ignored (and named) so the banner text decides.
 */
function exactReset(row: Row, seenAt: number): { exact: ExactReset | null; ignored: ResetField[] } {
  const quota = asRow(row.quotaLimits)
  const info = asRow(asRow(row.apiErrorParams)?.rate_limit_info)
  const ignored: ResetField[] = []
  const candidates: [Row | null, ResetField][] = [
    [quota, 'quotaLimits.resetsAt'],
    [info, 'apiErrorParams.rate_limit_info.resetsAt'],
  ]
  for (const [holder, field] of candidates) {
    if (!holder || !isEpoch(holder.resetsAt)) continue
    const resetAt = holder.resetsAt * 1000 // stored as epoch seconds
    if (!isPlausibleReset(resetAt, seenAt)) {
      ignored.push(field)
      continue
    }
    const type = [quota?.rateLimitType, info?.rateLimitType].find((x): x is string => typeof x === 'string') ?? null
    const exact: ExactReset = { resetAt, source: 'transcript', field, rateLimitType: type, stale: false, ...(type !== null ? { kind: KINDS[type] ?? 'unknown' } : {}) }
    return { exact, ignored }
  }
  return { exact: null, ignored }
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

export function asRow(value: unknown): Row | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null
}

/** The text of a transcript row's message (its text parts, joined). */
export function rowText(row: Row): string {
  const content = asRow(row.message)?.content
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part: unknown) => asRow(part))
    .filter((part): part is Row => part !== null && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n')
}
