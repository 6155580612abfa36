// Notifications for the moments a person cares about: a session hit a limit (and when it will be
// resumed), a resume started, it worked, it gave up, or the user is needed. `messageFor` decides
// (pure, time zone passed in); the Notifier only hands its result to the configured channels:
// desktop (desktop-notify.ts) and an ntfy-compatible webhook (a QueuedPoster, like Cometa's).
import { basename } from 'node:path'
import type { Logger } from '../home/logger.js'
import type { Transition } from '../supervisor/supervisor.js'
import type { TransitionSource } from './cometa-sync.js'
import { DesktopNotifier, type DesktopHealth, type Notification } from './desktop-notify.js'
import { POSTER_DEFAULTS, QueuedPoster, redactUrl, type PosterHealth, type PosterTuning } from './queued-poster.js'

export type { Notification } from './desktop-notify.js'

export type NotifiableTransition = Pick<Transition, 'sessionId' | 'at' | 'from' | 'to' | 'event'> & {
  context: Pick<Transition['context'], 'cwd' | 'limit' | 'retryAt' | 'attempts' | 'maxAttempts' | 'lastResume' | 'needsUserReason'>
}

const LIMIT_NAMES: Record<string, string> = {
  five_hour: '5-hour limit',
  weekly: 'weekly limit',
  weekly_opus: 'weekly Opus limit',
  weekly_sonnet: 'weekly Sonnet limit',
  extra_usage: 'extra-usage limit',
  api_rate_limit: 'API rate limit',
  overloaded: 'API overloaded',
  server_throttle: 'server throttling',
}

/** The notification for a transition, or null when it is not worth one. */
export function messageFor(t: NotifiableTransition, timeZone = 'UTC'): Notification | null {
  const c = t.context
  const who = `${c.cwd ? basename(c.cwd) || c.cwd : 'session'} (${t.sessionId.slice(0, 8)})`
  const ref = Date.parse(t.at)
  const when = (ms: number) => formatTime(ms, ref, timeZone)
  // `limited` is left for `scheduled` in the same step when the policy schedules: announce then,
  // with the resume time. A limit the policy only waits on (or gives up on) is not announced twice.
  if (t.from === 'limited' && t.to === 'scheduled') {
    const what = c.limit ? (LIMIT_NAMES[c.limit.kind] ?? 'usage limit') : 'usage limit'
    const reset = c.limit?.resetAt != null ? `, resets ${when(c.limit.resetAt)}` : ''
    const next = c.attempts + 1
    const resume = c.retryAt === null ? 'No resume is scheduled.' : `Resume${next > 1 ? ` attempt ${next} of ${c.maxAttempts}` : ''} at ${when(c.retryAt)}.`
    return { title: 'Claude Code session limited', body: `${who}: ${what}${reset}. ${resume}` }
  }
  if (t.to === 'resuming') {
    const attempt = c.lastResume?.attempt ?? c.attempts
    return { title: 'Resuming Claude Code session', body: `${who}: resume attempt ${attempt} of ${c.maxAttempts} started.` }
  }
  if (t.from === 'resuming' && t.to === 'active') {
    const attempt = c.lastResume?.attempt
    const d = c.lastResume?.details
    const did = d && d.turns !== null ? ` (${d.turns} turn${d.turns === 1 ? '' : 's'}${d.resultLine ? `: ${d.resultLine}` : ''})` : ''
    return { title: 'Claude Code session resumed', body: `${who}: ${attempt ? `resume attempt ${attempt} worked` : 'the resume worked'}${did}; the session is working again.` }
  }
  if (t.to === 'exhausted') {
    return {
      title: 'Claude Code session not resumed',
      body: `${who}: gave up after ${c.attempts} resume attempt${c.attempts === 1 ? '' : 's'}. To try again: session-retry resume ${t.sessionId}`,
    }
  }
  if (t.to === 'needsUser') {
    const reason = c.needsUserReason?.replace(/[.\s]+$/, '') || 'it cannot be resumed without you'
    return { title: 'Claude Code session needs you', body: `${who}: ${reason}.` }
  }
  return null
}

/** `15:02 UTC`, or `Tue 4 Mar 15:02 UTC` when not on the same local day as `refMs`. */
export function formatTime(ms: number, refMs: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  const sameDay = Number.isFinite(refMs) && day.format(ms) === day.format(refMs)
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    ...(sameDay ? {} : { weekday: 'short', day: 'numeric', month: 'short' }),
  }).formatToParts(ms)
  const get = (type: string) => parts.find(p => p.type === type)?.value ?? ''
  const clock = `${get('hour')}:${get('minute')} ${get('timeZoneName')}`
  return sameDay ? clock : `${get('weekday')} ${get('day')} ${get('month')} ${clock}`
}

/** An HTTP header value: printable ASCII as is, anything else as an RFC 2047 word (ntfy decodes it). */
export function headerValue(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ')
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`
}

/** The ntfy publish request for a notification: the body is the message, the title a header. */
export function webhookItem(n: Notification) {
  return { body: n.body, headers: { 'Content-Type': 'text/plain; charset=utf-8', Title: headerValue(n.title), 'User-Agent': 'smart-session-retry' } }
}

export interface NotifierOptions extends PosterTuning {
  desktop: boolean
  webhookUrl: string | null
  log: Logger
  now: () => number
  timeZone?: string
  /** For the desktop command (PATH, DISPLAY, DBUS_SESSION_BUS_ADDRESS); default process.env. */
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
}

export interface NotifierHealth {
  channels: string[]
  notified: number
  desktop: DesktopHealth | null
  webhook: PosterHealth | null
}

export class Notifier {
  private readonly desktop: DesktopNotifier | null
  private readonly webhook: QueuedPoster | null
  private readonly timeZone: string
  private notified = 0
  private listenerFailed = false

  constructor(private readonly options: NotifierOptions) {
    const { log } = options
    this.timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    this.desktop = options.desktop ? new DesktopNotifier({ log, env: options.env, platform: options.platform }) : null
    this.webhook = options.webhookUrl
      ? new QueuedPoster({
          name: 'webhook',
          url: options.webhookUrl,
          // The ntfy topic is a password: /health and logs show the server only.
          shownUrl: `${originOf(options.webhookUrl)}/…`,
          log,
          now: options.now,
          fetch: options.fetch,
          queueLimit: options.queueLimit,
          retryBaseMs: options.retryBaseMs,
          retryCapMs: options.retryCapMs,
          requestTimeoutMs: options.requestTimeoutMs,
          closeFlushMs: options.closeFlushMs,
        })
      : null
  }

  attach(source: TransitionSource): void {
    source.onTransition(transition => this.onTransition(transition))
  }

  /** The transition listener: decide, hand over, return. Never throws. */
  onTransition(transition: NotifiableTransition): void {
    try {
      const message = messageFor(transition, this.timeZone)
      if (message) this.notify(message)
    } catch (error) {
      if (this.listenerFailed) return
      this.listenerFailed = true
      this.options.log.error('notifier: could not build a notification', { error: String((error as Error)?.message ?? error) })
    }
  }

  notify(message: Notification): void {
    this.notified++
    this.desktop?.show(message)
    this.webhook?.enqueue(webhookItem(message))
  }

  health(): NotifierHealth {
    return {
      channels: [...(this.desktop ? ['desktop'] : []), ...(this.webhook ? ['webhook'] : [])],
      notified: this.notified,
      desktop: this.desktop?.health() ?? null,
      webhook: this.webhook?.health() ?? null,
    }
  }

  /** Flush the webhook and give running desktop commands a moment, both bounded by closeFlushMs. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<void>(resolve => {
      timer = setTimeout(resolve, this.options.closeFlushMs ?? POSTER_DEFAULTS.closeFlushMs)
    })
    await Promise.all([this.webhook?.close(), Promise.race([this.desktop?.idle(), bound])])
    clearTimeout(timer)
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return redactUrl(url)
  }
}
