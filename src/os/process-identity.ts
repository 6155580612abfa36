// Is a process alive, and is it still the one we mean? `kill(pid, 0)` alone says yes for a zombie
// (a child nobody reaped, e.g. in a container whose PID 1 does not reap) and for an unrelated
// process that was given a reused pid. So a process is identified by its pid plus its start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot: it never changes for a process and a
// reused pid gets a new one), and a zombie counts as dead. Where /proc does not exist (macOS) the
// start time is unknown and identity falls back to the pid. Node built-ins only: the hook's stage 2
// bundles this file.
import { readFileSync } from 'node:fs'

export interface ProcessIdentity {
  pid: number
  /** null where /proc is not available. */
  startTime: string | null
}

/** A pid we may signal: a positive safe integer, and never 1 (init) or our own process group tricks (≤ 0). */
export function isValidPid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1 && pid <= 4_194_304
}

interface ProcStat {
  state: string
  startTime: string
}

/** Parses /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')')
  if (close === -1) return null
  const fields = text.slice(close + 2).trim().split(' ')
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  const state = fields[0]
  const startTime = fields[19]
  if (!state || !startTime || !/^\d+$/.test(startTime)) return null
  return { state, startTime }
}

function procStat(pid: number): ProcStat | null | 'no-proc' {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return procAvailable() ? null : 'no-proc'
    return 'no-proc'
  }
}

let hasProc: boolean | null = null
function procAvailable(): boolean {
  if (hasProc === null) {
    try {
      readFileSync('/proc/self/stat')
      hasProc = true
    } catch {
      hasProc = false
    }
  }
  return hasProc
}

/** The identity of a live process, or null when it is gone or a zombie. */
export function identify(pid: number): ProcessIdentity | null {
  if (!isValidPid(pid) || !signalable(pid)) return null
  const stat = procStat(pid)
  if (stat === 'no-proc') return { pid, startTime: null }
  if (stat === null || stat.state === 'Z' || stat.state === 'X') return null
  return { pid, startTime: stat.startTime }
}

/** Alive and not a zombie. */
export function isProcessAlive(pid: number): boolean {
  return identify(pid) !== null
}

/** Still the same process: alive, and (where known) started at the recorded time. */
export function isSameProcess(expected: ProcessIdentity): boolean {
  const now = identify(expected.pid)
  if (now === null) return false
  return expected.startTime === null || now.startTime === null || now.startTime === expected.startTime
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** "<pid> <startTime>" (start time "-" when unknown): the format of the product's pid files. */
export function formatIdentity(identity: ProcessIdentity): string {
  return `${identity.pid} ${identity.startTime ?? '-'}\n`
}

/** Reads what formatIdentity wrote; a bare pid (older files) has an unknown start time. */
export function parseIdentity(text: string): ProcessIdentity | null {
  const [pidText, startText] = text.trim().split(/\s+/)
  const pid = Number(pidText)
  if (!isValidPid(pid)) return null
  const startTime = startText && /^\d+$/.test(startText) ? startText : null
  return { pid, startTime }
}
