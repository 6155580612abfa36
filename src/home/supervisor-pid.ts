// Who runs the supervisor of a home, from its pid file ("<pid> <start time>"). A pid alone is not
// enough: a stale file can name a pid the system has since given to another process, or a
// supervisor that became a zombie. Node built-ins only: the hook's stage 2 (autostart) reads it as
// well as the CLI and the supervisor itself.
import type { HomePaths } from './home-paths.js'
import { readFileSafe } from './safe-files.js'
import { formatIdentity, identify, isSameProcess, parseIdentity, type ProcessIdentity } from '../os/process-identity.js'

export function readPidIdentity(paths: HomePaths): ProcessIdentity | null {
  try {
    return parseIdentity(readFileSafe(paths.pidFile))
  } catch {
    return null
  }
}

export function readPidFile(paths: HomePaths): number | null {
  return readPidIdentity(paths)?.pid ?? null
}

/** The pid of a live supervisor of this home (not this process), or null. */
export function runningSupervisorPid(paths: HomePaths): number | null {
  const identity = readPidIdentity(paths)
  return identity !== null && identity.pid !== process.pid && isSameProcess(identity) ? identity.pid : null
}

/** What this process writes into the pid file. */
export function ownPidFileText(): string {
  return formatIdentity(identify(process.pid) ?? { pid: process.pid, startTime: null })
}
