// JSON lines in <home>/logs/session-retry.log. Appends are synchronous so the last words
// before a crash are on disk; a logger that cannot write never takes the supervisor down.
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { LogLevel } from '../config/load-config.js'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export function createFileLogger(file: string, level: LogLevel, now: () => number = Date.now, echo?: (line: string) => void): Logger {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const write = (at: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[at] < RANK[level]) return
    const line = JSON.stringify({ ts: new Date(now()).toISOString(), level: at, msg, ...fields }) + '\n'
    try {
      appendFileSync(file, line, { mode: 0o600 })
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
