// JSON lines in <home>/logs/session-retry.log. Appends are synchronous so the last words
// before a crash are on disk; a logger that cannot write never takes the supervisor down.
// The file is opened without following a link, in a checked folder, and rotated at LOG_MAX_BYTES.
import { dirname } from 'node:path'
import { LOG_MAX_BYTES } from './home-paths.js'
import { ensureHomeDir } from './safe-dirs.js'
import { appendFileSafe } from './safe-files.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/** `file` is <home>/logs/<name>; its folders are created and checked on every write (a few lstat calls). */
export function createFileLogger(file: string, level: LogLevel, now: () => number = Date.now, echo?: (line: string) => void): Logger {
  const logsDir = dirname(file)
  const home = dirname(logsDir)
  const write = (at: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[at] < RANK[level]) return
    const line = JSON.stringify({ ts: isoNow(now), level: at, msg, ...fields }) + '\n'
    try {
      ensureHomeDir(home, logsDir)
      appendFileSafe(file, line, { maxBytes: LOG_MAX_BYTES })
    } catch {
      // The log is a convenience; the state files are the record.
    }
    echo?.(line)
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  }
}

/** A clock gone wrong must not make logging throw. */
function isoNow(now: () => number): string {
  const date = new Date(now())
  return Number.isNaN(date.getTime()) ? String(now()) : date.toISOString()
}
