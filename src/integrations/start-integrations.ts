// The integrations' entry point: read their configuration, attach what is configured to the
// supervisor's transitions, and give /health something to show. Nothing here can slow the
// supervisor: every listener only queues.
import type { Logger } from '../home/logger.js'
import { CometaSync, type TransitionSource } from './cometa-sync.js'
import { loadIntegrationsConfig, type IntegrationsConfig } from './integrations-config.js'
import { Notifier, type NotifierHealth } from './notifier.js'
import type { PosterHealth } from './queued-poster.js'

export type StartIntegrationsOptions = IntegrationsSource & {
  supervisor: TransitionSource
  log: Logger
  now: () => number
  timeZone?: string
  fetch?: typeof fetch
  platform?: NodeJS.Platform
}

/**
 * `env` is read with loadIntegrationsConfig (a ConfigError names a bad variable), unless `config`
 * was already loaded at the entry point; `env` also becomes the desktop command's environment.
 */
type IntegrationsSource = { env: NodeJS.ProcessEnv; config?: IntegrationsConfig } | { env?: NodeJS.ProcessEnv; config: IntegrationsConfig }

export interface IntegrationsHealth {
  /** null: SESSION_RETRY_COMETA_URL is not set. */
  cometa: PosterHealth | null
  /** null: SESSION_RETRY_NOTIFY is off. */
  notify: NotifierHealth | null
}

export interface Integrations {
  health(): IntegrationsHealth
  /** Flush queued posts for a short, bounded time; never rejects. */
  close(): Promise<void>
}

export function startIntegrations(options: StartIntegrationsOptions): Integrations {
  const { supervisor, log, now } = options
  const config = options.config ?? loadIntegrationsConfig(options.env ?? {})
  const cometa = config.cometaUrl ? new CometaSync({ url: config.cometaUrl, log, now, fetch: options.fetch }) : null
  const { desktop, webhook, webhookUrl } = config.notify
  const notifier =
    desktop || webhook
      ? new Notifier({
          desktop,
          webhookUrl: webhook ? webhookUrl : null,
          log,
          now,
          timeZone: options.timeZone,
          env: options.env,
          platform: options.platform,
          fetch: options.fetch,
        })
      : null
  if (!webhook && webhookUrl) log.warn('SESSION_RETRY_NOTIFY_URL is set but SESSION_RETRY_NOTIFY does not include webhook: no webhook notifications')
  cometa?.attach(supervisor)
  notifier?.attach(supervisor)
  log.info('integrations', { cometa: cometa?.health().url ?? null, notify: notifier?.health().channels ?? [] })
  let closing: Promise<void> | null = null
  return {
    health: () => ({ cometa: cometa?.health() ?? null, notify: notifier?.health() ?? null }),
    close() {
      closing ??= Promise.all([cometa?.close(), notifier?.close()]).then(() => {})
      return closing
    },
  }
}
