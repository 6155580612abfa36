// One pending schedule, the one shape that resume_schedule.json, `GET /schedules` and
// `session-retry schedules --json` all list, and the one rule for which sessions have one.
import type { SessionStateValue } from '../../state/session-context.js'
import type { SessionStateFile } from './session-store.js'

/**
 * A session's place in its schedule: waiting for its retry time, its attempt under way (a resumed
 * run, or the open session left to go on by itself), or none. Keyed by every state of the machine,
 * so a new state does not compile until it is placed here.
 */
export type SchedulePhase = 'waiting' | 'running' | null

const PHASES: Readonly<Record<SessionStateValue, SchedulePhase>> = {
  active: null,
  limited: 'waiting',
  scheduled: 'waiting',
  due: 'waiting',
  resuming: 'running',
  awaitingOwner: 'running',
  needsUser: null,
  exhausted: null,
  cancelled: null,
  ended: null,
}

/** The phase of a state read from a file (any string); null for a state this version does not know. */
export function schedulePhase(state: unknown): SchedulePhase {
  return typeof state === 'string' && Object.hasOwn(PHASES, state) ? PHASES[state as SessionStateValue] : null
}

/** The states a schedule is pending in: until its attempt is over, whether it waits or runs. */
export const PENDING_STATES: readonly SessionStateValue[] = (Object.keys(PHASES) as SessionStateValue[]).filter(s => PHASES[s] !== null)

export function isPendingState(state: unknown): state is SessionStateValue {
  return schedulePhase(state) !== null
}

export interface ScheduleEntry {
  sessionId: string
  state: SessionStateValue
  /** ISO-8601 UTC; null while the reset time is unknown. */
  retryAt: string | null
  /** Where the retry time came from (`reset`, `backoff`, `adaptive`, `manual`, ...); null before there is one. */
  reason: string | null
  /** The attempt that is next (waiting) or under way (running), counted from 1 in this limit episode. */
  attempt: number
  cwd: string | null
  limitKind: string | null
  /** ISO-8601 UTC of the limit's reset, when known. */
  resetAt: string | null
}

/** The fields of a state file a schedule is built from; files from disk may lack some. */
export type ScheduleSource = Pick<SessionStateFile, 'sessionId' | 'state'> &
  Partial<Pick<SessionStateFile, 'retryAt' | 'retrySource' | 'attempts' | 'cwd' | 'limit'>>

/** Every pending schedule, soonest retry first (unknown times last), then by session id. */
export function scheduleEntries(sessions: readonly ScheduleSource[]): ScheduleEntry[] {
  const entries: ScheduleEntry[] = []
  for (const s of sessions) {
    const phase = schedulePhase(s.state)
    if (phase === null) continue
    const attempts = Number.isSafeInteger(s.attempts) && s.attempts! >= 0 ? s.attempts! : 0
    entries.push({
      sessionId: s.sessionId,
      state: s.state as SessionStateValue,
      retryAt: s.retryAt ?? null,
      reason: s.retrySource ?? null,
      attempt: attempts + (phase === 'waiting' ? 1 : 0),
      cwd: s.cwd ?? null,
      limitKind: s.limit?.kind ?? null,
      resetAt: s.limit?.resetAt ?? null,
    })
  }
  return entries.sort((a, b) => compareTimes(a.retryAt, b.retryAt) || compareText(a.sessionId, b.sessionId))
}

function compareTimes(a: string | null, b: string | null): number {
  const x = timeOf(a)
  const y = timeOf(b)
  return x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y
}

function timeOf(value: string | null): number | null {
  const ms = value === null ? NaN : Date.parse(value)
  return Number.isNaN(ms) ? null : ms
}

/** Code-unit order, the same on every machine (no locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
