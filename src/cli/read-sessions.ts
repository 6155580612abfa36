// Reads every session the home knows, for the read commands (status, sessions, schedules).
// Works without a supervisor: state files are the record, and a file that cannot be used
// becomes a problem to report, never a crash.
import { existsSync } from 'node:fs'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import { schedulePhase } from '../supervisor/schedule-entry.js'
import { listSessionIds, readSessionState, type SessionStateFile } from '../supervisor/session-store.js'

/** A state file's top-level fields (docs/journal-and-state.md#the-session-state-file), without the supervisor's restore data. */
export type PublicSession = Omit<SessionStateFile, 'supervisor'>

export type ProblemKind = 'corrupt-state' | 'unreadable-state' | 'no-state-yet'

export interface SessionProblem {
  kind: ProblemKind
  sessionId: string
  file: string
  error: string
  /** One line for people. */
  message: string
}

export interface SessionListing {
  sessions: PublicSession[]
  problems: SessionProblem[]
}

export async function readSessions(paths: HomePaths): Promise<SessionListing> {
  const sessions: PublicSession[] = []
  const problems: SessionProblem[] = []
  for (const id of await listSessionIds(paths)) {
    const file = sessionFile(paths, id, 'state')
    const hasJournal = existsSync(sessionFile(paths, id, 'journal'))
    const loaded = await readSessionState(paths, id)
    if (loaded.ok && typeof loaded.state.state === 'string') {
      sessions.push(publicFields(loaded.state))
      continue
    }
    if (!loaded.ok && loaded.missing) {
      if (hasJournal) {
        problems.push({
          kind: 'no-state-yet',
          sessionId: id,
          file,
          error: 'no state file',
          message: `session ${id} has journal events the supervisor has not applied yet (no state file)`,
        })
      }
      continue
    }
    const error = loaded.ok ? 'state file has no state' : loaded.error
    const unreadable = error.startsWith('cannot read')
    const fate = hasJournal ? 'it will be rebuilt from the journal' : 'there is no journal to rebuild it from'
    problems.push({
      kind: unreadable ? 'unreadable-state' : 'corrupt-state',
      sessionId: id,
      file,
      error,
      message: `sessions/${id}.json is ${unreadable ? 'unreadable' : 'corrupt'} (${error}): ${fate}`,
    })
  }
  return { sessions, problems }
}

export function publicFields(state: SessionStateFile): PublicSession {
  const { supervisor: _restoreData, ...rest } = state
  return rest
}

/** The session waits for its retry time (its next retry is worth a column); a running attempt does not. */
export function waitsForRetry(session: PublicSession): boolean {
  return schedulePhase(session.state) === 'waiting'
}

/** Pending sessions by retry time (unknown times last), then the rest, newest first. */
export function compareWaitingFirst(a: PublicSession, b: PublicSession): number {
  return rank(a) - rank(b) || compareRetry(a, b) || compareUpdatedDesc(a, b) || a.sessionId.localeCompare(b.sessionId)
}

export function compareRetry(a: PublicSession, b: PublicSession): number {
  const x = time(a.retryAt)
  const y = time(b.retryAt)
  return x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y
}

export function compareUpdatedDesc(a: PublicSession, b: PublicSession): number {
  return (time(b.updatedAt) ?? 0) - (time(a.updatedAt) ?? 0)
}

const RANKS: Record<string, number> = {
  due: 0,
  scheduled: 0,
  limited: 0,
  resuming: 1,
  awaitingOwner: 1,
  needsUser: 2,
  active: 3,
  exhausted: 4,
  cancelled: 4,
  ended: 5,
}

function rank(session: PublicSession): number {
  return RANKS[session.state] ?? 6
}

function time(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}
