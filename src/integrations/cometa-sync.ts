// DevFlow Cometa task-state sync: every session transition is POSTed as JSON to the configured URL,
// exactly as given (Cometa's route is the user's to name), in order, through a QueuedPoster.
// The transition listener only builds a small JSON string and queues it.
import type { Logger } from '../home/logger.js'
import type { Transition, TransitionListener } from '../supervisor/supervisor.js'
import { QueuedPoster, type PosterHealth, type PosterTuning } from './queued-poster.js'

/** What `attach` needs of the supervisor: its transition listener API, nothing else. */
export interface TransitionSource {
  onTransition(listener: TransitionListener): void
}

/** The body Cometa receives (times as ISO-8601 UTC strings). */
export interface CometaTransition {
  sessionId: string
  cwd: string | null
  from: string
  to: string
  at: string
  resetAt: string | null
  retryAt: string | null
  attempt: number
  event: string
}

export type CometaTransitionInput = Pick<Transition, 'sessionId' | 'at' | 'from' | 'to' | 'event'> & {
  context: Pick<Transition['context'], 'cwd' | 'limit' | 'retryAt' | 'attempts'>
}

export function cometaPayload(t: CometaTransitionInput): CometaTransition {
  const { context } = t
  return {
    sessionId: t.sessionId,
    cwd: context.cwd,
    from: t.from,
    to: t.to,
    at: isoOrNull(Date.parse(t.at)) ?? t.at,
    resetAt: isoOrNull(context.limit?.resetAt),
    retryAt: isoOrNull(context.retryAt),
    attempt: context.attempts,
    event: t.event,
  }
}

function isoOrNull(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null
}

export interface CometaSyncOptions extends PosterTuning {
  url: string
  log: Logger
  now: () => number
}

const HEADERS = { 'Content-Type': 'application/json', 'User-Agent': 'smart-session-retry' }

export class CometaSync {
  private readonly poster: QueuedPoster
  private listenerFailed = false

  constructor(private readonly options: CometaSyncOptions) {
    this.poster = new QueuedPoster({ ...options, name: 'cometa' })
  }

  attach(source: TransitionSource): void {
    source.onTransition(transition => this.push(transition))
  }

  /** Queue one transition; never throws, never waits. */
  push(transition: CometaTransitionInput): void {
    try {
      this.poster.enqueue({ body: JSON.stringify(cometaPayload(transition)), headers: HEADERS })
    } catch (error) {
      if (this.listenerFailed) return
      this.listenerFailed = true
      this.options.log.error('cometa: could not queue a transition', { error: String((error as Error)?.message ?? error) })
    }
  }

  health(): PosterHealth {
    return this.poster.health()
  }

  close(): Promise<void> {
    return this.poster.close()
  }
}
