// `session-retry supervisor stop`: SIGTERM to the pid in the pid file, then wait; SIGKILL after
// the deadline. No pid file is left behind. Stopping what is not running is not an error.
import { rmSync } from 'node:fs'
import { loadConfig } from '../../config/load-config.js'
import { homePaths, type HomePaths } from '../../home/home-paths.js'
import { readPidFile } from '../../supervisor/singleton.js'
import type { CliIo } from '../cli-io.js'
import { isProcessAlive, looksLikeSupervisor, pollUntil, seconds } from '../supervisor-process.js'

export const STOP_DEADLINE_MS = 10_000
/** How long a SIGKILLed process gets to disappear. */
export const KILL_DEADLINE_MS = 3_000

export interface StopOptions {
  deadlineMs?: number
}

export async function supervisorStopCommand(io: CliIo, options: StopOptions = {}): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const pid = readPidFile(paths)
  if (pid === null) {
    io.stdout('supervisor: not running\n')
    return 0
  }
  if (pid === process.pid || !isProcessAlive(pid) || !looksLikeSupervisor(pid)) {
    removePidFile(paths, pid)
    io.stdout(`supervisor: not running (removed a stale pid file naming pid ${pid})\n`)
    return 0
  }
  if (!signal(pid, 'SIGTERM', io)) return 1
  const deadlineMs = options.deadlineMs ?? STOP_DEADLINE_MS
  let stopped = await pollUntil(() => !isProcessAlive(pid), deadlineMs)
  let how = 'stopped'
  if (!stopped) {
    if (!signal(pid, 'SIGKILL', io)) return 1
    stopped = await pollUntil(() => !isProcessAlive(pid), KILL_DEADLINE_MS)
    how = `did not stop within ${seconds(deadlineMs)}: killed`
  }
  if (!stopped) {
    io.stderr(`session-retry: supervisor (pid ${pid}) is still alive after SIGKILL\n`)
    return 1
  }
  removePidFile(paths, pid)
  io.stdout(`supervisor ${how} (pid ${pid})\n`)
  return 0
}

function signal(pid: number, name: NodeJS.Signals, io: CliIo): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ESRCH') return true // gone already: the wait that follows sees it
    io.stderr(`session-retry: cannot send ${name} to the supervisor (pid ${pid}): ${code}\n`)
    return false
  }
}

/** Removes the pid file only while it still names `pid` (a new supervisor may have started). */
function removePidFile(paths: HomePaths, pid: number): void {
  if (readPidFile(paths) === pid) rmSync(paths.pidFile, { force: true })
}
