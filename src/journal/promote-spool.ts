// Stage 2 of the hook (and the supervisor's sweep): move raw events from the spool into the
// per-session journals. Each spool file is claimed by an atomic rename, so two promoters never
// append the same event; a claim left by a dead promoter is handed back and promoted again.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { Buffer } from 'node:buffer'
import { join } from 'node:path'
import { appendRecord } from './append-record.js'
import { recoverLostLimit } from './recover-lost-limit.js'
import { parseUsageFile } from '../usage/usage-file.js'
import { assessUsage } from '../usage/usage-snapshot.js'
import { recordFromHookPayload, TMUX_PANE_ID, type HookMeta, type JournalRecord, type Parsed } from './event-record.js'
import type { HomePaths } from './home-paths.js'

/** Claude Code payloads are a few KB; anything far larger is not a hook event. */
export const MAX_SPOOL_BYTES = 1024 * 1024
/** How much of a rejected file is kept for inspection. */
export const QUARANTINE_KEEP_BYTES = 64 * 1024
/** A file that does not parse yet may still be being written by its stage 1. */
export const INCOMPLETE_GRACE_MS = 10_000

const EVENT_SUFFIX = '.event'
const CLAIM_MARK = '.claimed-'

export interface PromoteOptions {
  now: () => number
  /** Ids whose writer is known to have finished (stage 1 passes its own), so no grace applies. */
  complete?: ReadonlySet<string>
  log: (message: string) => void
  isAlive: (pid: number) => boolean
}

export interface PromoteResult {
  promoted: number
  quarantined: number
  failed: number
  /** SessionStart events among the promoted: the hook starts a supervisor on those. */
  sessionStarts: number
}

interface SpoolEntry {
  name: string
  id: string
  mtimeNs: bigint
  mtimeMs: number
  size: number
}

export function promoteSpool(paths: HomePaths, options: PromoteOptions): PromoteResult {
  const result: PromoteResult = { promoted: 0, quarantined: 0, failed: 0, sessionStarts: 0 }
  reclaimAbandoned(paths, options)
  for (const entry of listSpool(paths)) {
    const outcome = promoteOne(paths, entry, options)
    if (outcome === 'skipped') continue
    if (outcome === 'sessionStart') result.sessionStarts++
    result[outcome === 'sessionStart' ? 'promoted' : outcome]++
  }
  return result
}

function listSpool(paths: HomePaths): SpoolEntry[] {
  let names: string[]
  try {
    names = readdirSync(paths.spoolDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const entries: SpoolEntry[] = []
  for (const name of names) {
    if (!name.endsWith(EVENT_SUFFIX)) continue
    try {
      const stat = statSync(join(paths.spoolDir, name), { bigint: true })
      const mtimeMs = Number(stat.mtimeNs / 1_000_000n)
      entries.push({ name, id: name.slice(0, -EVENT_SUFFIX.length), mtimeNs: stat.mtimeNs, mtimeMs, size: Number(stat.size) })
    } catch {
      // Promoted by someone else between readdir and stat.
    }
  }
  // Oldest first, so one promoter writes a session's events in the order they happened.
  return entries.sort((a, b) => (a.mtimeNs === b.mtimeNs ? a.name.localeCompare(b.name) : a.mtimeNs < b.mtimeNs ? -1 : 1))
}

type Outcome = 'promoted' | 'sessionStart' | 'quarantined' | 'failed' | 'skipped'

function promoteOne(paths: HomePaths, entry: SpoolEntry, options: PromoteOptions): Outcome {
  const file = join(paths.spoolDir, entry.name)
  if (entry.size > MAX_SPOOL_BYTES) {
    return quarantine(paths, entry, file, `event is ${entry.size} bytes (at most ${MAX_SPOOL_BYTES})`, options)
  }
  let content: string
  try {
    content = readFileSync(file, 'utf8')
  } catch {
    return 'skipped'
  }
  const meta: HookMeta = { id: entry.id, ts: new Date(entry.mtimeMs).toISOString() }
  const parsed = parseSpoolFile(content, meta)
  if (!parsed.ok) {
    const young = !options.complete?.has(entry.id) && options.now() - entry.mtimeMs < INCOMPLETE_GRACE_MS
    if (parsed.error.startsWith('incomplete') && young) return 'skipped'
    return quarantine(paths, entry, file, parsed.error, options)
  }
  const claimed = `${file}${CLAIM_MARK}${process.pid}`
  if (!rename(file, claimed)) return 'skipped'
  if (parsed.value.event === 'StopFailure' || parsed.value.event === 'Stop') {
    const used = freshUsage(paths, options.now())
    if (used !== null) parsed.value.usedPercentage = used
  }
  try {
    appendRecord(paths, parsed.value)
  } catch (error) {
    rename(claimed, file)
    options.log(`session-retry: could not append event ${entry.id} to the journal, kept in the spool: ${describe(error)}`)
    return 'failed'
  }
  unlinkQuietly(claimed)
  if (parsed.value.event === 'SessionEnd') appendRecoveredLimit(paths, parsed.value, options)
  return parsed.value.event === 'SessionStart' ? 'sessionStart' : 'promoted'
}

function appendRecoveredLimit(paths: HomePaths, sessionEnd: JournalRecord, options: PromoteOptions): void {
  try {
    const recovered = recoverLostLimit(paths, sessionEnd)
    if (recovered) appendRecord(paths, recovered)
  } catch (error) {
    options.log(`session-retry: could not check the transcript of ${sessionEnd.sessionId} for a lost limit: ${describe(error)}`)
  }
}

/**
 * Spool file: `ssr1 <hook parent pid> <claude pid> <tmux pane> <run attempt>\n` then the raw hook
 * payload. Fields are single-space separated and may be empty; files written before a field existed
 * simply lack it.
 */
export function parseSpoolFile(content: string, meta: HookMeta): Parsed<JournalRecord> {
  const newline = content.indexOf('\n')
  // Stage 1 creates the file, then writes the header: an empty or header-less file may still be growing.
  if (newline === -1) return { ok: false, error: 'incomplete: no header line yet' }
  const fields = content.slice(0, newline).split(' ')
  if (fields[0] !== 'ssr1') return { ok: false, error: 'not a spool file (missing ssr1 header)' }
  const claudePid = Number(fields[2])
  const pane = fields[3]
  const runAttempt = Number(fields[4])
  const body = content.slice(newline + 1)
  let payload: unknown
  try {
    payload = JSON.parse(body)
  } catch {
    return { ok: false, error: body.trim() === '' ? 'incomplete: empty hook input' : 'incomplete or malformed JSON on hook input' }
  }
  const full: HookMeta = { ...meta }
  if (Number.isSafeInteger(claudePid) && claudePid > 1) full.claudePid = claudePid
  if (pane && TMUX_PANE_ID.test(pane)) full.tmuxPane = pane
  if (fields[4] && /^\d{1,6}$/.test(fields[4]) && runAttempt >= 1) full.runAttempt = runAttempt
  return recordFromHookPayload(payload, full)
}

/** The status line's five-hour figure, written into the journal so a replay decides the same way. */
function freshUsage(paths: HomePaths, now: number): number | null {
  try {
    const parsed = parseUsageFile(readFileSync(paths.usageFile, 'utf8'))
    if (!parsed.ok) return null
    const reading = assessUsage(parsed.usage, now)
    return reading.status === 'ok' && !reading.stale ? (parsed.usage.fiveHour?.usedPercentage ?? null) : null
  } catch {
    return null
  }
}

function quarantine(paths: HomePaths, entry: SpoolEntry, file: string, why: string, options: PromoteOptions): Outcome {
  const claimed = `${file}${CLAIM_MARK}${process.pid}`
  if (!rename(file, claimed)) return 'skipped'
  try {
    mkdirSync(paths.quarantineDir, { recursive: true, mode: 0o700 })
    const target = join(paths.quarantineDir, entry.name)
    if (entry.size > QUARANTINE_KEEP_BYTES) {
      writeFileSync(target, readHead(claimed, QUARANTINE_KEEP_BYTES), { mode: 0o600 })
      unlinkQuietly(claimed)
    } else {
      renameSync(claimed, target)
    }
    options.log(`session-retry: event ${entry.id} quarantined in ${paths.quarantineDir}: ${why}`)
    return 'quarantined'
  } catch (error) {
    rename(claimed, file)
    options.log(`session-retry: could not quarantine event ${entry.id} (${why}): ${describe(error)}`)
    return 'failed'
  }
}

/** Claims whose promoter died before finishing go back to the spool. */
function reclaimAbandoned(paths: HomePaths, options: PromoteOptions): void {
  let names: string[]
  try {
    names = readdirSync(paths.spoolDir)
  } catch {
    return
  }
  for (const name of names) {
    const mark = name.lastIndexOf(CLAIM_MARK)
    if (mark === -1) continue
    const pid = Number(name.slice(mark + CLAIM_MARK.length))
    if (pid === process.pid || (Number.isSafeInteger(pid) && options.isAlive(pid))) continue
    rename(join(paths.spoolDir, name), join(paths.spoolDir, name.slice(0, mark)))
  }
}

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const n = readSync(fd, buffer, 0, bytes, 0)
    return buffer.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

function rename(from: string, to: string): boolean {
  try {
    renameSync(from, to)
    return true
  } catch {
    return false
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch {
    // Already gone: nothing to clean.
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  return e.code ? `${e.code}: ${e.message}` : String(e?.message ?? e)
}

export { isProcessAlive } from '../os/process-identity.js'
