// The supervisor as a process, seen from the CLI: is it alive, is that pid really ours, where its
// HTTP API answers, and polling with a deadline (stop waits for an outcome, never for a fixed time).
import { readFileSync } from 'node:fs'
import { readLastStart } from '../hook/autostart-supervisor.js'
import type { HomePaths } from '../home/home-paths.js'
import { isProcessAlive } from '../os/process-identity.js'

export { isProcessAlive }

export const POLL_MS = 50

/**
 * False only when the process's command line is readable (Linux /proc) and does not mention
 * `supervisor`: the pid in the pid file was reused by another program, which must not be signalled.
 */
export function looksLikeSupervisor(pid: number): boolean {
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return true
  }
  return cmdline === '' || cmdline.includes('supervisor')
}

/** Polls `probe` until it returns true or `deadlineMs` passes; resolves to whether it did. */
export async function pollUntil(probe: () => boolean, deadlineMs: number, pollMs: number = POLL_MS): Promise<boolean> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    if (probe()) return true
    if (Date.now() >= deadline) return false
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}

/** `10 s`, `0.3 s`: a deadline as people read it. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

export type HealthProbe = { pid: number | null } | { error: string }

/** Who answers GET /health on 127.0.0.1:`port`: the pid it reports, or why nothing answered like a supervisor. */
export async function probeHealth(port: number, timeoutMs = 2000): Promise<HealthProbe> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) })
    const body = (await response.json().catch(() => ({}))) as { pid?: unknown }
    return { pid: typeof body.pid === 'number' ? body.pid : null }
  } catch (error) {
    return { error: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message }
  }
}

export interface HttpStatus {
  /** Where the running supervisor's HTTP API answers, or null. */
  url: string | null
  /** Why there is no url. */
  problem: string | null
}

/**
 * The HTTP address of the supervisor `pid`: the port from its ready line in supervisor.out (the
 * configured port may be 0, or taken by another home's supervisor), checked with GET /health.
 */
export async function supervisorHttp(paths: HomePaths, pid: number, configuredPort: number): Promise<HttpStatus> {
  const start = readLastStart(paths, pid)
  if (start?.ready && start.ready.port === null) return { url: null, problem: `its HTTP API did not start: ${start.apiError ?? `see ${paths.supervisorOutput}`}` }
  const port = start?.ready?.port ?? configuredPort
  if (port === 0) return { url: null, problem: `unknown: no ready line from pid ${pid} in ${paths.supervisorOutput}` }
  const url = `http://127.0.0.1:${port}`
  const probe = await probeHealth(port)
  if ('error' in probe) return { url: null, problem: `${url} does not answer (${probe.error})` }
  if (probe.pid !== pid) return { url: null, problem: `${url} is served by another program (pid ${probe.pid ?? '?'}), not by this supervisor` }
  return { url, problem: null }
}
