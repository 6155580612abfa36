// Whether the home takes writes right now, and whether this supervisor holds its lock. A home
// that is read-only or full is a condition, not one error per write: it is noted once (counted
// and logged when it starts and when it ends), /health shows it while it lasts, no resume starts
// meanwhile (a resume is journaled before it starts, which cannot be done), and the sessions
// whose state file could not be written are written again once the home takes writes.
import type { SingletonState } from './singleton.js'

/** Errors that mean "the home cannot be written now", not "this write was wrong". */
export const UNWRITABLE_CODES = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'EIO'])

export interface HomeWritesEvents {
  /** The home stopped taking writes (once per episode). */
  onUnwritable(message: string): void
  /** It takes writes again. */
  onWritable(message: string): void
}

export class HomeWrites {
  private failure: { code: string; message: string; since: number } | null = null
  private lock: SingletonState = { held: true, problem: null }
  /** Sessions whose state file is behind their live state. */
  readonly unsaved = new Set<string>()

  constructor(
    private readonly now: () => number,
    private readonly events: HomeWritesEvents,
  ) {}

  /** True (and noted) when `error` means the home cannot be written now; false for any other error. */
  failed(error: unknown, sessionId?: string): boolean {
    const code = (error as NodeJS.ErrnoException | null)?.code ?? ''
    if (!UNWRITABLE_CODES.has(code)) return false
    if (sessionId) this.unsaved.add(sessionId)
    if (!this.failure) {
      this.failure = { code, message: String((error as Error).message), since: this.now() }
      this.events.onUnwritable(`the home cannot be written (${code}): state files wait, no resume starts, retrying`)
    }
    return true
  }

  succeeded(sessionId?: string): void {
    if (sessionId) this.unsaved.delete(sessionId)
    if (!this.failure) return
    const seconds = Math.round((this.now() - this.failure.since) / 1000)
    this.failure = null
    this.events.onWritable(`the home takes writes again (after ${seconds} s)`)
  }

  setLock(state: SingletonState): void {
    this.lock = state
  }

  get writable(): boolean {
    return this.failure === null
  }

  /** Resumes may start: the lock is held and the home takes writes. */
  get mayAct(): boolean {
    return this.lock.held && this.failure === null
  }

  /** What /health lists while it lasts. */
  problems(): string[] {
    const problems: string[] = []
    if (this.lock.problem) problems.push(this.lock.problem)
    if (this.failure) {
      const since = new Date(this.failure.since).toISOString()
      problems.push(`the home cannot be written since ${since} (${this.failure.code}); ${this.unsaved.size} state file(s) wait; no resume starts until it can`)
    }
    return problems
  }
}
