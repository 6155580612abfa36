// `session-retry schedules [--json]`: every pending schedule, soonest first: the same entries,
// with the same fields, as resume_schedule.json and `GET /schedules`, read from the state files.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { keepTail, tildePath } from '../format-path.js'
import { formatTable } from '../format-table.js'
import { formatCountdown, formatLocalTime, localZoneName, NO_VALUE } from '../format-time.js'
import { printJson } from '../json-output.js'
import { readSessions } from '../read-sessions.js'
import { scheduleEntries, schedulePhase } from '../../supervisor/schedule-entry.js'
import { PROJECT_COLUMN_MAX, problemLines, type ReadCommandOptions } from './status.js'

export async function schedulesCommand(options: ReadCommandOptions, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const { sessions, problems } = await readSessions(paths)
  const schedules = scheduleEntries(sessions)
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
          ['SESSION', 'STATE', `RETRY AT (${localZoneName()})`, 'IN', 'SOURCE', 'ATTEMPT', 'LIMIT', 'PROJECT'],
          schedules.map(s => [
            s.sessionId.slice(0, 8),
            s.state,
            formatLocalTime(s.retryAt),
            // An attempt under way is not late, whatever its retry time was.
            schedulePhase(s.state) === 'running' ? 'running' : formatCountdown(s.retryAt, now),
            s.reason ?? NO_VALUE,
            String(s.attempt),
            s.limitKind ?? NO_VALUE,
            keepTail(tildePath(s.cwd, home), PROJECT_COLUMN_MAX),
          ]),
        )
  if (schedules.length > 0 && problems.length > 0) text += '\n'
  text += problemLines(problems)
  io.stdout(text)
  return 0
}
