// Starting the supervisor in the background, and what its output file says about it. One start for
// the hook's autostart (SessionStart starts a supervisor when none is alive, so a user who installed
// the plugin needs nothing else) and for `session-retry supervisor start`: the child's output goes
// to <home>/logs/supervisor.out after a marker line, and the start waits for the child's ready
// line, or its exit, before saying anything. Node built-ins only: the hook's stage 2 is one bundled
// file. A race between two starts is harmless: the supervisor's singleton lock turns the second away.
import { spawn } from 'node:child_process'
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs'
import { LOG_MAX_BYTES, type HomePaths } from '../home/home-paths.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { openAppendSync, openReadSync, rotateIfLarger } from '../home/safe-files.js'
import { runningSupervisorPid } from '../home/supervisor-pid.js'
import { switchIsOff } from '../config/hook-switches.js'

export const START_DEADLINE_MS = 15_000
/** Lines of supervisor.out kept when the supervisor exits before it is ready. */
export const OUTPUT_TAIL_LINES = 20
const POLL_MS = 50
/** How much of the end of supervisor.out is read to find the last start and ready lines. */
const SCAN_BYTES = 256 * 1024

/**
 * What Claude Code sets for the commands it runs (hooks, the Bash tool), about the session that runs
 * them (2.1.331). A supervisor outlives that session and must not hand them to the sessions it
 * resumes: they would name a dead session, its socket and its plugin folder.
 */
export const CLAUDE_SESSION_VARIABLES: readonly string[] = [
  'AI_AGENT',
  'CLAUDECODE',
  'CLAUDE_CODE_CHILD_NOTES_DIR',
  'CLAUDE_CODE_CHILD_SESSION',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_CODE_MESSAGING_SOCKET',
  'CLAUDE_CODE_MESSAGING_TOKEN',
  'CLAUDE_CODE_SESSION_ATTENDED',
  'CLAUDE_CODE_SESSION_ID',
  'CLAUDE_ENV_FILE',
  'CLAUDE_PID',
  'CLAUDE_PLUGIN_DATA',
  'CLAUDE_PLUGIN_ROOT',
  'CLAUDE_PROJECT_DIR',
]

/** The environment a background supervisor starts with: the caller's, without Claude Code's session variables. */
export function supervisorEnvironment(env: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, SESSION_RETRY_HOME: home }
  for (const name of CLAUDE_SESSION_VARIABLES) delete clean[name]
  return clean
}

export function autostartDisabled(env: NodeJS.ProcessEnv): boolean {
  return switchIsOff(env, 'SESSION_RETRY_AUTOSTART')
}

export function supervisorAlive(paths: HomePaths): boolean {
  return runningSupervisorPid(paths) !== null
}


export interface ReadyLine {
  pid: number
  home: string
  /** The HTTP API's port, or null when the API did not start. */
  port: number | null
}

/** What `supervisor run` prints once it serves its home; starts, `supervisor status` and `doctor` read it back. */
export function formatReadyLine({ pid, home, port }: ReadyLine): string {
  return `supervisor: ready (pid ${pid}, home ${home}, port ${port ?? 'none'})`
}

const READY = /^supervisor: ready \(pid (\d+), home (.*), port (\d+|none)\)$/
const API_FAILED = /HTTP API not started: (.*)$/
const START = /^--- (\S+) supervisor start \((.*)\)$/

export function parseReadyLine(line: string): ReadyLine | null {
  const match = READY.exec(line)
  return match ? { pid: Number(match[1]), home: match[2]!, port: match[3] === 'none' ? null : Number(match[3]) } : null
}

export type StartOutcome =
  | { kind: 'ready'; pid: number; port: number | null; apiError: string | null }
  /** It exited (or could not be spawned) before it was ready; `output` is the end of what it printed. */
  | { kind: 'exited'; pid: number | null; how: string; output: string[] }
  /** Another supervisor won the race and serves the home. */
  | { kind: 'other'; pid: number }
  | { kind: 'slow'; pid: number }

/**
 * Node flags every supervisor start site passes (this start, the service units). The supervisor's
 * allocations are short-lived, yet V8 lets the young generation grow to 16 MiB per semi-space, and
 * the heap keeps that high-water mark: capped at 4 MiB, RSS under `npm run bench`'s load (1,000
 * sessions, 100 events/s) peaks about 20 MiB lower at the same CPU. V8 reads it only at start-up.
 */
export const SUPERVISOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4']

/** The supervisor's command line: `<node> <flags> <cli> supervisor run`. */
export function supervisorCommand(nodePath: string, cliMain: string): string[] {
  return [nodePath, ...SUPERVISOR_NODE_FLAGS, cliMain, 'supervisor', 'run']
}

export interface StartRequest {
  /** The CLI script to run as `<script> supervisor run`. */
  cliMain: string
  env: NodeJS.ProcessEnv
  /** Who asked, for the marker line in supervisor.out. */
  requestedBy: string
  now: number
  deadlineMs?: number
}

/** Starts `supervisor run` detached and waits until it is ready, has exited, or the deadline passed. */
export async function startSupervisorProcess(paths: HomePaths, request: StartRequest): Promise<StartOutcome> {
  ensureHomeDir(paths.home, paths.logsDir)
  const outFile = paths.supervisorOutput
  rotateIfLarger(outFile, LOG_MAX_BYTES)
  const out = openAppendSync(outFile)
  let from: number
  let exited: string | null = null
  let pid: number | null = null
  try {
    writeSync(out, `--- ${new Date(request.now).toISOString()} supervisor start (${request.requestedBy})\n`)
    from = fstatSync(out).size
    const [node, ...args] = supervisorCommand(process.execPath, request.cliMain)
    const child = spawn(node!, args, {
      detached: true,
      stdio: ['ignore', out, out],
      cwd: paths.home,
      env: supervisorEnvironment(request.env, paths.home),
    })
    child.on('error', error => (exited ??= `could not be started: ${error.message}`))
    child.on('exit', (code, signal) => (exited ??= signal ? `was killed by ${signal}` : `exited with code ${code}`))
    child.unref()
    pid = child.pid ?? null
  } finally {
    closeSync(out)
  }
  const deadline = Date.now() + (request.deadlineMs ?? START_DEADLINE_MS)
  for (;;) {
    const text = readFrom(outFile, from)
    const ready = pid === null ? null : lastReady(text, pid)
    if (ready && exited === null) return { kind: 'ready', pid: ready.pid, port: ready.port, apiError: apiError(text) }
    if (exited !== null || pid === null) {
      const other = runningSupervisorPid(paths)
      if (other !== null && other !== pid) return { kind: 'other', pid: other }
      return { kind: 'exited', pid, how: exited ?? 'could not be started', output: lines(text).slice(-OUTPUT_TAIL_LINES) }
    }
    if (Date.now() >= deadline) return { kind: 'slow', pid }
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
}

/** The text of `file` from byte `from` on, or from `size - fromEnd` ('' when it cannot be read). */
function readFrom(file: string, from: number, fromEnd = false): string {
  let fd: number
  try {
    fd = openReadSync(file)
  } catch {
    return ''
  }
  try {
    const size = fstatSync(fd).size
    const start = fromEnd ? Math.max(0, size - from) : from
    if (size <= start) return ''
    const buffer = Buffer.alloc(size - start)
    const read = readSync(fd, buffer, 0, buffer.length, start)
    return buffer.subarray(0, read).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter(line => line.trim() !== '')
}

function lastReady(text: string, pid: number): ReadyLine | null {
  const found = lines(text).map(parseReadyLine).filter(r => r?.pid === pid)
  return found.at(-1) ?? null
}

function apiError(text: string): string | null {
  const found = lines(text).map(line => API_FAILED.exec(line)?.[1]).filter(Boolean)
  return found.at(-1) ?? null
}

/** The last start recorded in supervisor.out, as `doctor` and `supervisor status` report it. */
export interface LastStart {
  /** When the start was asked for (ISO), or null for a supervisor started without a marker (a service). */
  at: string | null
  requestedBy: string | null
  ready: ReadyLine | null
  apiError: string | null
  /** The last lines printed after the marker. */
  output: string[]
}

/**
 * The last start in supervisor.out, or null when there is none. With `pid`: the start whose ready
 * line names that pid (a supervisor the service manager started has a ready line but no marker).
 */
export function readLastStart(paths: HomePaths, pid: number | null = null): LastStart | null {
  const all = lines(readFrom(paths.supervisorOutput, SCAN_BYTES, true))
  const isMarker = (line: string) => START.test(line)
  let end = all.length
  if (pid !== null) {
    const readyAt = lastIndex(all, all.length, line => parseReadyLine(line)?.pid === pid)
    if (readyAt === -1) return null
    const next = all.findIndex((line, i) => i > readyAt && isMarker(line))
    end = next === -1 ? all.length : next
  }
  const markerAt = lastIndex(all, end, isMarker)
  if (markerAt === -1 && pid === null) return null
  const marker = markerAt === -1 ? null : START.exec(all[markerAt]!)
  const after = all.slice(markerAt + 1, end)
  const ready = after.map(parseReadyLine).filter(r => r !== null).at(-1) ?? null
  return { at: marker?.[1] ?? null, requestedBy: marker?.[2] ?? null, ready, apiError: apiError(after.join('\n')), output: after.slice(-OUTPUT_TAIL_LINES) }
}

/** The index of the last item before `end` that matches, or -1. */
function lastIndex(items: string[], end: number, match: (item: string) => boolean): number {
  for (let i = end - 1; i >= 0; i--) if (match(items[i]!)) return i
  return -1
}
