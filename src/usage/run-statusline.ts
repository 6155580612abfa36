// `session-retry statusline`: Claude Code runs it after every turn with the status-line JSON on
// stdin (docs/claude-code.md#the-status-line). It records `rate_limits` to <home>/usage.json and returns one short line.
// It never throws and never reports a stack: whatever goes wrong, the user still gets a line.
// Imports only node: built-ins and small own modules (it is bundled into dist/hooks/statusline.cjs).
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { homePaths, resolveHome, summaryFileToRead } from '../home/home-paths.js'
import { formatUsage, projectDirs, schedulesForProject, schedulesFrom, statusLineText, waitingHint } from './statusline-text.js'
import { MAX_USAGE_FILE_BYTES, currentWindows, parseUsageFile, usageFromStatusLine, writeUsageFile, type UsageFile } from './usage-file.js'

/** Status-line JSON larger than this is not looked at (2.1.331 sends about 2 KB). */
export const MAX_STATUSLINE_INPUT_BYTES = 256 * 1024
/** A resume_schedule.json larger than this is not read (a thousand schedules are about 250 KB). */
export const MAX_SCHEDULE_FILE_BYTES = 4 * 1024 * 1024

export interface StatuslineOptions {
  env: NodeJS.ProcessEnv
  now: number
  /** the folder a relative SESSION_RETRY_HOME is taken from */
  cwd?: string
}

export interface StatuslineResult {
  line: string
  /** usage.json was replaced with this run's figures */
  recorded: boolean
  /** why recording failed (an errno code or a short text), when it did */
  error?: string
}

/** The file's text, or null when it is missing, unreadable or larger than `maxBytes`. */
function readSmall(path: string, maxBytes: number): string | null {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    return fstatSync(fd).size > maxBytes ? null : readFileSync(fd, 'utf8')
  } catch {
    return null
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return typeof code === 'string' ? code : 'write failed'
}

export function runStatusline(stdinText: string, options: StatuslineOptions): StatuslineResult {
  try {
    const paths = homePaths(resolveHome(options.env, options.cwd))
    const input = stdinText.length > MAX_STATUSLINE_INPUT_BYTES ? null : parseJson(stdinText)
    let usage: UsageFile | null = usageFromStatusLine(input, options.now)
    let recorded = false
    let error: string | undefined
    if (usage) {
      try {
        writeUsageFile(paths.usageFile, usage)
        recorded = true
      } catch (e) {
        error = errorCode(e)
      }
    } else {
      // A status line without rate_limits (a session's first, before any answer; or bad input):
      // show the last recorded figures whose window has not reset since.
      const stored = readSmall(paths.usageFile, MAX_USAGE_FILE_BYTES)
      const parsed = stored === null ? null : parseUsageFile(stored)
      usage = parsed?.ok ? currentWindows(parsed.usage, options.now) : null
    }
    const dirs = projectDirs(input)
    const hint =
      dirs.length === 0
        ? ''
        : waitingHint(schedulesForProject(schedulesFrom(parseJson(readSmall(summaryFileToRead(paths, 'resumeSchedule'), MAX_SCHEDULE_FILE_BYTES))), dirs), options.now)
    const line = statusLineText(formatUsage(usage), hint, error ? `usage not saved: ${error}` : '')
    return error === undefined ? { line, recorded } : { line, recorded, error }
  } catch (e) {
    // Nothing above should throw; if it does, still print a line.
    return { line: statusLineText('', ''), recorded: false, error: errorCode(e) }
  }
}
