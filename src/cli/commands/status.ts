// `session-retry status [--json]` (also what a bare `session-retry` runs): one table of every
// session, waiting ones first, the problems found, and whether a supervisor is running.
// Reads state files only, so it works whether or not the supervisor runs.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { keepTail, tildePath } from '../format-path.js'
import { formatTable } from '../format-table.js'
import { formatLocalTime, formatRetryTime, localZoneName, NO_VALUE } from '../format-time.js'
import { printJson } from '../json-output.js'
import { compareWaitingFirst, waitsForRetry, readSessions, type PublicSession, type SessionProblem } from '../read-sessions.js'
import { supervisorLine, supervisorState } from '../supervisor-state.js'

export interface ReadCommandOptions {
  json?: boolean
}

/** Project folders longer than this keep their end. */
export const PROJECT_COLUMN_MAX = 40

export async function statusCommand(options: ReadCommandOptions, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const { sessions, problems } = await readSessions(paths)
  const supervisor = supervisorState(paths)
  sessions.sort(compareWaitingFirst)
  if (options.json) {
    printJson(io, { sessions, supervisor, problems })
    return 0
  }
  const now = io.now()
  const home = io.env.HOME
  let text =
    sessions.length === 0
      ? `no sessions yet in ${tildePath(paths.home, home)}\n`
      : formatTable(
          ['SESSION', 'STATE', 'PROJECT', 'LIMIT', `RESET (${localZoneName()})`, 'NEXT RETRY', 'ATTEMPTS', 'LAST RUN'],
          sessions.map(s => statusRow(s, now, home)),
        )
  if (sessions.length > 0) text += '\n'
  text += needsYouLines(sessions)
  text += problemLines(problems)
  text += supervisorLine(supervisor) + '\n'
  io.stdout(text)
  return 0
}

function statusRow(s: PublicSession, now: number, home: string | undefined): string[] {
  return [
    s.sessionId.slice(0, 8),
    s.state,
    keepTail(tildePath(s.cwd, home), PROJECT_COLUMN_MAX),
    s.limit?.kind ?? NO_VALUE,
    formatLocalTime(s.limit?.resetAt),
    waitsForRetry(s) ? formatRetryTime(s.retryAt, now) : NO_VALUE,
    String(s.attempts ?? 0),
    shortRun(s.lastRun),
  ]
}

/** "completed 4t", "blocked: Write", "limited", or "—": the morning glance at what the last resume did. */
export function shortRun(run: PublicSession['lastRun'] | undefined): string {
  if (!run) return NO_VALUE
  if (run.outcome === 'blocked' && run.deniedTools.length > 0) return `blocked: ${run.deniedTools.join(',')}`
  if (run.startError) return `failed: claude ${run.startError}`
  return run.turns !== null ? `${run.outcome} ${run.turns}t` : run.outcome
}

/** Sessions waiting for the user, each with what to do. */
function needsYouLines(sessions: readonly PublicSession[]): string {
  return sessions
    .filter(s => s.state === 'needsUser' && s.needsUserReason)
    .map(s => `needs you: ${s.sessionId.slice(0, 8)}: ${s.needsUserReason}\n`)
    .join('')
}

export function problemLines(problems: readonly SessionProblem[]): string {
  return problems.map(p => `${p.kind === 'no-state-yet' ? 'note' : 'problem'}: ${p.message}\n`).join('')
}
