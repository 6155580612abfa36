// `session-retry statusline`: Claude Code runs it after every turn with the status-line JSON on
// stdin (facts §9). It records `rate_limits` to <home>/usage.json and returns one short line.
// It never throws and never reports a stack: whatever goes wrong, the user still gets a line.
// Imports only node: built-ins and small own modules (it is bundled into dist/hooks/statusline.cjs).
import { readFileSync } from 'node:fs'
import { homePaths, resolveHome } from '../journal/home-paths.js'
import { formatUsage, projectDirs, schedulesForProject, schedulesFrom, statusLineText, waitingHint } from './statusline-text.js'
import { MAX_USAGE_FILE_BYTES, currentWindows, parseUsageFile, usageFromStatusLine, writeUsageFile, type UsageFile } from './usage-file.js'

/** Status-line JSON larger than this is not looked at (2.1.331 sends about 2 KB). */
export const MAX_STATUSLINE_INPUT_BYTES = 256 * 1024
/** Stop waiting for stdin after this long: Claude Code writes it at once and closes it. */
export const STDIN_TIMEOUT_MS = 2_000

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

function readSmall(path: string, maxBytes: number): string | null {
  try {
    const text = readFileSync(path, 'utf8')
    return text.length > maxBytes ? null : text
  } catch {
    return null
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
        : waitingHint(schedulesForProject(schedulesFrom(parseJson(readSmall(paths.resumeSchedule, 4 * 1024 * 1024))), dirs), options.now)
    const line = statusLineText(formatUsage(usage), hint, error ? `usage not saved: ${error}` : '')
    return error === undefined ? { line, recorded } : { line, recorded, error }
  } catch (e) {
    // Nothing above should throw; if it does, still print a line.
    return { line: statusLineText('', ''), recorded: false, error: errorCode(e) }
  }
}

/**
 * Reads a readable stream (process.stdin) to its end, at most `maxBytes`, giving up after
 * `timeoutMs`. A TTY is not read (someone ran the command by hand): ''. Never rejects.
 */
export function readInput(
  stream: NodeJS.ReadableStream & { isTTY?: boolean; destroy?: () => void },
  { maxBytes = MAX_STATUSLINE_INPUT_BYTES, timeoutMs = STDIN_TIMEOUT_MS } = {},
): Promise<string> {
  if (stream.isTTY) return Promise.resolve('')
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      stream.removeListener('data', onData)
      stream.destroy?.()
      // Over the limit: nothing (taken as bad input).
      resolve(size > maxBytes ? '' : Buffer.concat(chunks).toString('utf8'))
    }
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += buffer.length
      if (size > maxBytes) finish()
      else chunks.push(buffer)
    }
    const timer = setTimeout(finish, timeoutMs)
    stream.on('data', onData)
    stream.once('end', finish)
    stream.once('error', finish)
  })
}
