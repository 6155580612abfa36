// The per-session state file, <home>/sessions/<id>.json: written atomically by the supervisor
// only. The top-level fields are the public contract (docs/journal-and-state.md#the-session-state-file); `supervisor`
// holds what a restart needs (the machine snapshot and the journal offset applied so far).
import { readdir, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import { isProcessAlive } from '../os/process-identity.js'
import { pruneQuarantine } from '../journal/quarantine.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { readFileSafeAsync, TEMP_FILE, writeFileAtomicSync } from '../home/safe-files.js'
import { isValidSessionId } from '../home/session-id.js'
import { isValidTime } from '../../state/time-range.js'
import type { SessionStateValue } from '../../state/session-context.js'

export const STATE_SCHEMA_VERSION = 1
/** Transitions kept in each state file; older ones stay in the journal. */
export const HISTORY_LIMIT = 50
/** Event ids remembered per session, so a line promoted twice is applied once. */
export const RECENT_IDS_LIMIT = 256

export interface HistoryEntry {
  at: string
  from: SessionStateValue
  to: SessionStateValue
  event: string
}

export interface SessionStateFile {
  schema: typeof STATE_SCHEMA_VERSION
  sessionId: string
  state: SessionStateValue
  cwd: string | null
  transcriptPath: string | null
  limit: { kind: string; resetAt: string | null; source: string } | null
  retryAt: string | null
  retrySource: string | null
  attempts: number
  open: boolean
  lastActivityAt: string | null
  lastEventAt: string | null
  updatedAt: string
  reasons: string[]
  needsUserReason: string | null
  /** The mode the user last ran the session in; resumed runs get the same. */
  permissionMode: string | null
  /** What the last resume attempt did (null before the first). */
  lastRun: LastRunView | null
  history: HistoryEntry[]
  supervisor: {
    machineVersion: number
    offset: number
    recentIds: string[]
    snapshot: unknown
  }
}

export interface LastRunView {
  attempt: number
  /**
   * spawn: `claude --resume` was run; owner: the open session was left to continue by itself;
   * tmux: the supervisor typed into the open session's own tmux pane.
   */
  mode: 'spawn' | 'owner' | 'tmux'
  /** running, completed, blocked, limited, failed, not-started, awaiting-owner, owner-continued, ... */
  outcome: string
  permissionMode: string | null
  startedAt: string
  exitedAt: string | null
  exitCode: number | null
  turns: number | null
  costUsd: number | null
  deniedTools: string[]
  resultLine: string | null
  /** Why claude could not be started, when that is what happened. */
  startError: string | null
  /** The run's output (spawned runs only). */
  logFile: string | null
}

/**
 * Without fsync: the file is a view of the journal. A power loss may leave it empty or old; the
 * restart then quarantines it or reads the journal beyond its offset, and loses nothing the journal kept.
 */
/**
 * Synchronous: a state file is a few kilobytes written without fsync, which takes microseconds on
 * the home's disk, while the promise API's file handles and thread-pool round trips cost more than
 * the write (a replay writes a thousand of them).
 */
export function writeSessionState(paths: HomePaths, state: SessionStateFile): void {
  ensureHomeDir(paths.home, paths.sessionsDir)
  writeFileAtomicSync(sessionFile(paths, state.sessionId, 'state'), JSON.stringify(state, null, 2) + '\n', { fsync: false })
}

export type LoadedState = { ok: true; state: SessionStateFile } | { ok: false; missing: boolean; error: string }

export async function readSessionState(paths: HomePaths, sessionId: string): Promise<LoadedState> {
  let text: string
  try {
    text = await readFileSafeAsync(sessionFile(paths, sessionId, 'state'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return { ok: false, missing: code === 'ENOENT', error: `cannot read state file: ${code ?? error}` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, missing: false, error: 'state file is not valid JSON' }
  }
  const problem = checkShape(value, sessionId)
  return problem ? { ok: false, missing: false, error: problem } : { ok: true, state: value as SessionStateFile }
}

function checkShape(value: unknown, sessionId: string): string | null {
  if (typeof value !== 'object' || value === null) return 'state file is not an object'
  const s = value as Partial<SessionStateFile>
  if (s.schema !== STATE_SCHEMA_VERSION) return `unknown state schema ${JSON.stringify(s.schema)}`
  if (s.sessionId !== sessionId) return 'state file names another session'
  const sup = s.supervisor
  if (!sup || !Number.isSafeInteger(sup.offset) || sup.offset < 0) return 'state file has no valid journal offset'
  if (!Array.isArray(sup.recentIds)) return 'state file has no recent event ids'
  const badTime = badTimeField((sup.snapshot as { context?: unknown } | null)?.context, 'context')
  if (badTime) return `state file has an out-of-range or non-numeric time at ${badTime}`
  return null
}

/**
 * The first time in a restored machine context (a key `at` or ending in `At`) that is neither null
 * nor a valid time, as a path ("context.retryAt"); null when all are fine. A session restored with
 * one would break every view of it, so such a file is quarantined and rebuilt from its journal.
 */
export function badTimeField(value: unknown, path: string, depth = 0): string | null {
  if (value === null || typeof value !== 'object' || depth > 8) return null
  for (const [key, child] of Object.entries(value)) {
    const where = `${path}.${key}`
    if ((key === 'at' || key.endsWith('At')) && child !== null && !isValidTime(child)) return where
    const inner = badTimeField(child, where, depth + 1)
    if (inner) return inner
  }
  return null
}

/** Moves a corrupt state file aside so the session can be rebuilt from its journal. */
export async function quarantineState(paths: HomePaths, sessionId: string, now: number): Promise<string> {
  ensureHomeDir(paths.home, paths.quarantineDir)
  pruneQuarantine(paths, { files: 1, bytes: 0 })
  const target = join(paths.quarantineDir, `${sessionId}.state-${now}.json`)
  await rename(sessionFile(paths, sessionId, 'state'), target)
  return target
}

/** Session ids that have a journal or a state file. */
export async function listSessionIds(paths: HomePaths): Promise<string[]> {
  return [...(await listSessionFiles(paths)).keys()].sort()
}

/** Every session with a journal or a state file, and which of the two it has. */
export async function listSessionFiles(paths: HomePaths): Promise<Map<string, { journal: boolean; state: boolean }>> {
  const found = new Map<string, { journal: boolean; state: boolean }>()
  for (const [dir, suffix, kind] of [
    [paths.eventsDir, '.jsonl', 'journal'],
    [paths.sessionsDir, '.json', 'state'],
  ] as const) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith(suffix)) continue
      const id = name.slice(0, -suffix.length)
      if (!isValidSessionId(id)) continue
      const entry = found.get(id) ?? { journal: false, state: false }
      entry[kind] = true
      found.set(id, entry)
    }
  }
  return found
}

/**
 * Temp files of a writer killed mid-write: `.<name>.<pid>.<random>.tmp` whose pid is gone, and
 * `<name>.json.<digits>` from the write-file-atomic of earlier versions.
 */
export async function removeStaleTempFiles(paths: HomePaths): Promise<number> {
  let removed = 0
  for (const dir of [paths.sessionsDir, paths.home]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const temp = TEMP_FILE.exec(name)
      if ((temp && !isProcessAlive(Number(temp[1]))) || /\.json\.\d+$/.test(name)) {
        await unlink(join(dir, name)).catch(() => {})
        removed++
      }
    }
  }
  return removed
}
