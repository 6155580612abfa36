// Is a session still open in a live Claude Code process? Then resuming it would put a second
// writer on its transcript (docs/claude-code.md#live-sessions). Two hints, either one is enough:
// the pid its hooks reported (and no SessionEnd since), and Claude Code's own registry
// ~/.claude/sessions/<pid>.json, an internal file used as a hint only, always with a liveness check.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isProcessAlive } from '../os/process-identity.js'

export interface OwnerCheck {
  open: boolean
  pid: number | null
  reason: string
}

export interface OwnerHints {
  sessionId: string
  /** The machine's view: no SessionEnd since the owner's last hook. */
  open: boolean
  claudePid: number | null
  /** ~/.claude, or CLAUDE_CONFIG_DIR. */
  claudeConfigDir: string
  isAlive?: (pid: number) => boolean
}

export function checkOwner(hints: OwnerHints): OwnerCheck {
  const alive = hints.isAlive ?? isProcessAlive
  if (hints.open && hints.claudePid && alive(hints.claudePid)) {
    return { open: true, pid: hints.claudePid, reason: `Claude Code process ${hints.claudePid} still has the session open` }
  }
  const registered = registryPid(hints.claudeConfigDir, hints.sessionId)
  if (registered !== null && alive(registered)) {
    return { open: true, pid: registered, reason: `Claude Code process ${registered} lists the session in its sessions registry` }
  }
  return { open: false, pid: null, reason: 'no live Claude Code process has the session open' }
}

function registryPid(configDir: string, sessionId: string): number | null {
  const dir = join(configDir, 'sessions')
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return null
  }
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue
    try {
      const entry = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid?: unknown; sessionId?: unknown }
      if (entry.sessionId === sessionId && Number.isSafeInteger(entry.pid)) return entry.pid as number
    } catch {
      // Being rewritten, or not ours to understand: a hint only.
    }
  }
  return null
}
