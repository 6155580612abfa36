// `session-retry logs [-f] [-n <lines>] [--json]`: the last lines of the supervisor's log,
// <home>/logs/session-retry.log, as readable lines (raw JSON lines with --json); `-f` keeps
// printing new lines (polling the file's size) until Ctrl-C.
import { open, stat } from 'node:fs/promises'
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import { scanLinesBackward } from '../../limits/tail-lines.js'
import type { CliIo } from '../cli-io.js'
import { formatLocalTime } from '../format-time.js'
import { sleep, stopRequest } from '../interrupt.js'
import { UsageError } from '../usage-error.js'

export const DEFAULT_LOG_LINES = 50
export const FOLLOW_POLL_MS = 250
const CHUNK_BYTES = 64 * 1024

export interface LogsOptions {
  follow?: boolean
  lines?: string
  json?: boolean
}

export async function logsCommand(options: LogsOptions, io: CliIo): Promise<number> {
  const count = lineCount(options.lines)
  const file = homePaths(loadConfig(io.env, io.cwd).home).supervisorLog
  const print = (lines: string[]): void => {
    if (lines.length) io.stdout(lines.map(line => (options.json ? line : formatLogLine(line)) + '\n').join(''))
  }
  const tail = await lastLines(file, count, Boolean(options.follow))
  if (tail === null) {
    if (!options.follow) {
      io.stderr(`session-retry: no log yet: ${file} does not exist (the supervisor writes it when it runs)\n`)
      return 1
    }
    io.stderr(`note: ${file} does not exist yet; waiting for it\n`)
  }
  print(tail?.lines ?? [])
  if (!options.follow) return 0
  const stop = stopRequest(io)
  try {
    let pos = tail?.end ?? 0
    while (!stop.signal.aborted) {
      await sleep(FOLLOW_POLL_MS, stop.signal)
      if (stop.signal.aborted) break
      const size = await sizeOf(file)
      if (size < pos) {
        io.stderr(`note: ${file} was truncated or replaced; following it from its start\n`)
        pos = 0
      }
      if (size > pos) {
        const read = await completeLines(file, pos, size)
        pos = read.end
        print(read.lines)
      }
    }
  } finally {
    stop.dispose()
  }
  return 0
}

function lineCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LOG_LINES
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`-n must be a whole number of lines (got "${raw}")`)
  return Number(raw)
}

interface LinesRead {
  lines: string[]
  /** Where the complete lines end: following continues from here. */
  end: number
}

/** The last `count` lines, or null when there is no log file. A torn last line is left out when following. */
async function lastLines(file: string, count: number, following: boolean): Promise<LinesRead | null> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  try {
    const size = (await handle.stat()).size
    if (count === 0) return { lines: [], end: size }
    const lines: string[] = []
    let first = true
    const scan = await scanLinesBackward(handle, { from: 0, to: size, chunkBytes: CHUNK_BYTES }, line => {
      // The first piece is what follows the last newline: empty, or a line still being written.
      const torn = first
      first = false
      if (line.length === 0 || (torn && following)) return false
      lines.push(line.toString('utf8'))
      return lines.length >= count
    })
    return { lines: lines.reverse(), end: scan.completeEnd }
  } finally {
    await handle.close()
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

/** Complete lines in [from, to); `end` stops after the last newline, so a torn line waits. */
async function completeLines(file: string, from: number, to: number): Promise<LinesRead> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(to - from)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from)
    const text = buffer.subarray(0, bytesRead)
    const last = text.lastIndexOf(0x0a)
    if (last < 0) return { lines: [], end: from }
    const lines = text
      .subarray(0, last)
      .toString('utf8')
      .split('\n')
      .filter(line => line.length > 0)
    return { lines, end: from + last + 1 }
  } finally {
    await handle.close()
  }
}

/** `2026-11-25 04:01:00 info  msg key=value`; a line that is not a log record is shown as is. */
export function formatLogLine(line: string): string {
  let record: unknown
  try {
    record = JSON.parse(line)
  } catch {
    return line
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return line
  const { ts, level, msg, ...fields } = record as Record<string, unknown>
  if (typeof msg !== 'string') return line
  const extra = Object.entries(fields)
    .map(([key, value]) => ` ${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`)
    .join('')
  return `${formatLocalTime(ts, { seconds: true })} ${String(level ?? '').padEnd(5)} ${msg}${extra}`
}
