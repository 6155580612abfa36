// `session-retry supervisor start`: runs `session-retry supervisor run` detached, its output
// appended to <home>/logs/supervisor.out, and waits until it is ready: its pid is in the pid
// file (written once it holds the singleton lock) and it is alive.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, fstatSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../config/load-config.js'
import { homePaths, LOG_MAX_BYTES, type HomePaths } from '../../journal/home-paths.js'
import { ensureHomeDir } from '../../journal/safe-dirs.js'
import { openAppendSync, readFileSafe, rotateIfLarger } from '../../journal/safe-files.js'
import { readPidFile, runningSupervisorPid } from '../../supervisor/singleton.js'
import type { CliIo } from '../cli-io.js'
import { isProcessAlive, pollUntil, seconds } from '../supervisor-process.js'

export const START_DEADLINE_MS = 15_000
/** Lines of supervisor.out shown when the supervisor exits before it is ready. */
export const OUTPUT_TAIL_LINES = 20

export interface StartOptions {
  /** The CLI script the child runs; default: the built main.js next to this folder. */
  entry?: string
  deadlineMs?: number
}

export function supervisorOutputFile(paths: HomePaths): string {
  return join(paths.logsDir, 'supervisor.out')
}

export async function supervisorStartCommand(io: CliIo, options: StartOptions = {}): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const paths = homePaths(config.home)
  const running = runningSupervisorPid(paths)
  if (running !== null) {
    io.stderr(`session-retry: supervisor already running (pid ${running})\n`)
    return 1
  }
  const entry = options.entry ?? fileURLToPath(new URL('../main.js', import.meta.url))
  if (!existsSync(entry)) {
    io.stderr(`session-retry: cannot start the supervisor: ${entry} is missing (build the package first)\n`)
    return 1
  }
  ensureHomeDir(paths.home, paths.logsDir)
  const outFile = supervisorOutputFile(paths)
  rotateIfLarger(outFile, LOG_MAX_BYTES)
  const out = openAppendSync(outFile)
  let from: number
  let exited: string | null = null
  let pid: number | undefined
  try {
    writeSync(out, `--- ${new Date(io.now()).toISOString()} supervisor start (requested by pid ${process.pid})\n`)
    from = fstatSync(out).size
    const child = spawn(process.execPath, [entry, 'supervisor', 'run'], {
      detached: true,
      stdio: ['ignore', out, out],
      cwd: config.home,
      env: { ...io.env, SESSION_RETRY_HOME: config.home },
    })
    child.on('error', error => (exited ??= `could not be started: ${error.message}`))
    child.on('exit', (code, signal) => (exited ??= signal ? `was killed by ${signal}` : `exited with code ${code}`))
    child.unref()
    pid = child.pid
  } finally {
    closeSync(out)
  }
  const ready = await pollUntil(
    () => exited !== null || (pid !== undefined && readPidFile(paths) === pid && isProcessAlive(pid)),
    options.deadlineMs ?? START_DEADLINE_MS,
  )
  if (exited !== null || pid === undefined) {
    io.stderr(`session-retry: the supervisor ${exited ?? 'could not be started'} before it was ready; the end of ${outFile}:\n`)
    io.stderr(outputTail(outFile, from))
    return 1
  }
  if (!ready) {
    io.stderr(`session-retry: the supervisor (pid ${pid}) is not ready after ${seconds(options.deadlineMs ?? START_DEADLINE_MS)}; it is still starting, see ${outFile}\n`)
    return 1
  }
  io.stdout(`supervisor started (pid ${pid})\n`)
  return 0
}

/** The last lines the child wrote (from `from` on), indented. */
function outputTail(file: string, from: number): string {
  let text: string
  try {
    text = Buffer.from(readFileSafe(file)).subarray(from).toString('utf8')
  } catch (error) {
    return `  (cannot read it: ${(error as NodeJS.ErrnoException).code})\n`
  }
  const lines = text.split('\n').filter(line => line.trim() !== '').slice(-OUTPUT_TAIL_LINES)
  return lines.length ? lines.map(line => `  ${line}\n`).join('') : '  (no output)\n'
}
