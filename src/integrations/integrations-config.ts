// What the integrations are told to do, from the environment, once, at start-up. Everything is off
// unless asked for; a bad value is a ConfigError naming the variable (the CLI exits 2 on it).
import { ConfigError } from '../config/load-config.js'

/** DevFlow runs Cometa here; used only when SESSION_RETRY_COMETA_URL says so (unset means off). */
export const DEVFLOW_COMETA_ORIGIN = 'http://localhost:3007'

export const NOTIFY_CHANNELS = ['desktop', 'webhook'] as const
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number]

export interface IntegrationsConfig {
  /** Where every transition is POSTed, exactly as given; null: no Cometa sync. */
  cometaUrl: string | null
  notify: {
    desktop: boolean
    webhook: boolean
    /** The ntfy-compatible URL (topic included); set when `webhook` is, possibly also when not. */
    webhookUrl: string | null
  }
}

export function loadIntegrationsConfig(env: NodeJS.ProcessEnv): IntegrationsConfig {
  const cometaUrl = httpUrl(env, 'SESSION_RETRY_COMETA_URL', `e.g. ${DEVFLOW_COMETA_ORIGIN}/<the path Cometa listens on>`)
  const channels = notifyChannels(env)
  const webhookUrl = httpUrl(env, 'SESSION_RETRY_NOTIFY_URL', 'e.g. https://ntfy.sh/<your-topic>')
  if (channels.has('webhook') && webhookUrl === null) {
    throw new ConfigError('SESSION_RETRY_NOTIFY_URL is required when SESSION_RETRY_NOTIFY includes webhook (an ntfy-compatible URL, e.g. https://ntfy.sh/<your-topic>)')
  }
  return { cometaUrl, notify: { desktop: channels.has('desktop'), webhook: channels.has('webhook'), webhookUrl } }
}

/** `off` (or unset, or empty), or a comma list of channels, any case, spaces allowed. */
function notifyChannels(env: NodeJS.ProcessEnv): Set<NotifyChannel> {
  const name = 'SESSION_RETRY_NOTIFY'
  const raw = env[name]
  const words = (raw ?? '').split(',').map(w => w.trim().toLowerCase())
  if (words.every(w => w === '') || (words.length === 1 && words[0] === 'off')) return new Set()
  const channels = new Set<NotifyChannel>()
  for (const word of words) {
    if (!(NOTIFY_CHANNELS as readonly string[]).includes(word)) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)} must be off, or a comma list of ${NOTIFY_CHANNELS.join(', ')} (e.g. desktop,webhook)`)
    }
    channels.add(word as NotifyChannel)
  }
  return channels
}

/** An optional http(s) URL; unset or empty is null. */
function httpUrl(env: NodeJS.ProcessEnv, name: string, example: string): string | null {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a URL (${example})`)
  }
  if (url.username !== '' || url.password !== '') {
    // fetch() refuses such URLs, and the secret would end up in logs and /health.
    throw new ConfigError(`${name} must not contain user:password@ credentials`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} must be an http:// or https:// URL (${example})`)
  }
  return raw
}
