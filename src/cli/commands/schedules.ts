// `session-retry schedules [--json]`: every pending schedule (sessions that are limited,
// scheduled or due), soonest first.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { keepTail, tildePath } from '../format-path.js'
import { formatTable } from '../format-table.js'
import { formatCountdown, formatLocalTime, localZoneName, NO_VALUE } from '../format-time.js'
import { printJson } from '../json-output.js'
import { compareRetry, isPending, readSessions, type PublicSession } from '../read-sessions.js'
import { PROJECT_COLUMN_MAX, problemLines, type ReadCommandOptions } from './status.js'

export interface ScheduleEntry {
  sessionId: string
  state: string
  retryAt: string | null
  retrySource: string | null
  attempts: number
  limit: PublicSession['limit']
  cwd: string | null
  reasons: string[]
}

export async function schedulesCommand(options: ReadCommandOptions, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const { sessions, problems } = await readSessions(paths)
  const schedules = sessions
    .filter(isPending)
    .sort((a, b) => compareRetry(a, b) || a.sessionId.localeCompare(b.sessionId))
    .map(toEntry)
  if (options.json) {
    printJson(io, { schedules, problems })
    return 0
  }
  const now = io.now()
  const home = io.env.HOME
  let text =
    schedules.length === 0
      ? 'no pending schedules\n'
      : formatTable(
          ['SESSION', 'STATE', `RETRY AT (${localZoneName()})`, 'IN', 'SOURCE', 'ATTEMPTS', 'LIMIT', 'PROJECT'],
          schedules.map(s => [
            s.sessionId.slice(0, 8),
            s.state,
            formatLocalTime(s.retryAt),
            formatCountdown(s.retryAt, now),
            s.retrySource ?? NO_VALUE,
            String(s.attempts),
            s.limit?.kind ?? NO_VALUE,
            keepTail(tildePath(s.cwd, home), PROJECT_COLUMN_MAX),
          ]),
        )
  if (schedules.length > 0 && problems.length > 0) text += '\n'
  text += problemLines(problems)
  io.stdout(text)
  return 0
}

function toEntry(s: PublicSession): ScheduleEntry {
  return {
    sessionId: s.sessionId,
    state: s.state,
    retryAt: s.retryAt ?? null,
    retrySource: s.retrySource ?? null,
    attempts: s.attempts ?? 0,
    limit: s.limit ?? null,
    cwd: s.cwd ?? null,
    reasons: Array.isArray(s.reasons) ? s.reasons : [],
  }
}
