// Finds the newest limit row of a session's main chain in its transcript and reads the exact
// reset instant Claude Code stored there (facts §3: `quotaLimits.resetsAt`, else
// `apiErrorParams.rate_limit_info.resetsAt`, epoch seconds), falling back to the row's banner text.
// Reads only the tail; never throws for a missing or corrupt file (STYLE #12).
import { open } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseLimitMessage, type LimitKind, type LimitParse, type ResetSource } from './parse-limit-message.js'
import { scanLinesBackward } from './tail-lines.js'

/** Size of each backward read. */
export const TAIL_CHUNK_BYTES = 64 * 1024
/** How far back from the end a limit row is looked for: the turn that hit the limit is the last. */
export const MAX_TAIL_BYTES = 8 * 1024 * 1024
/** Transcripts are written asynchronously (facts §3): a hook may look before the row lands. */
export const DEFAULT_RETRIES = 3
export const DEFAULT_RETRY_DELAY_MS = 50

export interface ReadTranscriptOptions {
  /** Epoch ms; used to read the banner text when the row has no usable timestamp. */
  now: number
  /** Zone of the machine that wrote the transcript, for banner times without a zone. */
  timeZone: string
  /** Extra attempts when no limit row is there yet (or no file); each reads only the new bytes. */
  retries?: number
  retryDelayMs?: number
  maxBytes?: number
  chunkBytes?: number
}

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

export type TranscriptLimitResult =
  | { ok: true; limit: TranscriptLimit | null; scannedBytes: number; attempts: number; skippedLines: number }
  | { ok: false; error: { code: string; message: string }; attempts: number }

type Row = Record<string, unknown>

export async function readTranscriptLimit(path: string, options: ReadTranscriptOptions): Promise<TranscriptLimitResult> {
  const retries = options.retries ?? DEFAULT_RETRIES
  const state: ScanState = { from: 0, scannedBytes: 0, skippedLines: 0 }
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptRead(path, options, state)
    const last = attempt > retries
    if ('error' in outcome) {
      if (outcome.error.code !== 'ENOENT' || last) return { ok: false, error: outcome.error, attempts: attempt }
    } else if (outcome.limit || last) {
      return { ok: true, limit: outcome.limit, scannedBytes: state.scannedBytes, attempts: attempt, skippedLines: state.skippedLines }
    }
    await sleep(options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS)
  }
}

interface ScanState {
  from: number // where the complete lines already looked at end: a retry reads only what follows
  scannedBytes: number
  skippedLines: number
}

type Attempt = { limit: TranscriptLimit | null } | { error: { code: string; message: string } }

async function attemptRead(path: string, options: ReadTranscriptOptions, state: ScanState): Promise<Attempt> {
  let file
  try {
    file = await open(path, 'r')
    const { size } = await file.stat()
    const from = Math.max(state.from, size - (options.maxBytes ?? MAX_TAIL_BYTES))
    const finder = new LimitRowFinder()
    const chunk = options.chunkBytes ?? TAIL_CHUNK_BYTES
    const visit = (line: Buffer): boolean => finder.visit(line)
    const scan = await scanLinesBackward(file, from, size, chunk, visit, from === state.from)
    state.from = Math.max(state.from, scan.completeEnd)
    state.scannedBytes += scan.scanned
    state.skippedLines += finder.skipped
    return { limit: finder.found ? toLimit(finder.found, finder.continuedBy, options) : null }
  } catch (err) {
    return { error: systemError(err) }
  } finally {
    await file?.close()
  }
}

function systemError(err: unknown): { code: string; message: string } {
  const code = (err as NodeJS.ErrnoException | null)?.code
  // Only file-system failures become values; anything else is a bug and should surface.
  if (typeof code !== 'string') throw err
  return { code, message: (err as Error).message }
}

/** Looks at rows newest first; stops at the first main-chain limit row. */
class LimitRowFinder {
  found: Row | null = null
  continuedBy: Row | null = null
  skipped = 0

  visit(line: Buffer): boolean {
    // Cheap filter before JSON.parse: only assistant rows matter here.
    if (line.length === 0 || line.indexOf('"assistant"') < 0) return false
    const row = parseRow(line)
    if (!row) {
      this.skipped++
      return false
    }
    if (row.type !== 'assistant' || row.isSidechain === true) return false
    if (isLimitRow(row)) {
      this.found = row
      return true
    }
    // Scanning backwards, the last one kept is the oldest: the row right after the limit.
    if (row.isApiErrorMessage !== true) this.continuedBy = row
    return false
  }
}

function parseRow(line: Buffer): Row | null {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null
  } catch {
    return null // a torn last line, or garbage: skip it
  }
}

function isLimitRow(row: Row): boolean {
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

function toLimit(row: Row, next: Row | null, options: ReadTranscriptOptions): TranscriptLimit {
  const timestamp = typeof row.timestamp === 'string' ? row.timestamp : null
  const printedAt = timestamp === null ? NaN : Date.parse(timestamp)
  const text = rowText(row)
  // The banner was printed when the row was written: reading it "as of then" keeps bare times
  // ("resets 4am") from going stale or rolling over to tomorrow.
  const parsed = parseLimitMessage(text, {
    now: Number.isFinite(printedAt) ? printedAt : options.now,
    timeZone: options.timeZone,
  })
  const exact = exactReset(row)
  const base = fromText(parsed, exact !== null)
  if (exact) base.reasons.unshift(`reset from ${exact.field} (exact, stored by Claude Code)`)
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

function exactReset(row: Row): ExactReset | null {
  const quota = asRow(row.quotaLimits)
  const info = asRow(asRow(row.apiErrorParams)?.rate_limit_info)
  const [holder, field]: [Row | null, ResetField] = isEpoch(quota?.resetsAt)
    ? [quota, 'quotaLimits.resetsAt']
    : [info, 'apiErrorParams.rate_limit_info.resetsAt']
  if (!holder || !isEpoch(holder.resetsAt)) return null
  const type = [quota?.rateLimitType, info?.rateLimitType].find((x): x is string => typeof x === 'string') ?? null
  return {
    resetAt: holder.resetsAt * 1000, // stored as epoch seconds
    source: 'transcript',
    field,
    rateLimitType: type,
    stale: false,
    ...(type !== null ? { kind: KINDS[type] ?? 'unknown' } : {}),
  }
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

function asRow(value: unknown): Row | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null
}

function rowText(row: Row): string {
  const content = asRow(row.message)?.content
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part: unknown) => asRow(part))
    .filter((part): part is Row => part !== null && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n')
}
