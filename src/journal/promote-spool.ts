// Stage 2 of the hook (and the supervisor's sweep): move raw events from the spool into the
// per-session journals. Each spool file is claimed by an atomic rename, so two promoters never
// append the same event; a claim left by a dead promoter is handed back and promoted again.
// An event that cannot be appended for a reason that will not pass by itself (a link where the
// journal should be, a folder in its place) is renamed `<id>.try<n>.event` after each failure and
// quarantined after MAX_APPEND_TRIES: no promoter retries and logs it forever. A full or
// read-only disk is not counted: the event waits in the spool until the home is writable again.
import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { appendRecord } from './append-record.js'
import { checkHomeDir } from '../home/safe-dirs.js'
import { readFileSafe } from '../home/safe-files.js'
import { keepInQuarantine, withoutPrompts } from './quarantine.js'
import { recordFromHookPayload, TMUX_PANE_ID, type HookMeta, type JournalRecord, type Parsed } from './event-record.js'
import type { HomePaths } from '../home/home-paths.js'

/** Claude Code payloads are a few KB; anything far larger is not a hook event. */
export const MAX_SPOOL_BYTES = 1024 * 1024
/** How much of a rejected file is kept for inspection. */
export const QUARANTINE_KEEP_BYTES = 64 * 1024
/** A file that does not parse yet may still be being written by its stage 1. */
export const INCOMPLETE_GRACE_MS = 10_000
/** Failed appends (for a reason that does not pass by itself) before an event is quarantined. */
export const MAX_APPEND_TRIES = 3

const EVENT_SUFFIX = '.event'
const CLAIM_MARK = '.claimed-'
/** `<id>.event`, or `<id>.try<n>.event` after n failed appends. */
const SPOOL_NAME = /^(.+?)(?:\.try(\d{1,4}))?\.event$/
/** Claude Code writes `session_id` first: readable in a payload cut short. */
const SESSION_ID_FIELD = /"session_id"\s*:\s*"([^"\\]+)"/
/** Errors of a home that is full or read-only for now: retried, never counted as tries. */
const PASSING_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY'])

/** What a promoter adds around each append (stage 2's enrichment, kept out of this folder). */
export interface PromoteSteps {
  /** Fills in facts the payload lacks, before the record is appended. */
  enrich?: (record: JournalRecord) => void
  /** A record to append after this one, or null. Its failure is logged, never fatal. */
  followUp?: (record: JournalRecord) => JournalRecord | null
}

export interface PromoteOptions extends PromoteSteps {
  now: () => number
  /** Ids whose writer is known to have finished (stage 1 passes its own), so no grace applies. */
  complete?: ReadonlySet<string>
  log: (message: string) => void
  isAlive: (pid: number) => boolean
  /** Event ids whose "disk full or read-only" failure was already logged (a long-lived promoter keeps it). */
  reported?: Set<string>
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
  /** Failed appends so far (from the name). */
  tries: number
  mtimeNs: bigint
  mtimeMs: number
  size: number
  regular: boolean
}

export function promoteSpool(paths: HomePaths, options: PromoteOptions): PromoteResult {
  const result: PromoteResult = { promoted: 0, quarantined: 0, failed: 0, sessionStarts: 0 }
  // A spool folder that is a link, or someone else's, is not read at all (it throws why).
  if (!checkHomeDir(paths.home, paths.spoolDir)) return result
  reclaimAbandoned(paths, options)
  const held = new HeldBack()
  for (const entry of listSpool(paths)) {
    const outcome = promoteOne(paths, entry, options, held)
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
    const match = SPOOL_NAME.exec(name)
    if (!match) continue
    try {
      const stat = lstatSync(join(paths.spoolDir, name), { bigint: true })
      const mtimeMs = Number(stat.mtimeNs / 1_000_000n)
      const tries = Number(match[2] ?? 0)
      entries.push({ name, id: match[1]!, tries, mtimeNs: stat.mtimeNs, mtimeMs, size: Number(stat.size), regular: stat.isFile() })
    } catch {
      // Promoted by someone else between readdir and stat.
    }
  }
  // Oldest first, so one promoter writes a session's events in the order they happened.
  return entries.sort((a, b) => (a.mtimeNs === b.mtimeNs ? a.name.localeCompare(b.name) : a.mtimeNs < b.mtimeNs ? -1 : 1))
}

type Outcome = 'promoted' | 'sessionStart' | 'quarantined' | 'failed' | 'skipped'

/**
 * Claude Code fires a session's hooks milliseconds apart (a StopFailure, then its SessionEnd), so the
 * newer event's file can be complete while the older one's payload is still being written. A file
 * that may still grow holds back every newer file of its session, or of all sessions while its
 * session is not readable yet; the sweep its writer's last write triggers promotes them in order.
 */
class HeldBack {
  private all = false
  private readonly sessions = new Set<string>()

  hold(partialBody: string): void {
    const sessionId = SESSION_ID_FIELD.exec(partialBody)?.[1]
    if (sessionId === undefined) this.all = true
    else this.sessions.add(sessionId)
  }

  holds(sessionId: string): boolean {
    return this.all || this.sessions.has(sessionId)
  }
}

function promoteOne(paths: HomePaths, entry: SpoolEntry, options: PromoteOptions, held: HeldBack): Outcome {
  const file = join(paths.spoolDir, entry.name)
  if (!entry.regular) {
    // Stage 1 writes regular files only: a link or a FIFO here was planted. Removing it is safe
    // (unlink removes the link itself) and reading it is not.
    unlinkQuietly(file)
    options.log(`session-retry: removed ${file} from the spool: not a regular file`)
    return 'quarantined'
  }
  if (entry.size > MAX_SPOOL_BYTES) {
    // Too big already, whether or not its hook is still writing it: then only a lower bound is known.
    return quarantine(paths, entry, file, `event is ${mayStillGrow(entry, options) ? 'at least ' : ''}${entry.size} bytes (at most ${MAX_SPOOL_BYTES})`, options)
  }
  let content: string
  try {
    content = readFileSafe(file)
  } catch {
    return 'skipped'
  }
  const meta: HookMeta = { id: entry.id, ts: new Date(entry.mtimeMs).toISOString() }
  const parsed = parseSpoolFile(content, meta)
  if (!parsed.ok) {
    if (!parsed.error.startsWith('incomplete') || !mayStillGrow(entry, options)) return quarantine(paths, entry, file, parsed.error, options)
    held.hold(content)
    return 'skipped'
  }
  if (held.holds(parsed.value.sessionId)) return 'skipped'
  const claimed = `${file}${CLAIM_MARK}${process.pid}`
  if (!rename(file, claimed)) return 'skipped'
  options.enrich?.(parsed.value)
  try {
    appendRecord(paths, parsed.value)
  } catch (error) {
    return appendFailed(paths, entry, claimed, error, options)
  }
  options.reported?.delete(entry.id)
  unlinkQuietly(claimed)
  if (options.followUp) appendFollowUp(paths, parsed.value, options.followUp, options)
  return parsed.value.event === 'SessionStart' ? 'sessionStart' : 'promoted'
}

/** Its hook may still be writing it: not known to be complete, and changed within the grace period. */
function mayStillGrow(entry: SpoolEntry, options: PromoteOptions): boolean {
  return !options.complete?.has(entry.id) && options.now() - entry.mtimeMs < INCOMPLETE_GRACE_MS
}

function appendFailed(paths: HomePaths, entry: SpoolEntry, claimed: string, error: unknown, options: PromoteOptions): Outcome {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  if (PASSING_ERRORS.has(code)) {
    rename(claimed, join(paths.spoolDir, entry.name))
    if (!options.reported?.has(entry.id)) options.log(`session-retry: could not append event ${entry.id} to the journal, kept in the spool until the home is writable: ${describe(error)}`)
    options.reported?.add(entry.id)
    return 'failed'
  }
  const tries = entry.tries + 1
  if (tries >= MAX_APPEND_TRIES) {
    rename(claimed, join(paths.spoolDir, entry.name))
    return quarantine(paths, entry, join(paths.spoolDir, entry.name), `could not be appended to the journal (${tries} tries): ${describe(error)}`, options)
  }
  rename(claimed, join(paths.spoolDir, `${entry.id}.try${tries}${EVENT_SUFFIX}`))
  if (tries === 1) options.log(`session-retry: could not append event ${entry.id} to the journal, kept in the spool (quarantined after ${MAX_APPEND_TRIES} tries): ${describe(error)}`)
  return 'failed'
}

function appendFollowUp(paths: HomePaths, record: JournalRecord, followUp: NonNullable<PromoteSteps['followUp']>, options: PromoteOptions): void {
  try {
    const next = followUp(record)
    if (next) appendRecord(paths, next)
  } catch (error) {
    options.log(`session-retry: could not complete ${record.event} of ${record.sessionId} (follow-up record): ${describe(error)}`)
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

function quarantine(paths: HomePaths, entry: SpoolEntry, file: string, why: string, options: PromoteOptions): Outcome {
  const claimed = `${file}${CLAIM_MARK}${process.pid}`
  if (!rename(file, claimed)) return 'skipped'
  try {
    // The user's prompt never reaches the disk outside the spool, not even in quarantine.
    keepInQuarantine(paths, `${entry.id}${EVENT_SUFFIX}`, withoutPrompts(readFileSafe(claimed, QUARANTINE_KEEP_BYTES)))
    unlinkQuietly(claimed)
    options.log(`session-retry: event ${entry.id} quarantined in ${paths.quarantineDir}: ${why}`)
    return 'quarantined'
  } catch (error) {
    // Counted like a failed append, so a quarantine that keeps failing is not logged forever.
    const tries = entry.tries + 1
    rename(claimed, join(paths.spoolDir, `${entry.id}.try${Math.min(tries, 9999)}${EVENT_SUFFIX}`))
    if (tries <= MAX_APPEND_TRIES) options.log(`session-retry: could not quarantine event ${entry.id} (${why}): ${describe(error)}`)
    return 'failed'
  }
}

/**
 * Claims whose promoter died before finishing go back to the spool, and so do this process's own:
 * a sweep runs synchronously, so one left from an earlier sweep is not in progress.
 */
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
    if (pid !== process.pid && Number.isSafeInteger(pid) && options.isAlive(pid)) continue
    rename(join(paths.spoolDir, name), join(paths.spoolDir, name.slice(0, mark)))
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

