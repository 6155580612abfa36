// GET /events: Server-Sent Events for the dashboard. One listener on the supervisor's transitions
// feeds every open stream. Transitions are gathered for FLUSH_MS and sent per session with the
// session's view as it is after them (a burst of 100 transitions costs one view per session).
// Streams are bounded in number; each gets a comment every KEEP_ALIVE_MS so proxies and the
// server's idle timeout leave it open, and a client that stops reading is dropped once its unsent
// bytes pass MAX_BUFFERED_BYTES (its page re-reads everything when it reconnects).
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Transition } from '../supervisor/supervisor.js'
import { timelineEntry, type DashboardSession, type TimelineEntry } from './dashboard-data.js'
import { BASE_HEADERS, HttpError } from './respond.js'

export const EVENT_STREAM_LIMITS = {
  maxStreams: 16,
  keepAliveMs: 15_000,
  flushMs: 100,
  /** What EventSource waits before reconnecting (the `retry:` field). */
  retryMs: 2_000,
  maxBufferedBytes: 1024 * 1024,
  /** Past this many transitions waiting for a flush, streams are told to re-read everything. */
  maxPending: 2_000,
}

export type EventStreamLimits = typeof EVENT_STREAM_LIMITS

export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8'

export class EventStreams {
  private readonly clients = new Set<ServerResponse>()
  private pending: TimelineEntry[] = []
  private overflowed = false
  private flushTimer: NodeJS.Timeout | null = null
  private keepAliveTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    /** The session as the dashboard shows it now, or null when it is gone. */
    private readonly view: (sessionId: string) => DashboardSession | null,
    private readonly limits: EventStreamLimits = EVENT_STREAM_LIMITS,
  ) {}

  get size(): number {
    return this.clients.size
  }

  /** Answers GET or HEAD /events; throws 429 when every stream is taken. */
  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) throw new HttpError(404, 'the event stream is closed')
    if (this.clients.size >= this.limits.maxStreams) {
      throw new HttpError(429, `too many open event streams (at most ${this.limits.maxStreams}); close a dashboard tab, the others fall back to polling`, {
        'Retry-After': String(Math.ceil(this.limits.keepAliveMs / 1000)),
      })
    }
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': EVENT_STREAM_CONTENT_TYPE, ...(req.complete ? {} : { Connection: 'close' }) })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    res.socket?.setNoDelay(true)
    this.clients.add(res)
    res.on('close', () => this.drop(res))
    this.write(res, `retry: ${this.limits.retryMs}\n: connected\n\n`)
    this.keepAliveTimer ??= setInterval(() => this.broadcast(': keep-alive\n\n'), this.limits.keepAliveMs).unref()
  }

  /** Called for every transition of every session (Supervisor.onTransition). */
  onTransition(transition: Transition): void {
    if (this.closed || this.clients.size === 0) return
    if (this.pending.length >= this.limits.maxPending) this.overflowed = true
    else this.pending.push(timelineEntry(transition.sessionId, transition))
    this.flushTimer ??= setTimeout(() => this.flush(), this.limits.flushMs).unref()
  }

  /** Ends every stream; later requests are refused. */
  close(): void {
    this.closed = true
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    for (const res of [...this.clients]) res.end()
    this.clients.clear()
    this.stopKeepAlive()
  }

  private flush(): void {
    this.flushTimer = null
    const transitions = this.pending
    this.pending = []
    if (this.overflowed) {
      this.overflowed = false
      this.broadcast(`event: resync\ndata: {}\n\n`)
      return
    }
    const bySession = new Map<string, TimelineEntry[]>()
    for (const t of transitions) bySession.set(t.sessionId, [...(bySession.get(t.sessionId) ?? []), t])
    let text = ''
    for (const [sessionId, list] of bySession) {
      text += `event: session\ndata: ${JSON.stringify({ sessionId, transitions: list, session: this.view(sessionId) })}\n\n`
    }
    if (text) this.broadcast(text)
  }

  private broadcast(text: string): void {
    for (const res of this.clients) this.write(res, text)
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableLength > this.limits.maxBufferedBytes) {
      res.destroy()
      return
    }
    res.write(text)
  }

  private drop(res: ServerResponse): void {
    this.clients.delete(res)
    if (this.clients.size === 0) this.stopKeepAlive()
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer)
    this.keepAliveTimer = null
  }
}
