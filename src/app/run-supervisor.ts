// `session-retry supervisor run`: hold the singleton lock, restore, watch, tick, until told to stop.
import type { Config } from '../config/load-config.js'
import { packageVersion } from '../os/package-version.js'
import { startHttpApi, type HttpApi } from '../http/http-api.js'
import type { IntegrationsConfig } from '../integrations/integrations-config.js'
import { startIntegrations } from '../integrations/start-integrations.js'
import { UsageWatch } from '../supervisor/usage-watch.js'
import { homePaths } from '../home/home-paths.js'
import { ensureHome } from '../home/safe-dirs.js'
import { JournalWatcher } from '../supervisor/journal-watcher.js'
import { createFileLogger } from '../home/logger.js'
import { acquireSingleton, AlreadyRunningError } from '../supervisor/singleton.js'
import { Supervisor } from '../supervisor/supervisor.js'

/**
 * How often the spool is swept and the journals reconciled (a readdir, one stat per journal),
 * whatever the watchers reported. Rarely: they are the safety net, and every wake-up of an idle
 * supervisor costs about as much as the work it does.
 */
export const RECONCILE_MS = 30_000

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
  // Read when first needed (a limit banner to parse, a notification to word): asking Intl pages in
  // ICU's data, about 6 MiB that a supervisor waiting for events has no use for.
  let zone: string | undefined
  const localZone = () => (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone)
  const supervisor = new Supervisor({
    config,
    paths,
    log,
    now: Date.now,
    get timeZone() {
      return localZone()
    },
  })
  let takenOver = false
  let takenOverNow = () => {}
  const takenOverSignal = new Promise<void>(resolve => (takenOverNow = resolve))
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
        takenOverNow()
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
  const integrations = startIntegrations({
    config: options.integrations ?? NO_INTEGRATIONS,
    env: process.env,
    supervisor,
    log,
    now: Date.now,
    get timeZone() {
      return localZone()
    },
  })
  const watcher = new JournalWatcher({
    eventsDir: paths.eventsDir,
    spoolDir: paths.spoolDir,
    onJournal: id => void supervisor.journalChanged(id),
    onSpool: () => supervisor.promoteSpool(),
    onError: error => log.warn('watcher error; the periodic reconcile carries on', { error: String(error) }),
    appliedOffset: id => supervisor.sessions.get(id)?.offset ?? 0,
  })
  const timers: NodeJS.Timeout[] = []
  let api: HttpApi | null = null
  const stopRequested = Promise.race([options.stopSignal ?? new Promise<void>(() => {}), takenOverSignal])
  try {
    // The API first: it answers (/health "starting") while a long journal is replayed.
    const usage = new UsageWatch(paths, process.env, config.monitorIntervalMs, log)
    const extraHealth = () => ({ integrations: integrations.health(), usage: usage.current })
    // Resuming sessions matters more than the API: a port clash is reported, not fatal.
    api = await startHttpApi({ config, paths, supervisor, log, now: Date.now, version: packageVersion(), extraHealth }).catch(error => {
      const message = `HTTP API not started: ${(error as Error).message}`
      supervisor.stats.lastError = message
      supervisor.stats.errors++
      log.error(message)
      say(`session-retry: ${message}`)
      return null
    })
    // A stop request during a long replay is honoured at once (the journal is the truth).
    if (!(await Promise.race([supervisor.restoreAll().then(() => true), stopRequested.then(() => false)]))) {
      log.info('supervisor stopping during start-up', { pid: process.pid })
      return takenOver ? 1 : 0
    }
    await watcher.start()
    // Lines and spool files written during the replay, before the watchers were up.
    supervisor.promoteSpool()
    await supervisor.catchUp(watcher.reconcile())
    const refreshUsage = () => void usage.refresh(Date.now(), { waiting: supervisor.hasPending })
    timers.push(setInterval(refreshUsage, config.monitorIntervalMs))
    timers.push(setInterval(() => void supervisor.tick(), config.monitorIntervalMs))
    timers.push(
      setInterval(() => {
        supervisor.promoteSpool()
        void supervisor.catchUp(watcher.reconcile())
      }, Math.min(RECONCILE_MS, config.monitorIntervalMs)),
    )
    await supervisor.tick()
    log.info('supervisor ready', { pid: process.pid, home: config.home, sessions: supervisor.sessions.size, port: api?.port ?? null })
    options.onReady?.({ supervisor, port: api?.port ?? null })
    // Only shown (/health, the dashboard): its first ccusage start (a fork, ~50 ms) waits until ready.
    refreshUsage()
    await stopRequested
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
