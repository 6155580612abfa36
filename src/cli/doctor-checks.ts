// `session-retry doctor`: each check says what it found and, when something is wrong, what to do.
import { readdirSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config/load-config.js'
import { compareVersions } from '../install/claude-settings.js'
import { claudeVersion, findOurHooks, hookRoutes, readSettingsOrEmpty } from '../install/install-hooks.js'
import { resolveBin } from '../install/resolve-bin.js'
import { autostartDisabled, readLastStart } from '../hook/autostart-supervisor.js'
import type { HomePaths } from '../home/home-paths.js'
import { ensureHome } from '../home/safe-dirs.js'
import { writeNewFileSync } from '../home/safe-files.js'
import { runningSupervisorPid } from '../supervisor/singleton.js'
import { probeHealth } from './supervisor-process.js'

export interface Check {
  name: string
  ok: boolean
  detail: string
  /** A problem that does not stop the product from working. */
  warning?: boolean
}

export const MIN_NODE = '20.19.0'
/** Claude Code's own auto-continue exists from about this version (docs/claude-code.md#its-own-auto-continue). */
export const AUTO_CONTINUE_SINCE = '2.1.234'

export async function runChecks(config: Config, paths: HomePaths, env: NodeJS.ProcessEnv, cwd: string, now: number): Promise<Check[]> {
  const checks: Check[] = [nodeCheck(), homeCheck(paths)]
  const bin = resolveBin(config.claudeBin, env.PATH ?? '')
  checks.push(bin ? { name: 'claude', ok: true, detail: bin } : { name: 'claude', ok: false, detail: `${config.claudeBin} not found on PATH: set SESSION_RETRY_CLAUDE_BIN` })
  const version = bin ? await claudeVersion(bin) : null
  checks.push(version ? { name: 'Claude Code', ok: true, detail: version } : { name: 'Claude Code', ok: false, detail: 'could not run `claude --version`' })
  checks.push(hooksCheck(config, cwd, paths, now))
  const pid = runningSupervisorPid(paths)
  checks.push(supervisorCheck(paths, pid, env))
  checks.push(await portCheck(config.port, pid))
  checks.push(autoContinueCheck(config, version))
  return checks
}

function nodeCheck(): Check {
  const version = process.versions.node
  const ok = compareVersions(version, MIN_NODE) >= 0
  return { name: 'Node.js', ok, detail: ok ? version : `${version} is older than ${MIN_NODE}` }
}

function homeCheck(paths: HomePaths): Check {
  try {
    ensureHome(paths.home)
    const probe = join(paths.home, `.doctor-${process.pid}`)
    writeNewFileSync(probe, 'ok')
    unlinkSync(probe)
    return { name: 'home', ok: true, detail: `${paths.home} is writable` }
  } catch (error) {
    return { name: 'home', ok: false, detail: `${paths.home} is not writable: ${(error as Error).message}` }
  }
}

function hooksCheck(config: Config, cwd: string, paths: HomePaths, now: number): Check {
  const sources = findOurHooks(config.claudeConfigDir, cwd)
  const routes = hookRoutes(sources)
  const recent = newestJournal(paths)
  const seen = recent !== null && now - recent < 7 * 86_400_000 ? `; last event ${new Date(recent).toISOString()}` : '; no event recorded in the last 7 days'
  if (routes.length > 1) {
    return {
      name: 'hooks',
      ok: false,
      detail: `doubled: ${routes.join(' and ')} each record every event, so every event is journaled twice; keep one (session-retry uninstall [--scope …] removes hooks from settings, claude plugin disable <id> the plugin)${seen}`,
    }
  }
  const plugins = sources.flatMap(s => s.plugins)
  if (plugins.length > 0) return { name: 'hooks', ok: true, detail: `plugin enabled (${plugins[0]})${seen}` }
  const events = sources.flatMap(s => s.events)
  if (events.length > 0) return { name: 'hooks', ok: true, detail: `in settings for ${[...new Set(events)].join(', ')}${seen}` }
  return { name: 'hooks', ok: false, detail: `not found in settings nor as an enabled plugin: session-retry install (or the plugin)${seen}` }
}

/** Running, or not running and why: a start that died before it was ready is reported with its last words. */
function supervisorCheck(paths: HomePaths, pid: number | null, env: NodeJS.ProcessEnv): Check {
  if (pid !== null) return { name: 'supervisor', ok: true, detail: `running (pid ${pid})` }
  const last = readLastStart(paths)
  if (last && !last.ready) {
    const words = last.output.at(-1) ?? '(no output)'
    return { name: 'supervisor', ok: false, detail: `not running: its last start (${last.at}, ${last.requestedBy}) died before it was ready: ${words} (see ${paths.supervisorOutput})` }
  }
  const next = autostartDisabled(env) ? 'SESSION_RETRY_AUTOSTART is off' : 'or it starts with the next Claude Code session'
  return { name: 'supervisor', ok: false, detail: `not running: session-retry supervisor start (${next})` }
}

function newestJournal(paths: HomePaths): number | null {
  let newest: number | null = null
  for (const name of (() => { try { return readdirSync(paths.eventsDir) } catch { return [] } })()) {
    try {
      const m = statSync(join(paths.eventsDir, name)).mtimeMs
      if (newest === null || m > newest) newest = m
    } catch {
      // gone
    }
  }
  return newest
}

async function portCheck(port: number, supervisorPid: number | null): Promise<Check> {
  const name = `port ${port}`
  const probe = await probeHealth(port)
  if ('pid' in probe) {
    if (supervisorPid !== null && probe.pid === supervisorPid) return { name, ok: true, detail: 'served by our supervisor' }
    return { name, ok: false, detail: `in use by another program (pid ${String(probe.pid ?? '?')}): set SESSION_RETRY_PORT` }
  }
  if (probe.error === 'ECONNREFUSED') return { name, ok: supervisorPid === null, detail: supervisorPid === null ? 'free' : 'our supervisor runs but does not answer on it (see session-retry supervisor status)' }
  return { name, ok: false, detail: `in use, but not answering like a supervisor (${probe.error})` }
}

function autoContinueCheck(config: Config, version: string | null): Check {
  const name = 'auto-continue'
  if (!version || compareVersions(version, AUTO_CONTINUE_SINCE) < 0) {
    return { name, ok: true, warning: true, detail: 'this Claude Code has no auto-continue: every limited session is resumed by the supervisor' }
  }
  const setting = readSettingsOrEmpty(join(config.claudeConfigDir, 'settings.json')).autoContinueAtUsageLimit
  return setting === false
    ? { name, ok: true, detail: 'off in Claude Code: open sessions wait; the supervisor asks you (needsUser) instead of writing under them' }
    : { name, ok: true, detail: 'on in Claude Code: open interactive sessions continue by themselves; closed and -p sessions are resumed by the supervisor' }
}
