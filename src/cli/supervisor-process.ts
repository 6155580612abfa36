// The supervisor as a process, seen from the CLI: is it alive, is that pid really ours, and
// polling with a deadline (start and stop wait for an outcome, never for a fixed time).
import { readFileSync } from 'node:fs'
import { isProcessAlive } from '../journal/promote-spool.js'

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
