// One ordered, bounded, retrying HTTP POST queue, shared by the Cometa sync and the webhook.
// `enqueue` only pushes onto an array and returns: no network work happens in the caller's turn
// (the first send starts on `setImmediate`), so a dead receiver never delays the supervisor.
// One request is in flight at a time, so the receiver sees items in the order they were queued.
// A failed head is retried with capped exponential backoff; when the queue is full the oldest
// waiting item is dropped (and counted). A receiver that refuses an item (4xx other than 408, 425,
// 429) will refuse it again: that item is given up (counted as `rejected`) so it cannot block the rest.
import type { Logger } from '../home/logger.js'

/** Timing and size defaults, pinned by a test, so a change to them is a reviewed diff. */
export const POSTER_DEFAULTS = {
  queueLimit: 1000,
  retryBaseMs: 1_000,
  retryCapMs: 60_000,
  requestTimeoutMs: 5_000,
  /** How long `close()` tries to deliver what is queued. */
  closeFlushMs: 2_000,
} as const

export interface PostItem {
  body: string
  headers: Record<string, string>
}

export interface PosterHealth {
  /** The receiver, with credentials, query and (for webhooks) the secret topic left out. */
  url: string
  /** Items not delivered yet (the one being sent included). */
  queued: number
  sent: number
  /** Failed attempts (each retry of the same item counts). */
  failed: number
  /** Items the receiver refused for good (4xx) and that were given up. */
  rejected: number
  /** Items dropped because the queue was full (the oldest go first), or queued after close. */
  dropped: number
  lastError: string | null
  lastErrorAt: string | null
  lastSuccessAt: string | null
  /** Did the last attempt get the item delivered? null before the first attempt. */
  reachable: boolean | null
}

/** How a poster queues, retries and gives up; the senders built on it (Cometa, webhook) pass it through. */
export interface PosterTuning {
  fetch?: typeof fetch
  queueLimit?: number
  retryBaseMs?: number
  retryCapMs?: number
  requestTimeoutMs?: number
  closeFlushMs?: number
}

export interface QueuedPosterOptions extends PosterTuning {
  /** For log lines: `cometa`, `webhook`. */
  name: string
  url: string
  /** What health and logs show instead of `url` (default: `url` without query and fragment). */
  shownUrl?: string
  log: Logger
  now: () => number
}

/** The wait before retry number `failures` (1-based): base, 2·base, 4·base, … capped. */
export function backoffDelay(failures: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1))
}

/** Statuses worth retrying: timeouts, throttling and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

/** `url` without credentials, query or fragment (they may hold tokens). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

type Outcome = 'delivered' | 'rejected' | 'retry'

export class QueuedPoster {
  private readonly queue: PostItem[] = []
  private readonly fetch: typeof fetch
  private readonly limit: number
  private readonly shownUrl: string
  private sending = false
  private kick: NodeJS.Immediate | null = null
  private wake: NodeJS.Timeout | null = null
  /** Consecutive failed attempts of the head. */
  private failures = 0
  private dropWarned = false
  private rejectWarned: string | null = null
  private closed = false
  private closing: Promise<void> | null = null
  private readonly stop = new AbortController()
  private idleWaiters: (() => void)[] = []
  private readonly stats = {
    sent: 0,
    failed: 0,
    rejected: 0,
    dropped: 0,
    lastError: null as string | null,
    lastErrorAt: null as number | null,
    lastSuccessAt: null as number | null,
    reachable: null as boolean | null,
  }

  constructor(private readonly options: QueuedPosterOptions) {
    this.fetch = options.fetch ?? globalThis.fetch
    this.limit = Math.max(1, options.queueLimit ?? POSTER_DEFAULTS.queueLimit)
    this.shownUrl = options.shownUrl ?? redactUrl(options.url)
  }

  /** Queue one POST and return at once. Never throws, never waits. */
  enqueue(item: PostItem): void {
    if (this.closed) {
      this.stats.dropped++
      return
    }
    if (this.queue.length >= this.limit) {
      // The head may be on the wire: then the oldest waiting item goes instead.
      const victim = this.sending ? 1 : 0
      if (victim < this.queue.length) {
        this.queue.splice(victim, 1)
        this.stats.dropped++
        if (!this.dropWarned) {
          this.dropWarned = true
          this.options.log.warn(`${this.options.name}: queue full; dropping the oldest until delivery resumes`, { url: this.shownUrl, queueLimit: this.limit })
        }
      }
    }
    this.queue.push(item)
    this.schedule()
  }

  health(): PosterHealth {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
    const s = this.stats
    return {
      url: this.shownUrl,
      queued: this.queue.length,
      sent: s.sent,
      failed: s.failed,
      rejected: s.rejected,
      dropped: s.dropped,
      lastError: s.lastError,
      lastErrorAt: iso(s.lastErrorAt),
      lastSuccessAt: iso(s.lastSuccessAt),
      reachable: s.reachable,
    }
  }

  /**
   * Stop taking items; try to deliver what is queued for at most `closeFlushMs` (no backoff: the
   * first failure ends the flush), then abort what is in flight. Never rejects.
   */
  close(): Promise<void> {
    this.closing ??= this.flushAndStop()
    return this.closing
  }

  private async flushAndStop(): Promise<void> {
    this.closed = true
    if (this.wake) clearTimeout(this.wake)
    if (this.kick) clearImmediate(this.kick)
    this.wake = null
    this.kick = null
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>(resolve => {
      timer = setTimeout(resolve, this.options.closeFlushMs ?? POSTER_DEFAULTS.closeFlushMs)
    })
    if (!this.sending) void this.pump()
    await Promise.race([this.idle(), deadline])
    clearTimeout(timer)
    this.stop.abort()
    await this.idle()
    if (this.queue.length > 0) {
      this.options.log.warn(`${this.options.name}: stopping with undelivered items`, { url: this.shownUrl, undelivered: this.queue.length })
    }
  }

  private idle(): Promise<void> {
    if (!this.sending) return Promise.resolve()
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  private schedule(): void {
    if (this.sending || this.kick || this.wake) return
    this.kick = setImmediate(() => {
      this.kick = null
      void this.pump()
    })
  }

  private async pump(): Promise<void> {
    if (this.sending) return
    this.sending = true
    try {
      while (this.queue.length > 0) {
        const outcome = await this.post(this.queue[0]!)
        if (outcome === 'retry') {
          if (this.closed) return
          const delay = backoffDelay(this.failures, this.options.retryBaseMs ?? POSTER_DEFAULTS.retryBaseMs, this.options.retryCapMs ?? POSTER_DEFAULTS.retryCapMs)
          this.wake = setTimeout(() => {
            this.wake = null
            void this.pump()
          }, delay)
          this.wake.unref()
          return
        }
        // Delivered or refused for good; the head cannot have been dropped while it was sent.
        this.queue.shift()
      }
    } finally {
      this.sending = false
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }

  /** One attempt; never throws. */
  private async post(item: PostItem): Promise<Outcome> {
    const timeoutMs = this.options.requestTimeoutMs ?? POSTER_DEFAULTS.requestTimeoutMs
    try {
      const response = await this.fetch(this.options.url, {
        method: 'POST',
        headers: item.headers,
        body: item.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stop.signal]),
      })
      await response.body?.cancel().catch(() => {})
      if (response.ok) return this.delivered()
      const error = `HTTP ${response.status}`
      return isRetryableStatus(response.status) ? this.failed(error) : this.rejected(error)
    } catch (error) {
      return this.failed(describe(error, timeoutMs))
    }
  }

  private delivered(): Outcome {
    const s = this.stats
    if (this.failures > 0) this.options.log.info(`${this.options.name}: delivering again`, { url: this.shownUrl, afterFailures: this.failures })
    this.failures = 0
    this.dropWarned = false
    this.rejectWarned = null
    s.sent++
    s.lastSuccessAt = this.options.now()
    s.reachable = true
    return 'delivered'
  }

  private failed(error: string): Outcome {
    const s = this.stats
    this.failures++
    s.failed++
    this.noteError(error)
    // One warning per outage; the rest are debug lines.
    const fields = { url: this.shownUrl, error, queued: this.queue.length, failures: this.failures }
    if (this.failures === 1) this.options.log.warn(`${this.options.name}: delivery failed; queued items wait and are retried`, fields)
    else this.options.log.debug(`${this.options.name}: delivery failed again`, fields)
    s.reachable = false
    return 'retry'
  }

  private rejected(error: string): Outcome {
    this.failures = 0
    this.stats.rejected++
    this.stats.reachable = false
    this.noteError(error)
    const fields = { url: this.shownUrl, error }
    if (this.rejectWarned === error) this.options.log.debug(`${this.options.name}: the receiver refused an item; giving it up`, fields)
    else this.options.log.warn(`${this.options.name}: the receiver refused an item; giving it up`, fields)
    this.rejectWarned = error
    return 'rejected'
  }

  private noteError(error: string): void {
    this.stats.lastError = error
    this.stats.lastErrorAt = this.options.now()
  }
}

/** A short, secret-free description of a fetch failure. */
function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`
  if (e?.name === 'AbortError') return 'aborted (stopping)'
  const cause = e?.cause?.code ?? e?.cause?.message
  return cause ? `${e?.message ?? 'fetch failed'}: ${cause}` : String(e?.message ?? error)
}
