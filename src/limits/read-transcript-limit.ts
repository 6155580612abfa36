// Finds the newest limit row of a session's main chain in its transcript and reads the exact
// reset instant Claude Code stored there (docs/claude-code.md#transcript-limit-rows: `quotaLimits.resetsAt`, else
// `apiErrorParams.rate_limit_info.resetsAt`, epoch seconds), falling back to the row's banner text.
// Reads only the tail. A missing or corrupt file is an error value, never a throw: the hook and the
// supervisor that call it must carry on without a limit row.
import { open } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { asRow, isLimitRow, toLimit, type Row, type TranscriptLimit } from './limit-row.js'
import { scanLinesBackward } from './tail-lines.js'

/** Size of each backward read. */
export const TAIL_CHUNK_BYTES = 64 * 1024
/**
 * The first read is small: the limit row (about 1 KB) is normally the last line, and a small read
 * makes a 500 MB transcript cost what a 1 KB one does (bench/transcript-tail.bench.mjs).
 */
export const FIRST_READ_BYTES = 8 * 1024
/** How far back from the end a limit row is looked for: the turn that hit the limit is the last. */
export const MAX_TAIL_BYTES = 8 * 1024 * 1024
/** Transcripts are written asynchronously (docs/claude-code.md#transcript-limit-rows): a hook may look before the row lands. */
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

export type { ResetField, TranscriptLimit } from './limit-row.js'

export type TranscriptLimitResult =
  | { ok: true; limit: TranscriptLimit | null; scannedBytes: number; attempts: number; skippedLines: number }
  | { ok: false; error: { code: string; message: string }; attempts: number }

export async function readTranscriptLimit(path: string, options: ReadTranscriptOptions): Promise<TranscriptLimitResult> {
  const retries = options.retries ?? DEFAULT_RETRIES
  const state: ScanState = { from: 0, scannedBytes: 0, skippedLines: 0 }
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptRead(path, options, state)
    const last = attempt > retries
    if ('error' in outcome) {
      if (outcome.error.code !== 'ENOENT' || last) return { ok: false, error: outcome.error, attempts: attempt }
    } else if (outcome.limit || last) {
      const { scannedBytes, skippedLines } = state
      return { ok: true, limit: outcome.limit, scannedBytes, attempts: attempt, skippedLines }
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
    const chunkBytes = options.chunkBytes ?? TAIL_CHUNK_BYTES
    const range = { from, to: size, chunkBytes, firstChunkBytes: FIRST_READ_BYTES, fromIsLineStart: from === state.from }
    const scan = await scanLinesBackward(file, range, (line) => finder.visit(line))
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
    return asRow(JSON.parse(line.toString('utf8')))
  } catch {
    return null // a torn last line, or garbage: skip it
  }
}

/** How far back from the end of a transcript the turn's last answer is looked for. */
const ANSWER_TAIL_BYTES = 256 * 1024

/**
 * The newest row of the main chain's answers (not a subagent's), or null when the transcript cannot
 * be read or holds none in its last ANSWER_TAIL_BYTES. Claude Code's own error rows are answers too
 * (`isApiErrorMessage`): the caller tells them apart.
 */
export async function readNewestAnswer(path: string): Promise<Row | null> {
  let file
  try {
    file = await open(path, 'r')
    const { size } = await file.stat()
    let found: Row | null = null
    const range = { from: Math.max(0, size - ANSWER_TAIL_BYTES), to: size, chunkBytes: TAIL_CHUNK_BYTES, firstChunkBytes: FIRST_READ_BYTES }
    await scanLinesBackward(file, range, (line) => {
      if (line.indexOf('"assistant"') < 0) return false
      let row: Row | null
      try { row = asRow(JSON.parse(line.toString('utf8'))) } catch { return false }
      if (row?.type !== 'assistant' || row.isSidechain === true) return false
      found = row
      return true
    })
    return found
  } catch (err) {
    // Unreadable, as when there is no transcript: the banner decides. Anything else is a bug.
    if (typeof (err as NodeJS.ErrnoException | null)?.code !== 'string') throw err
    return null
  } finally {
    await file?.close()
  }
}
