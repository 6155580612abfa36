// Body of `session-retry parse-limit [--now <iso>] [--tz <zone>] [--transcript <path>] [--] <text…>`:
// what the product would make of a banner or a transcript, as one JSON object. The caller wires
// it into commander, prints the object and exits 2 on UsageError.
import { DateTime, IANAZone } from 'luxon'
import { noLimit, parseLimitMessage, type LimitParse } from '../limits/parse-limit-message.js'
import { readTranscriptLimit, type TranscriptLimit, type TranscriptLimitResult } from '../limits/read-transcript-limit.js'
import { UsageError } from './usage-error.js'

export interface ParseLimitInput {
  now?: string
  tz?: string
  transcript?: string
  text: string[]
}

export interface ParseLimitEnv {
  now: () => number
  /** The machine's zone: banners without a zone were printed in it. */
  localZone: string
}

/** What the command prints. Times are ISO-8601 UTC with a trailing Z. */
export interface ParseLimitOutput {
  /** false only when the transcript could not be read and there was no text to fall back on. */
  ok: boolean
  limited: boolean
  transient: boolean
  /** hard_limit, blocked, transient, warning or none. */
  category: string
  /** The wording family that matched (docs/limit-texts.md), or null. */
  family: string | null
  kind: string | null
  resetAt: string | null
  source: string
  zone: string | null
  stale: boolean
  matched: string | null
  reasons: string[]
  now: string
  timeZone: string
  transcript?: TranscriptSummary
}

interface TranscriptSummary {
  path: string
  found: boolean
  error?: { code: string; message: string }
  uuid?: string | null
  timestamp?: string | null
  field?: string | null
  rateLimitType?: string | null
  continued?: boolean
}

// ISO-8601 date and time that names its zone: Z or an offset. A bare local time is ambiguous.
const ISO_WITH_ZONE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i

export async function parseLimitCommand(input: ParseLimitInput, env: ParseLimitEnv): Promise<ParseLimitOutput> {
  const text = input.text.join(' ').trim()
  if (!text && !input.transcript) throw new UsageError('give the limit text to parse, or --transcript <path>')
  const now = input.now === undefined ? env.now() : readNow(input.now)
  const timeZone = input.tz === undefined ? env.localZone : readZone(input.tz)
  const context = { now: new Date(now).toISOString(), timeZone }
  if (!input.transcript) return { ok: true, ...fromParse(parseLimitMessage(text, { now, timeZone })), ...context }
  // The CLI reads a transcript that is already on disk: no waiting for a late flush.
  const read = await readTranscriptLimit(input.transcript, { now, timeZone, retries: 0 })
  const transcript = summarize(input.transcript, read)
  // The transcript row, when there is one, is the record of what happened: it wins over the text.
  if (read.ok && read.limit) return { ok: true, ...fromRow(read.limit), ...context, transcript }
  const parsed = text ? fromParse(parseLimitMessage(text, { now, timeZone })) : nothing(read)
  return { ok: read.ok || Boolean(text), ...parsed, ...context, transcript }
}

function readNow(value: string): number {
  const parsed = DateTime.fromISO(value, { setZone: true })
  if (!ISO_WITH_ZONE_RE.test(value) || !parsed.isValid) {
    throw new UsageError(`--now must be an ISO-8601 time with a zone, like 2026-11-25T03:01:15Z (got "${value}")`)
  }
  return parsed.toMillis()
}

function readZone(value: string): string {
  if (!IANAZone.isValidZone(value)) {
    throw new UsageError(`--tz must be an IANA time zone, like Europe/Berlin (got "${value}")`)
  }
  return value
}

type Verdict = Omit<ParseLimitOutput, 'ok' | 'now' | 'timeZone' | 'transcript'>

function fromParse(p: LimitParse): Verdict {
  return {
    limited: p.limited,
    transient: p.transient,
    category: p.category,
    family: p.family,
    kind: p.kind,
    resetAt: toIso(p.resetAt),
    source: p.source,
    zone: p.zone,
    stale: p.stale,
    matched: p.matched,
    reasons: p.reasons,
  }
}

function fromRow(limit: TranscriptLimit): Verdict {
  const reasons = limit.continued ? [...limit.reasons, 'a normal answer follows the limit row: the session went on'] : limit.reasons
  return {
    limited: limit.limited,
    transient: limit.transient,
    category: limit.limited ? 'hard_limit' : limit.transient ? 'transient' : 'none',
    family: null,
    kind: limit.kind,
    resetAt: toIso(limit.resetAt),
    source: limit.source,
    zone: limit.zone,
    stale: limit.stale,
    matched: limit.text || null,
    reasons,
  }
}

function nothing(read: TranscriptLimitResult): Verdict {
  return fromParse({ ...noLimit(), reasons: [read.ok ? 'no limit row in the transcript tail' : `transcript not read: ${read.error.code}`] })
}

function summarize(path: string, read: TranscriptLimitResult): TranscriptSummary {
  if (!read.ok) return { path, found: false, error: read.error }
  if (!read.limit) return { path, found: false }
  const { uuid, timestamp, field, rateLimitType, continued } = read.limit
  return { path, found: true, uuid, timestamp, field, rateLimitType, continued }
}

function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
