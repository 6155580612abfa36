// <home>/sessions/current_session.json (the DevFlow contract: the most recently active session and
// its retry status) and <home>/sessions/resume_schedule.json (every pending schedule), derived from
// the live sessions. Their shapes are published in schemas/.
import { unlink } from 'node:fs/promises'
import type { HomePaths } from '../home/home-paths.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { writeFileAtomic } from '../home/safe-files.js'
import { scheduleEntries, type ScheduleEntry } from './schedule-entry.js'
import type { LastRunView, SessionStateFile } from './session-store.js'

/** Changes only when a field changes meaning or goes away (schemas/current-session.schema.json). */
export const CURRENT_SESSION_SCHEMA_VERSION = 1
/** Changes only when a field changes meaning or goes away (schemas/resume-schedule.schema.json). */
export const RESUME_SCHEDULE_SCHEMA_VERSION = 1

/** The session fields of current_session.json; all absent while no session has been seen. */
export interface CurrentSessionFields {
  state: string
  cwd: string | null
  transcriptPath: string | null
  limit: SessionStateFile['limit']
  retryAt: string | null
  attempts: number
  lastActivityAt: string | null
  /** What the last resume did, and what the user must do, at a glance. */
  lastRun: LastRunView | null
  needsUserReason: string | null
}

export type CurrentSessionFile = {
  schema: typeof CURRENT_SESSION_SCHEMA_VERSION
  sessionId: string | null
  updatedAt: string
} & Partial<CurrentSessionFields>

export interface ResumeCap {
  maxResumesPerDay: number
  resumesToday: number
  reached: boolean
}

export interface ResumeScheduleFile {
  schema: typeof RESUME_SCHEDULE_SCHEMA_VERSION
  updatedAt: string
  schedules: ScheduleEntry[]
  /** The daily resume cap, when the supervisor passed one. */
  cap?: ResumeCap
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

export function currentSessionBody(states: SessionStateFile[], now: number): CurrentSessionFile {
  const updatedAt = new Date(now).toISOString()
  const current = currentSession(states)
  if (!current) return { schema: CURRENT_SESSION_SCHEMA_VERSION, sessionId: null, updatedAt }
  return {
    schema: CURRENT_SESSION_SCHEMA_VERSION,
    sessionId: current.sessionId,
    state: current.state,
    cwd: current.cwd,
    transcriptPath: current.transcriptPath,
    limit: current.limit,
    retryAt: current.retryAt,
    attempts: current.attempts,
    lastActivityAt: current.lastActivityAt,
    lastRun: current.lastRun ?? null,
    needsUserReason: current.needsUserReason ?? null,
    updatedAt,
  }
}

export function resumeScheduleBody(states: SessionStateFile[], now: number, budget?: ResumeBudget): ResumeScheduleFile {
  const body: ResumeScheduleFile = { schema: RESUME_SCHEDULE_SCHEMA_VERSION, updatedAt: new Date(now).toISOString(), schedules: scheduleEntries(states) }
  if (budget) body.cap = { ...budget, reached: budget.resumesToday >= budget.maxResumesPerDay }
  return body
}

export async function writeSummaryFiles(paths: HomePaths, states: SessionStateFile[], now: number, budget?: ResumeBudget): Promise<void> {
  ensureHomeDir(paths.home, paths.sessionsDir)
  await writeFileAtomic(paths.currentSession, JSON.stringify(currentSessionBody(states, now), null, 2) + '\n')
  await writeFileAtomic(paths.resumeSchedule, JSON.stringify(resumeScheduleBody(states, now, budget), null, 2) + '\n')
  await removeLegacySummaryFiles(paths)
}

/**
 * Version 0.1 wrote both files in the home folder itself. Once the new ones exist they go: a copy
 * left there would stop changing, and a reader still looking there (DevFlow's older readers, a
 * script) would take a stale session and stale schedules for the present. Unlinking a planted
 * link removes the link only, never what it points to; a folder of that name is not ours to remove.
 */
async function removeLegacySummaryFiles(paths: HomePaths): Promise<void> {
  for (const file of Object.values(paths.legacySummary)) {
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (!NOT_A_LEGACY_FILE.has(error.code ?? '')) throw error
    })
  }
}

/** Gone already; a folder (EISDIR on Linux, EPERM on macOS). */
const NOT_A_LEGACY_FILE = new Set(['ENOENT', 'EISDIR', 'EPERM'])
