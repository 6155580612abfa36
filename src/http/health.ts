// GET /health: is the supervisor well, and what is it doing. `degraded` rule: a lasting problem
// (a home that cannot be written, the lock not held), or the supervisor's
// error count (`stats.errors`) rose within the last DEGRADED_WINDOW_MS (5 minutes). The API samples
// the count every ERROR_SAMPLE_MS and on every request; errors counted before the API started are
// taken as happening at its start. Journal lag alone never degrades (it is normal for a moment).
// `starting`: the supervisor is still restoring its sessions (replaying journals); the API answers
// meanwhile, from the sessions restored so far.
import type { SupervisorStats } from '../supervisor/supervisor.js'
import type { ScheduleEntry } from '../supervisor/schedule-entry.js'
import type { SessionStateFile } from '../supervisor/session-store.js'
import { countByState } from './session-views.js'

export const DEGRADED_WINDOW_MS = 5 * 60_000
/** A timer of the waiting supervisor: rare, since every request samples too (the window is 5 minutes). */
export const ERROR_SAMPLE_MS = 30_000

/** Turns the supervisor's running error count into "how many errors in the last 5 minutes". */
export class ErrorTracker {
  private seen: number
  private increases: { at: number; count: number }[] = []

  constructor(
    private readonly stats: Pick<SupervisorStats, 'errors'>,
    private readonly now: () => number,
  ) {
    this.seen = 0
    this.sample()
  }

  sample(): void {
    const errors = this.stats.errors
    if (errors > this.seen) this.increases.push({ at: this.now(), count: errors - this.seen })
    this.seen = errors
    const since = this.now() - DEGRADED_WINDOW_MS
    while (this.increases.length > 0 && this.increases[0]!.at < since) this.increases.shift()
  }

  /** Errors counted within the window, and when the last of them was seen. */
  recent(): { errors: number; lastAt: number | null } {
    this.sample()
    let errors = 0
    for (const increase of this.increases) errors += increase.count
    return { errors, lastAt: this.increases.at(-1)?.at ?? null }
  }
}

export interface HealthInput {
  now: number
  version: string
  pid: number
  stats: SupervisorStats
  states: SessionStateFile[]
  schedules: ScheduleEntry[]
  running: number
  journalLag: number
  recentErrors: { errors: number; lastAt: number | null }
  /** Conditions that last (a home that cannot be written, the lock not held), each a reason. */
  problems?: string[]
  /** Sessions are still being restored at start-up. */
  starting?: boolean
}

export function buildHealth(input: HealthInput) {
  const { now, stats, states, schedules, recentErrors } = input
  const reasons: string[] = [...(input.problems ?? [])]
  if (recentErrors.errors > 0) {
    reasons.push(`${recentErrors.errors} supervisor error(s) in the last ${DEGRADED_WINDOW_MS / 60_000} minutes; last: ${stats.lastError ?? 'unknown'}`)
  }
  const cannotStart = states.filter(s => s.state === 'needsUser' && s.lastRun?.startError)
  if (cannotStart.length > 0) {
    reasons.push(`claude could not be started for ${cannotStart.length} session(s) (${cannotStart[0]!.lastRun!.startError}): check SESSION_RETRY_CLAUDE_BIN and the supervisor's PATH`)
  }
  const next = schedules.find(s => s.retryAt !== null) ?? null
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    status: reasons.length > 0 ? ('degraded' as const) : input.starting ? ('starting' as const) : ('ok' as const),
    reasons,
    version: input.version,
    pid: input.pid,
    uptime: Math.max(0, Math.floor((now - stats.startedAt) / 1000)),
    sessions: { total: states.length, byState: countByState(states) },
    nextSchedule: next ? { sessionId: next.sessionId, retryAt: next.retryAt } : null,
    // Filled in by the usage source (another part of the product); null until then.
    usage: null,
    journalLag: input.journalLag,
    lastError: stats.lastError,
    lastErrorAt: iso(recentErrors.lastAt),
    running: input.running,
    // DevFlow's field names.
    activeSessions: states.filter(s => s.state !== 'ended').length,
    scheduledResumes: schedules.length,
    lastActivity: iso(stats.lastActivityAt),
    errors: stats.errors,
  }
}

export type Health = ReturnType<typeof buildHealth>
