// current_session.json (the DevFlow contract: the most recently active session and its retry
// status) and resume_schedule.json (every pending schedule), derived from the live sessions.
import type { HomePaths } from '../home/home-paths.js'
import { ensureHome } from '../home/safe-dirs.js'
import { writeFileAtomic } from '../home/safe-files.js'
import type { SessionStateFile } from './session-store.js'

export const PENDING_STATES = new Set(['limited', 'scheduled', 'due', 'resuming', 'awaitingOwner'])

export interface ScheduleEntry {
  sessionId: string
  state: string
  retryAt: string | null
  reason: string | null
  attempt: number
  cwd: string | null
  limitKind: string | null
  resetAt: string | null
}

export function scheduleEntries(states: SessionStateFile[]): ScheduleEntry[] {
  return states
    .filter(s => PENDING_STATES.has(s.state))
    .map(s => ({
      sessionId: s.sessionId,
      state: s.state,
      retryAt: s.retryAt,
      reason: s.retrySource,
      attempt: s.attempts + (s.state === 'resuming' || s.state === 'awaitingOwner' ? 0 : 1),
      cwd: s.cwd,
      limitKind: s.limit?.kind ?? null,
      resetAt: s.limit?.resetAt ?? null,
    }))
    .sort((a, b) => (a.retryAt ?? '9').localeCompare(b.retryAt ?? '9'))
}

export function currentSession(states: SessionStateFile[]): SessionStateFile | null {
  let best: SessionStateFile | null = null
  for (const s of states) {
    const at = lastSeen(s)
    if (!best || at > lastSeen(best)) best = s
  }
  return best
}

function lastSeen(s: SessionStateFile): string {
  return s.lastEventAt ?? ''
}

export interface ResumeBudget {
  maxResumesPerDay: number
  resumesToday: number
}

export async function writeSummaryFiles(paths: HomePaths, states: SessionStateFile[], now: number, budget?: ResumeBudget): Promise<void> {
  const updatedAt = new Date(now).toISOString()
  const current = currentSession(states)
  const currentBody = current
    ? {
        sessionId: current.sessionId,
        state: current.state,
        cwd: current.cwd,
        transcriptPath: current.transcriptPath,
        limit: current.limit,
        retryAt: current.retryAt,
        attempts: current.attempts,
        lastActivityAt: current.lastActivityAt,
        // What the last resume did, and what the user must do, at a glance.
        lastRun: current.lastRun ?? null,
        needsUserReason: current.needsUserReason ?? null,
        updatedAt,
      }
    : { sessionId: null, updatedAt }
  ensureHome(paths.home)
  await writeFileAtomic(paths.currentSession, JSON.stringify(currentBody, null, 2) + '\n')
  const cap = budget ? { ...budget, reached: budget.resumesToday >= budget.maxResumesPerDay } : undefined
  await writeFileAtomic(paths.resumeSchedule, JSON.stringify({ updatedAt, schedules: scheduleEntries(states), cap }, null, 2) + '\n')
}
