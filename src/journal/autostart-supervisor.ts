// SessionStart starts the supervisor when none is alive, so a user who installed the plugin needs
// nothing else. Runs in stage 2 (already detached from Claude Code), so it costs no prompt time.
// A race between two SessionStarts is harmless: the supervisor's singleton lock turns the second away.
import { spawn } from 'node:child_process'
import { closeSync } from 'node:fs'
import { join } from 'node:path'
import { LOG_MAX_BYTES, type HomePaths } from './home-paths.js'
import { ensureHomeDir } from './safe-dirs.js'
import { openAppendSync, rotateIfLarger } from './safe-files.js'
import { runningSupervisorPid } from './supervisor-pid.js'

export function autostartDisabled(env: NodeJS.ProcessEnv): boolean {
  return /^(0|false|no|off)$/i.test(env.SESSION_RETRY_AUTOSTART ?? '')
}

export function supervisorAlive(paths: HomePaths): boolean {
  return runningSupervisorPid(paths) !== null
}

/** Starts `session-retry supervisor run` detached; returns its pid, or null when it did not start. */
export function startSupervisorDetached(paths: HomePaths, cliMain: string, env: NodeJS.ProcessEnv): number | null {
  ensureHomeDir(paths.home, paths.logsDir)
  const outFile = join(paths.logsDir, 'supervisor.out')
  rotateIfLarger(outFile, LOG_MAX_BYTES)
  const out = openAppendSync(outFile)
  try {
    const child = spawn(process.execPath, [cliMain, 'supervisor', 'run'], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...env, SESSION_RETRY_HOME: paths.home },
    })
    child.on('error', () => {})
    child.unref()
    return child.pid ?? null
  } finally {
    closeSync(out)
  }
}
