// `session-retry supervisor run`: hold the singleton lock, restore, watch, tick, until told to stop.
import type { Config } from '../config/load-config.js'
import { packageVersion } from '../cli/package-version.js'
import { startHttpApi, type HttpApi } from '../http/http-api.js'
import type { IntegrationsConfig } from '../integrations/integrations-config.js'
import { startIntegrations } from '../integrations/start-integrations.js'
import { UsageWatch } from './usage-watch.js'
import { homePaths } from '../journal/home-paths.js'
import { ensureHome } from '../journal/safe-dirs.js'
import { JournalWatcher } from './journal-watcher.js'
import { createFileLogger } from './logger.js'
import { acquireSingleton, AlreadyRunningError } from './singleton.js'
import { Supervisor } from './supervisor.js'

/** How often journals are reconciled with a readdir + stat, whatever the watcher reported. */
export const RECONCILE_MS = 2_000

export interface SupervisorRunOptions {
  /** Resolves when the supervisor should stop (the CLI passes one tied to SIGTERM/SIGINT). */
  stopSignal?: Promise<void>
  /** Called once the supervisor is ready (lock held, pid file written, initial replay done). */
  onReady?: (ready: { supervisor: Supervisor; port: number | null }) => void
  /** Where one-line human messages go (the CLI passes stderr). */
  say?: (line: string) => void
  /** Cometa sync and notifications; off when absent. */
  integrations?: IntegrationsConfig
}

const NO_INTEGRATIONS: IntegrationsConfig = { cometaUrl: null, notify: { desktop: false, webhook: false, webhookUrl: null } }

export async function runSupervisor(config: Config, options: SupervisorRunOptions = {}): Promise<number> {
  const say = options.say ?? (line => process.stderr.write(line + '\n'))
  const paths = homePaths(config.home)
  // An unusable or unsafe home ends the start here, with a message naming SESSION_RETRY_HOME.
  ensureHome(paths.home)
  const log = createFileLogger(paths.supervisorLog, config.logLevel)
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone })
  let takenOver = false
  let singleton
  try {
    singleton = await acquireSingleton(paths, {
      onChange: state => {
        supervisor.home.setLock(state)
        if (state.problem) log.warn('supervisor degraded', { problem: state.problem })
        else log.info('supervisor lock held and pid file written again')
        if (state.held) void supervisor.tick()
      },
      onTakenOver: pid => {
        takenOver = true
        log.error('another supervisor took over this home; stopping', { pid })
      },
    })
  } catch (error) {
    if (error instanceof AlreadyRunningError) {
      say(`session-retry: ${error.message}; not starting a second one`)
      return 1
    }
    throw error
  }
  supervisor.home.setLock(singleton.state)
  if (singleton.state.problem) log.warn('supervisor starts degraded', { problem: singleton.state.problem })
  const integrations = startIntegrations({ config: options.integrations ?? NO_INTEGRATIONS, env: process.env, supervisor, log, now: Date.now, timeZone })
  const watcher = new JournalWatcher({
    eventsDir: paths.eventsDir,
    spoolDir: paths.spoolDir,
    onJournal: id => void supervisor.refresh(id),
    onSpool: () => supervisor.promoteSpool(),
    onError: error => log.warn('watcher error; the periodic reconcile carries on', { error: String(error) }),
    appliedOffset: id => supervisor.sessions.get(id)?.offset ?? 0,
  })
  const timers: NodeJS.Timeout[] = []
  let api: HttpApi | null = null
  try {
    await supervisor.restoreAll()
    await watcher.start()
    // Resuming sessions matters more than the API: a port clash is reported, not fatal.
    const usage = new UsageWatch(paths, process.env, config.monitorIntervalMs, log)
    timers.push(setInterval(() => void usage.refresh(Date.now()), config.monitorIntervalMs))
    void usage.refresh(Date.now())
    const extraHealth = () => ({ integrations: integrations.health(), usage: usage.current })
    api = await startHttpApi({ config, paths, supervisor, log, now: Date.now, version: packageVersion(), extraHealth }).catch(error => {
      const message = `HTTP API not started: ${(error as Error).message}`
      supervisor.stats.lastError = message
      supervisor.stats.errors++
      log.error(message)
      say(`session-retry: ${message}`)
      return null
    })
    timers.push(setInterval(() => void supervisor.tick(), config.monitorIntervalMs))
    timers.push(
      setInterval(() => {
        supervisor.promoteSpool()
        void watcher.reconcile().then(ids => ids.forEach(id => void supervisor.refresh(id)))
      }, Math.min(RECONCILE_MS, config.monitorIntervalMs)),
    )
    await supervisor.tick()
    log.info('supervisor ready', { pid: process.pid, home: config.home, sessions: supervisor.sessions.size, port: api?.port ?? null })
    options.onReady?.({ supervisor, port: api?.port ?? null })
    await Promise.race([
      options.stopSignal ?? new Promise(() => {}),
      new Promise<void>(resolve => {
        const poll = setInterval(() => takenOver && resolve(), 500)
        timers.push(poll)
      }),
    ])
    log.info('supervisor stopping', { pid: process.pid })
    return takenOver ? 1 : 0
  } finally {
    for (const timer of timers) clearInterval(timer)
    await api?.close().catch(() => {})
    await watcher.stop().catch(() => {})
    await supervisor.stop().catch(() => {})
    await integrations.close()
    await singleton.release()
  }
}
