// `session-retry supervisor start`: runs `session-retry supervisor run` detached, its output
// appended to <home>/logs/supervisor.out, and reports what happened: ready (with its HTTP address,
// or why its API did not start), exited before it was ready (with the end of its output), or still
// starting at the deadline.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../config/load-config.js'
import { START_DEADLINE_MS, startSupervisorProcess } from '../../hook/autostart-supervisor.js'
import { homePaths } from '../../home/home-paths.js'
import { runningSupervisorPid } from '../../supervisor/singleton.js'
import type { CliIo } from '../cli-io.js'
import { seconds } from '../supervisor-process.js'

export interface StartOptions {
  /** The CLI script the child runs; default: the built main.js next to this folder. */
  entry?: string
  deadlineMs?: number
}

export async function supervisorStartCommand(io: CliIo, options: StartOptions = {}): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const paths = homePaths(config.home)
  const running = runningSupervisorPid(paths)
  if (running !== null) {
    io.stderr(`session-retry: supervisor already running (pid ${running})\n`)
    return 1
  }
  const entry = options.entry ?? fileURLToPath(new URL('../main.js', import.meta.url))
  if (!existsSync(entry)) {
    io.stderr(`session-retry: cannot start the supervisor: ${entry} is missing (build the package first)\n`)
    return 1
  }
  const deadlineMs = options.deadlineMs ?? START_DEADLINE_MS
  const outFile = paths.supervisorOutput
  const outcome = await startSupervisorProcess(paths, { cliMain: entry, env: io.env, requestedBy: `requested by pid ${process.pid}`, now: io.now(), deadlineMs })
  switch (outcome.kind) {
    case 'ready':
      if (outcome.port === null) {
        io.stdout(`supervisor started (pid ${outcome.pid}), but its HTTP API did not start: ${outcome.apiError ?? `see ${outFile}`}\n`)
        io.stderr(`session-retry: it resumes sessions all the same; for the API, restart it once the port is free or SESSION_RETRY_PORT names another\n`)
      } else {
        io.stdout(`supervisor started (pid ${outcome.pid}, HTTP on http://127.0.0.1:${outcome.port})\n`)
      }
      return 0
    case 'other':
      io.stderr(`session-retry: supervisor already running (pid ${outcome.pid}): another start won the race\n`)
      return 1
    case 'slow':
      io.stderr(`session-retry: the supervisor (pid ${outcome.pid}) is not ready after ${seconds(deadlineMs)}; it is still starting, see ${outFile}\n`)
      return 1
    case 'exited':
      io.stderr(`session-retry: the supervisor ${outcome.how} before it was ready; the end of ${outFile}:\n`)
      io.stderr(outcome.output.length ? outcome.output.map(line => `  ${line}\n`).join('') : '  (no output)\n')
      return 1
  }
}
