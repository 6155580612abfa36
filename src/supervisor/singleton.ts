// One supervisor per home: two would both resume the same session. proper-lockfile's mkdir
// lock is the guard; the pid file says who holds it, so a second start can name the owner,
// and a lock left by a killed supervisor is taken over once it is stale.
import lockfile from 'proper-lockfile'
import { rmSync } from 'node:fs'
import type { HomePaths } from '../journal/home-paths.js'
import { writeFileAtomic } from '../journal/safe-files.js'
import { ownPidFileText, readPidFile, runningSupervisorPid } from '../journal/supervisor-pid.js'

/** A held lock's mtime is refreshed every UPDATE ms; one older than STALE ms is abandoned. */
export const LOCK_STALE_MS = 4_000
export const LOCK_UPDATE_MS = 1_000

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number | null) {
    super(pid ? `another supervisor is already running (pid ${pid})` : 'another supervisor holds the lock')
  }
}

export interface SingletonHandle {
  release(): Promise<void>
}

export { readPidFile, runningSupervisorPid }

export async function acquireSingleton(paths: HomePaths, onCompromised: (error: Error) => void): Promise<SingletonHandle> {
  const owner = runningSupervisorPid(paths)
  if (owner !== null) throw new AlreadyRunningError(owner)
  // The owner is dead: its lock goes stale within LOCK_STALE_MS, so wait that long at most.
  const release = await lockfile
    .lock(paths.lockTarget, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: { retries: Math.ceil((LOCK_STALE_MS + 2_000) / 100), minTimeout: 100, maxTimeout: 100, factor: 1 },
      onCompromised,
    })
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOCKED') throw new AlreadyRunningError(runningSupervisorPid(paths))
      throw error
    })
  await writeFileAtomic(paths.pidFile, ownPidFileText())
  return {
    async release() {
      if (readPidFile(paths) === process.pid) rmSync(paths.pidFile, { force: true })
      await release().catch(() => {})
    },
  }
}
