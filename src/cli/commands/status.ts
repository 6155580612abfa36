// `session-retry status [--json]` (also what a bare `session-retry` runs): one table of every
// session, waiting ones first, the problems found, and whether a supervisor is running.
// Reads state files only, so it works whether or not the supervisor runs.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../journal/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { keepTail, tildePath } from '../format-path.js'
import { formatTable } from '../format-table.js'
import { formatCountdown, formatLocalTime, localZoneName, NO_VALUE } from '../format-time.js'
import { printJson } from '../json-output.js'
import { compareWaitingFirst, isPending, readSessions, type PublicSession, type SessionProblem } from '../read-sessions.js'
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
          ['SESSION', 'STATE', 'PROJECT', 'LIMIT', `RESET (${localZoneName()})`, 'NEXT RETRY', 'ATTEMPTS'],
          sessions.map(s => statusRow(s, now, home)),
        )
  if (sessions.length > 0) text += '\n'
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
    isPending(s) ? formatCountdown(s.retryAt, now) : NO_VALUE,
    String(s.attempts ?? 0),
  ]
}

export function problemLines(problems: readonly SessionProblem[]): string {
  return problems.map(p => `${p.kind === 'no-state-yet' ? 'note' : 'problem'}: ${p.message}\n`).join('')
}
