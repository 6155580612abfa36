// Who runs the supervisor of a home, from its pid file. Node built-ins only: the hook's stage 2
// (autostart) reads it as well as the CLI and the supervisor itself.
import { readFileSync } from 'node:fs'
import type { HomePaths } from './home-paths.js'
import { isProcessAlive } from './promote-spool.js'

export function readPidFile(paths: HomePaths): number | null {
  try {
    const pid = Number(readFileSync(paths.pidFile, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** The pid of a live supervisor of this home (not this process), or null. */
export function runningSupervisorPid(paths: HomePaths): number | null {
  const pid = readPidFile(paths)
  return pid !== null && pid !== process.pid && isProcessAlive(pid) ? pid : null
}
