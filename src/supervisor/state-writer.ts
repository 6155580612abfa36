// When state files are written. A state file is a view of what the journal says, and it names the
// journal offset it reflects, so a write may come a little late: a restart replays the journal from
// that offset, whatever happened after. Changes to one session within WRITE_DELAY_MS become one
// write, and at most WRITE_CONCURRENCY writes are in flight (start-up marks every session at once).
export const WRITE_DELAY_MS = 20
export const WRITE_CONCURRENCY = 16

export class StateWriter {
  private readonly marked = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private inFlight = 0
  private waiters: (() => void)[] = []

  /** `write` writes a session's state as it is when it runs, and reports its own errors (never rejects). */
  constructor(private readonly write: (sessionId: string) => Promise<void>) {}

  /** The session changed: write it soon. */
  mark(sessionId: string): void {
    this.marked.add(sessionId)
    this.timer ??= setTimeout(() => {
      this.timer = null
      this.pump()
    }, WRITE_DELAY_MS)
  }

  isMarked(sessionId: string): boolean {
    return this.marked.has(sessionId)
  }

  /** Written by the caller itself just now: no need to write it again. */
  unmark(sessionId: string): void {
    this.marked.delete(sessionId)
  }

  /** Writes whatever is marked now; resolves once nothing is marked or in flight. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pump()
    if (this.inFlight === 0 && this.marked.size === 0) return Promise.resolve()
    return new Promise(resolve => this.waiters.push(resolve))
  }

  private pump(): void {
    for (const sessionId of this.marked) {
      if (this.inFlight >= WRITE_CONCURRENCY) return
      this.marked.delete(sessionId)
      this.inFlight++
      void this.write(sessionId).then(() => {
        this.inFlight--
        this.pump()
        if (this.inFlight === 0 && this.marked.size === 0) for (const resolve of this.waiters.splice(0)) resolve()
      })
    }
  }
}
