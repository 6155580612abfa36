// Desktop notifications: `notify-send` on Linux, `osascript` on macOS, run with execFile and an
// argument array (no shell). Fire and forget: a missing binary is logged once and never crashes;
// at most `maxInFlight` run at once, the rest are skipped (a burst of limits is one moment anyway).
import { execFile } from 'node:child_process'
import type { Logger } from '../home/logger.js'

export const DESKTOP_DEFAULTS = {
  timeoutMs: 10_000,
  maxInFlight: 4,
  appName: 'smart-session-retry',
} as const

export interface Notification {
  title: string
  body: string
}

export interface DesktopCommand {
  file: string
  args: string[]
}

/** An AppleScript string literal: backslashes and double quotes escaped, in double quotes. */
export function appleScriptString(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
}

/** The command that shows `n` on `platform`, or null where there is none. */
export function desktopCommand(platform: NodeJS.Platform, n: Notification): DesktopCommand | null {
  if (platform === 'darwin') {
    return { file: 'osascript', args: ['-e', `display notification ${appleScriptString(n.body)} with title ${appleScriptString(n.title)}`] }
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    // `--` so a title or body starting with `-` is never read as an option.
    return { file: 'notify-send', args: [`--app-name=${DESKTOP_DEFAULTS.appName}`, '--', n.title, n.body] }
  }
  return null
}

export interface DesktopHealth {
  command: string | null
  shown: number
  failed: number
  skipped: number
  lastError: string | null
}

export interface DesktopNotifierOptions {
  log: Logger
  /** The environment the command runs with (PATH, DISPLAY, DBUS_SESSION_BUS_ADDRESS). */
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  timeoutMs?: number
  maxInFlight?: number
}

export class DesktopNotifier {
  private readonly platform: NodeJS.Platform
  private inFlight = 0
  private readonly warned = new Set<string>()
  private idleWaiters: (() => void)[] = []
  private readonly stats = { shown: 0, failed: 0, skipped: 0, lastError: null as string | null }

  constructor(private readonly options: DesktopNotifierOptions) {
    this.platform = options.platform ?? process.platform
  }

  /** Start showing `n`; returns at once, never throws. */
  show(n: Notification): void {
    const command = desktopCommand(this.platform, n)
    if (!command) {
      this.stats.skipped++
      this.warnOnce('unsupported', `desktop notifications are not supported on ${this.platform}; skipped`)
      return
    }
    if (this.inFlight >= (this.options.maxInFlight ?? DESKTOP_DEFAULTS.maxInFlight)) {
      this.stats.skipped++
      this.options.log.debug('desktop notification skipped: too many still showing', { command: command.file })
      return
    }
    this.inFlight++
    try {
      execFile(command.file, command.args, { env: this.options.env ?? process.env, timeout: this.options.timeoutMs ?? DESKTOP_DEFAULTS.timeoutMs, windowsHide: true }, error =>
        this.done(command.file, error),
      )
    } catch (error) {
      // execFile throws synchronously only for bad arguments; treat it as a failed run.
      this.done(command.file, error as Error)
    }
  }

  health(): DesktopHealth {
    return { command: desktopCommand(this.platform, { title: '', body: '' })?.file ?? null, ...this.stats }
  }

  /** Resolves when no command is running (tests, and close). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve()
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  private done(file: string, error: (Error & { code?: unknown }) | null): void {
    this.inFlight--
    if (!error) {
      this.stats.shown++
    } else {
      this.stats.failed++
      if (error.code === 'ENOENT') {
        this.stats.lastError = `${file} not found on PATH`
        this.warnOnce('missing', `${file} not found on PATH; desktop notifications are skipped (install it, or drop desktop from SESSION_RETRY_NOTIFY)`)
      } else {
        this.stats.lastError = `${file}: ${String(error.message).split('\n')[0]}`
        this.warnOnce('failed', `desktop notification failed (${this.stats.lastError}); later failures are logged at debug level`, this.stats.lastError)
      }
    }
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }

  private warnOnce(key: string, message: string, debugDetail?: string): void {
    if (this.warned.has(key)) {
      if (debugDetail) this.options.log.debug('desktop notification failed', { error: debugDetail })
      return
    }
    this.warned.add(key)
    this.options.log.warn(message)
  }
}
