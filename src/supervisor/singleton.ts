// One supervisor per home: two would both resume the same session. proper-lockfile's mkdir
// lock is the guard; the pid file says who holds it, so a second start can name the owner,
// and a lock left by a killed supervisor is taken over at once when the pid file proves its owner
// dead (takeDeadOwnersLock), else once it is stale.
//
// A home that is read-only or full for a while must not end the supervisor: the lock cannot be
// refreshed (proper-lockfile then declares it compromised) or even taken, the pid file cannot be
// written. The supervisor keeps serving, starts no resume while it does not hold the lock, and
// tries again every LOCK_UPDATE_MS until it holds it (its own stale lock is taken back). Only
// another live supervisor named by the pid file ends it.
import lockfile from 'proper-lockfile'
import { mkdirSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { HomePaths } from '../home/home-paths.js'
import { writeFileAtomic } from '../home/safe-files.js'
import { ownPidFileText, readPidFile, readPidIdentity, runningSupervisorPid } from '../home/supervisor-pid.js'
import { isSameProcess } from '../os/process-identity.js'

/**
 * A held lock's mtime is refreshed every UPDATE ms; one older than STALE ms is abandoned. Each
 * refresh wakes a waiting supervisor, so it is rare; a crashed owner's lock does not wait for
 * STALE (takeDeadOwnersLock), only a lock whose owner cannot be told does.
 */
export const LOCK_STALE_MS = 15_000
export const LOCK_UPDATE_MS = 5_000

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number | null) {
    super(pid ? `another supervisor is already running (pid ${pid})` : 'another supervisor holds the lock')
  }
}

/** Errors of a home that is full or read-only for now: the start goes on, degraded. */
const PASSING_ERRORS = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'EIO'])

export interface SingletonState {
  /** This supervisor holds the lock: it may start resumes. */
  held: boolean
  /** What is wrong (lock not held, pid file not written), or null when all is well. */
  problem: string | null
}

export interface SingletonEvents {
  /** The state changed (lost, regained, pid file written at last). */
  onChange(state: SingletonState): void
  /** Another live supervisor holds the lock now: this one must stop. */
  onTakenOver(pid: number): void
}

export interface SingletonHandle {
  readonly state: SingletonState
  release(): Promise<void>
}

export { readPidFile, runningSupervisorPid }

type Release = () => Promise<void>
type Callback<T> = (error: NodeJS.ErrnoException | null, value?: T) => void

/** Runs a sync call and answers on the next tick, as the callback API would. */
function deferred<A extends unknown[], T>(call: (...args: A) => T) {
  return (...args: [...A, Callback<T>]) => {
    const callback = args.pop() as Callback<T>
    let value: T
    try {
      value = call(...(args as unknown as A))
    } catch (error) {
      return void process.nextTick(callback, error as NodeJS.ErrnoException)
    }
    process.nextTick(callback, null, value)
  }
}

/**
 * The lock's file calls, made synchronously. proper-lockfile refreshes the lock every
 * LOCK_UPDATE_MS with a stat and a utimes; through libuv's thread pool each wakes a worker thread
 * and the loop twice, which was most of what a waiting supervisor cost. On the home's own folder
 * these calls take microseconds.
 */
const SYNC_LOCK_FS = {
  mkdir: deferred((path: string) => mkdirSync(path)),
  stat: deferred((path: string) => statSync(path)),
  rmdir: deferred((path: string) => rmdirSync(path)),
  rmdirSync,
  utimes: deferred((path: string, atime: Date, mtime: Date) => utimesSync(path, atime, mtime)),
  realpath: deferred((path: string) => realpathSync(path)),
}

export async function acquireSingleton(paths: HomePaths, events: SingletonEvents): Promise<SingletonHandle> {
  const owner = runningSupervisorPid(paths)
  if (owner !== null) throw new AlreadyRunningError(owner)
  takeDeadOwnersLock(paths)
  const singleton = new Singleton(paths, events)
  await singleton.start()
  return singleton
}

/** proper-lockfile's lock: a folder beside its target. */
export function lockDirOf(paths: HomePaths): string {
  return `${paths.lockTarget}.lock`
}

/**
 * Removes the lock of a supervisor that died holding it, so that a restart does not wait
 * LOCK_STALE_MS. Only when the evidence is certain: the pid file names a process that is gone, and
 * the lock folder was made before that pid file was written (a supervisor takes the lock, then
 * writes its pid file). A lock made later may be a live start that has not written its pid file
 * yet: that one is left to go stale. Without birth times (some file systems) nothing is removed.
 * The folder is renamed before it is removed, and put back if what was renamed is not the folder
 * that was judged. Returns whether a lock was removed.
 */
export function takeDeadOwnersLock(paths: HomePaths): boolean {
  const owner = readPidIdentity(paths)
  if (owner === null || isSameProcess(owner)) return false
  const lockDir = lockDirOf(paths)
  try {
    const pidFile = statSync(paths.pidFile)
    const lock = statSync(lockDir)
    if (!lock.isDirectory() || !(lock.birthtimeMs > 0) || lock.birthtimeMs > pidFile.mtimeMs) return false
    const aside = `${lockDir}.dead-${process.pid}-${randomBytes(4).toString('hex')}`
    renameSync(lockDir, aside)
    const moved = statSync(aside)
    if (moved.ino !== lock.ino || moved.birthtimeMs !== lock.birthtimeMs) {
      renameSync(aside, lockDir)
      return false
    }
    rmdirSync(aside)
    return true
  } catch {
    return false
  }
}

class Singleton implements SingletonHandle {
  private releaseLock: Release | null = null
  private lockProblem: string | null = null
  private pidProblem: string | null = 'the pid file is not written yet'
  private timer: NodeJS.Timeout | null = null
  private released = false
  private retrying = false

  constructor(
    private readonly paths: HomePaths,
    private readonly events: SingletonEvents,
  ) {}

  get state(): SingletonState {
    return { held: this.releaseLock !== null, problem: this.lockProblem ?? this.pidProblem }
  }

  async start(): Promise<void> {
    try {
      // The owner is dead (checked above) and its lock was not proven its own: it goes stale within
      // LOCK_STALE_MS, so wait that long at most.
      this.releaseLock = await this.lock(Math.ceil((LOCK_STALE_MS + 2_000) / 100))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (code === 'ELOCKED') throw new AlreadyRunningError(runningSupervisorPid(this.paths))
      if (!PASSING_ERRORS.has(code)) throw error
      this.lockProblem = `cannot take the supervisor lock (${code}): home read-only or full? No resume starts until it is taken`
    }
    await this.writePidFile()
    if (this.state.problem) this.retryLater()
  }

  private lock(retries: number): Promise<Release> {
    return lockfile.lock(this.paths.lockTarget, {
      realpath: false,
      fs: SYNC_LOCK_FS,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: retries > 0 ? { retries, minTimeout: 100, maxTimeout: 100, factor: 1 } : 0,
      onCompromised: error => this.lost(error),
    })
  }

  /** proper-lockfile could not refresh the lock in time (a read-only or full home, a sleep) or found it changed. */
  private lost(error: Error): void {
    if (this.released) return
    this.releaseLock = null
    this.lockProblem = `the supervisor lock was lost (${error.message}); no resume starts until it is taken back`
    if (this.takenOver()) return
    this.events.onChange(this.state)
    this.retryLater()
  }

  /** Another live supervisor named by the pid file: it owns the home now. */
  private takenOver(): boolean {
    const other = runningSupervisorPid(this.paths)
    if (other === null) return false
    this.stopRetrying()
    this.events.onTakenOver(other)
    return true
  }

  private retryLater(): void {
    if (this.timer || this.released) return
    this.timer = setInterval(() => void this.retry(), LOCK_UPDATE_MS)
    this.timer.unref()
  }

  private stopRetrying(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async retry(): Promise<void> {
    if (this.retrying || this.released) return
    this.retrying = true
    const before = this.state.problem
    try {
      if (!this.releaseLock) await this.retakeLock()
      if (this.releaseLock && !this.released) await this.writePidFile()
    } finally {
      this.retrying = false
    }
    if (this.released) return
    if (!this.state.problem) this.stopRetrying()
    if (this.state.problem !== before) this.events.onChange(this.state)
  }

  private async retakeLock(): Promise<void> {
    try {
      this.releaseLock = await this.lock(0)
      this.lockProblem = null
      // Written again: another start may have found our pid file missing meanwhile.
      this.pidProblem = 'the pid file is not written yet'
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      if (code === 'ELOCKED' && this.takenOver()) return
      this.lockProblem = `cannot take the supervisor lock back (${code}); no resume starts until it is taken`
    }
  }

  private async writePidFile(): Promise<void> {
    if (this.pidProblem === null) return
    try {
      await writeFileAtomic(this.paths.pidFile, ownPidFileText())
      this.pidProblem = null
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      this.pidProblem = `cannot write the pid file ${this.paths.pidFile} (${code}); other starts see the lock only`
    }
  }

  /** Never throws: it runs on the way out, possibly on a read-only home. */
  async release(): Promise<void> {
    this.released = true
    this.stopRetrying()
    try {
      if (readPidFile(this.paths) === process.pid) rmSync(this.paths.pidFile, { force: true })
    } catch {
      // A read-only home: the next start finds a pid file naming a dead process, which is fine.
    }
    await this.releaseLock?.().catch(() => {})
    this.releaseLock = null
  }
}
