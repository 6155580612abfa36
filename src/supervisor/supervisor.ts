// The supervisor: journals in, one actor per session, state files out. Every session's work
// (applying its journal, persisting, acting when it falls due) runs through that session's own
// queue, so a session is never applied twice at once, and sessions never wait on each other.
import { DEFAULT_RETRY_POLICY, staggerRetryAt, type RetryPolicyConfig } from '../../state/retry-policy.js'
import type { Config } from '../config/load-config.js'
import { appendRecord } from '../journal/append-record.js'
import { JOURNAL_SCHEMA_VERSION, parseJournalLine } from '../journal/event-record.js'
import { sessionFile, type HomePaths } from '../journal/home-paths.js'
import { isProcessAlive, promoteSpool } from '../journal/promote-spool.js'
import { appendToQuarantine } from '../journal/quarantine.js'
import { ensureHomeDir } from '../journal/safe-dirs.js'
import { readJournalFrom } from '../journal/read-journal.js'
import type { Logger } from './logger.js'
import { recordToEvents } from './record-to-events.js'
import { ResumeRunner } from './resume-runner.js'
import { SessionRuntime, MACHINE_VERSION } from './session-runtime.js'
import { listSessionIds, quarantineState, readSessionState, removeStaleTempFiles, writeSessionState, type HistoryEntry } from './session-store.js'
import { createSessionMachine, type SessionContext, type SessionMachine } from '../../state/session.machine.js'
import { writeSummaryFiles } from './summary-files.js'
import { HomeWrites } from './home-writes.js'
import { randomUUID } from 'node:crypto'

/** current_session.json and resume_schedule.json are rewritten at most this often. */
export const SUMMARY_DELAY_MS = 250

export interface SupervisorOptions {
  config: Config
  paths: HomePaths
  log: Logger
  now: () => number
  timeZone: string
}

export interface Transition extends HistoryEntry {
  sessionId: string
  context: SessionContext
}

export type TransitionListener = (transition: Transition) => void

export interface SupervisorStats {
  startedAt: number
  eventsApplied: number
  linesQuarantined: number
  lastError: string | null
  lastActivityAt: number | null
  errors: number
}

export class Supervisor {
  readonly sessions = new Map<string, SessionRuntime>()
  readonly stats: SupervisorStats
  readonly runner: ResumeRunner
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly policy: RetryPolicyConfig
  private summaryTimer: NodeJS.Timeout | null = null
  private summaryDirty = false
  private summaryWriting = false
  private readonly machine: SessionMachine
  private stopped = false
  /** Transitions are announced only once the start-up replay is done: old ones are history. */
  private live = false
  private readonly transitionListeners: TransitionListener[] = []
  /** Spool events whose "home not writable" failure is logged already; the last sweep error. */
  private readonly spoolReported = new Set<string>()
  private spoolError: string | null = null
  /** The last summary write failed: the next tick writes them again. */
  private summaryPending = false
  /** Is the home writable, is the lock held (set by the singleton): no resume starts otherwise. */
  readonly home: HomeWrites

  constructor(private readonly options: SupervisorOptions) {
    const { config } = options
    this.stats = { startedAt: options.now(), eventsApplied: 0, linesQuarantined: 0, lastError: null, lastActivityAt: null, errors: 0 }
    this.home = new HomeWrites(options.now, {
      onUnwritable: message => this.fail(message),
      onWritable: message => options.log.info(message),
    })
    this.policy = {
      ...DEFAULT_RETRY_POLICY,
      marginMs: config.resumeMarginMs,
      maxAttempts: config.maxAttempts,
      staggerMs: config.staggerMs,
      backoffBaseMs: config.backoffBaseMs,
      backoffCapMs: Math.max(DEFAULT_RETRY_POLICY.backoffCapMs, config.backoffBaseMs),
      longWaitHorizonMs: config.longWaitHorizonMs,
      longWait: config.longWait,
    }
    // One machine definition for every session: building it costs more than an actor does.
    this.machine = createSessionMachine({ now: options.now, policy: this.policy })
    this.runner = new ResumeRunner({
      config,
      paths: options.paths,
      log: options.log,
      now: options.now,
      timeZone: options.timeZone,
      onExit: id => void this.refresh(id),
      recheckIn: (id, ms) => void setTimeout(() => void this.check(id), ms).unref(),
    })
  }

  /** Restore every session from its state file, then apply what its journal has beyond it. */
  async restoreAll(): Promise<void> {
    const { paths, log } = this.options
    for (const dir of [paths.eventsDir, paths.spoolDir, paths.logsDir, paths.resumeLogsDir]) ensureHomeDir(paths.home, dir)
    this.runner.countTodaysLogs()
    const removed = await removeStaleTempFiles(paths)
    if (removed) log.info('removed temp files left by a crash', { removed })
    this.promoteSpool()
    for (const id of await listSessionIds(paths)) await this.load(id)
    for (const id of this.sessions.keys()) await this.refresh(id)
    this.live = true
  }

  /** Called for every state change of every session after start-up (integrations, notifications). */
  onTransition(listener: TransitionListener): void {
    this.transitionListeners.push(listener)
  }

  private async load(id: string): Promise<void> {
    const { paths, log, now } = this.options
    const loaded = await readSessionState(paths, id)
    let runtime: SessionRuntime | null = null
    if (loaded.ok && loaded.state.supervisor.machineVersion === MACHINE_VERSION) {
      runtime = SessionRuntime.restore(loaded.state, this.runtimeOptions())
      if (runtime.failed) runtime = null
    } else if (!loaded.ok && !loaded.missing) {
      const target = await quarantineState(paths, id, now()).catch(() => null)
      log.warn('corrupt state file quarantined; rebuilding the session from its journal', { sessionId: id, error: loaded.error, movedTo: target })
    }
    runtime ??= SessionRuntime.fresh(id, this.runtimeOptions())
    this.sessions.set(id, runtime)
    runtime.send({ type: 'rearm', at: now() })
  }

  private runtimeOptions() {
    return {
      now: this.options.now,
      machine: this.machine,
      resumeLogsDir: this.options.paths.resumeLogsDir,
      onError: (id: string, error: unknown) => this.fail(`session ${id}: machine error: ${String((error as Error)?.message ?? error)}`),
      onChange: (id: string) => void this.persistAndCheck(id),
      onTransition: (id: string, entry: HistoryEntry, context: SessionContext) => {
        if (!this.live) return
        this.logTransition(id, entry, context)
        for (const listener of this.transitionListeners) {
          try {
            listener({ sessionId: id, ...entry, context })
          } catch (error) {
            this.fail(`transition listener: ${(error as Error).message}`)
          }
        }
      },
    }
  }

  /** The steps a person reading the log looks for: a limit scheduled, a session that needs them. */
  private logTransition(id: string, entry: HistoryEntry, context: SessionContext): void {
    const { log } = this.options
    const iso = (ms: number | null | undefined) => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null)
    if (entry.to === 'scheduled' && entry.from !== 'scheduled') {
      log.info('limit detected; resume scheduled', {
        sessionId: id,
        kind: context.limit?.kind ?? null,
        resetAt: iso(context.limit?.resetAt),
        retryAt: iso(context.retryAt),
        source: context.retrySource,
        attempt: context.attempts + 1,
      })
    } else if (entry.to === 'needsUser') {
      log.warn('session needs the user', { sessionId: id, reason: context.needsUserReason })
    } else if (entry.to === 'exhausted') {
      log.warn('gave up resuming the session', { sessionId: id, attempts: context.attempts })
    }
  }

  /** Apply new journal lines, persist, and act on the result. Safe to call any time, any number of times. */
  async refresh(id: string): Promise<void> {
    if (this.stopped) return
    await this.serialize(id, () => this.drain(id))
    await this.check(id)
  }

  /** Apply new complete lines of a session's journal; the caller holds the session's queue. */
  private async drain(id: string): Promise<void> {
    const { paths } = this.options
    let runtime = this.sessions.get(id)
    if (!runtime) {
      runtime = SessionRuntime.fresh(id, this.runtimeOptions())
      this.sessions.set(id, runtime)
    }
    const file = sessionFile(paths, id, 'journal')
    let chunk = await readJournalFrom(file, runtime.offset).catch(error => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    })
    if (!chunk) return
    if (chunk.truncated) {
      this.options.log.warn('journal is shorter than its applied offset; re-reading it (seen events are skipped)', { sessionId: id })
      runtime.offset = 0
      chunk = await readJournalFrom(file, 0)
    }
    for (const line of chunk.lines) {
      await this.applyLine(runtime, line.text)
      runtime.offset = line.end
    }
    if (chunk.lines.length > 0) await this.persist(runtime)
  }

  private async applyLine(runtime: SessionRuntime, text: string): Promise<void> {
    if (text.trim() === '') return
    const parsed = parseJournalLine(text)
    if (!parsed.ok || parsed.value.sessionId !== runtime.sessionId) {
      await this.quarantineLine(runtime.sessionId, text, parsed.ok ? 'line names another session' : parsed.error)
      return
    }
    const record = parsed.value
    if (runtime.hasSeen(record.id)) return
    const events = await recordToEvents(record, { timeZone: this.options.timeZone, transcriptRetries: 3 })
    for (const event of events) runtime.send(event)
    runtime.markSeen(record.id)
    this.stats.eventsApplied++
    this.stats.lastActivityAt = Date.parse(record.ts)
  }

  private async quarantineLine(id: string, text: string, why: string): Promise<void> {
    const { paths, log, now } = this.options
    const entry = JSON.stringify({ quarantinedAt: new Date(now()).toISOString(), sessionId: id, reason: why, line: text.slice(0, 64 * 1024) })
    const kept = appendToQuarantine(paths, `${id}.bad-lines.jsonl`, entry + '\n')
    this.stats.linesQuarantined++
    log.warn(kept ? 'journal line quarantined' : 'journal line dropped: its quarantine file is full', { sessionId: id, reason: why })
  }

  private async persist(runtime: SessionRuntime): Promise<void> {
    try {
      await writeSessionState(this.options.paths, runtime.toStateFile(this.options.now()))
      this.home.succeeded(runtime.sessionId)
    } catch (error) {
      // A read-only or full home: the file is written again by a later tick.
      if (!this.home.failed(error, runtime.sessionId)) throw error
    }
    this.scheduleSummary()
  }

  /** A timer inside a machine moved it (scheduled → due): persist, then act. */
  private async persistAndCheck(id: string): Promise<void> {
    const runtime = this.sessions.get(id)
    if (!runtime || this.stopped) return
    await this.serialize(id, () => this.persist(runtime))
    await this.check(id)
  }

  /** Act on a session's state: resume what is due, space what is scheduled. */
  async check(id: string): Promise<void> {
    if (this.stopped) return
    await this.serialize(id, async () => {
      const runtime = this.sessions.get(id)
      // Every action is journaled first: without the lock or a writable home, none is taken.
      if (!runtime || !this.home.mayAct) return
      if (runtime.state === 'due') await this.runner.onDue(runtime, () => this.drain(id))
      else if (runtime.state === 'scheduled') await this.stagger(runtime)
      else if (runtime.state === 'awaitingOwner' && this.runner.ownerTimedOut(runtime)) await this.drain(id)
      if (runtime.state === 'needsUser') await this.runner.onNeedsUser(runtime, () => this.drain(id))
    })
  }

  /** Sessions share one quota: keep their retries `staggerMs` apart (a journaled decision). */
  private async stagger(runtime: SessionRuntime): Promise<void> {
    const context = runtime.context
    if (context.retryAt === null || this.policy.staggerMs <= 0) return
    const base = context.staggeredFrom?.retryAt ?? context.retryAt
    const taken: number[] = []
    for (const other of this.sessions.values()) {
      if (other === runtime || other.state !== 'scheduled' || other.context.retryAt === null) continue
      taken.push(other.context.retryAt)
    }
    const target = staggerRetryAt(base, taken, this.policy.staggerMs)
    if (target === context.retryAt || target <= base) return
    this.journal(runtime.sessionId, { event: 'ScheduleStaggered', notBefore: target })
    await this.drain(runtime.sessionId)
  }

  /** The wall-clock tick: promote the spool, catch up with every journal, re-arm every timer. */
  async tick(): Promise<void> {
    const { now } = this.options
    for (const id of this.home.unsaved) await this.persistAndCheck(id)
    if (this.summaryPending) this.scheduleSummary()
    this.promoteSpool()
    for (const id of await listSessionIds(this.options.paths)) {
      if (!this.sessions.has(id)) await this.load(id)
    }
    for (const [id, runtime] of this.sessions) {
      runtime.send({ type: 'rearm', at: now() })
      this.runner.adopt(runtime)
      await this.refresh(id)
    }
  }

  promoteSpool(): void {
    try {
      const result = promoteSpool(this.options.paths, {
        now: this.options.now,
        isAlive: isProcessAlive,
        log: message => this.options.log.warn(message),
        reported: this.spoolReported,
      })
      this.spoolError = null
      if (result.promoted + result.quarantined > 0) this.options.log.debug('spool promoted', { ...result })
    } catch (error) {
      // Every 2 s while it lasts: counted each time (health stays degraded), logged once.
      const message = `spool: ${(error as Error).message}`
      if (message === this.spoolError) this.stats.errors++
      else this.fail(message)
      this.spoolError = message
    }
  }

  private journal(sessionId: string, fields: { event: string; notBefore?: number }): void {
    appendRecord(this.options.paths, {
      v: JOURNAL_SCHEMA_VERSION,
      id: randomUUID(),
      ts: new Date(this.options.now()).toISOString(),
      sessionId,
      origin: 'supervisor',
      ...fields,
    })
  }

  /** At most one summary write in flight; changes meanwhile are folded into the next one. */
  private scheduleSummary(): void {
    this.summaryDirty = true
    if (this.summaryTimer || this.summaryWriting) return
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null
      void this.writeSummary()
    }, SUMMARY_DELAY_MS)
  }

  private async writeSummary(): Promise<void> {
    this.summaryDirty = false
    this.summaryWriting = true
    try {
      const states = [...this.sessions.values()].map(s => s.toStateFile(this.options.now()))
      await writeSummaryFiles(this.options.paths, states, this.options.now(), this.budget())
      this.summaryPending = false
      this.home.succeeded()
    } catch (error) {
      this.summaryPending = true
      if (!this.home.failed(error)) this.fail(`summary files: ${(error as Error).message}`)
    } finally {
      this.summaryWriting = false
      if (this.summaryDirty && !this.stopped) this.scheduleSummary()
    }
  }

  /** Work for one session runs in order; an error is logged and does not block the next job. */
  private serialize<T>(id: string, job: () => Promise<T>): Promise<T | undefined> {
    const previous = this.queues.get(id) ?? Promise.resolve()
    const next = previous.then(job).catch(error => {
      this.fail(`session ${id}: ${(error as Error)?.message ?? error}`)
      return undefined
    })
    this.queues.set(id, next)
    return next
  }

  private fail(message: string): void {
    this.stats.errors++
    this.stats.lastError = message
    this.options.log.error(message)
  }

  budget() {
    return { maxResumesPerDay: this.options.config.maxResumesPerDay, resumesToday: this.runner.usedToday() }
  }

  /** Let queued work finish and write the last summary. */
  async stop(): Promise<void> {
    this.stopped = true
    try {
      await Promise.all(this.queues.values())
      if (this.summaryTimer) clearTimeout(this.summaryTimer)
      const states = [...this.sessions.values()].map(s => s.toStateFile(this.options.now()))
      await writeSummaryFiles(this.options.paths, states, this.options.now(), this.budget()).catch(() => {})
    } finally {
      // Whatever went wrong above, no actor's timer may keep the process alive.
      for (const runtime of this.sessions.values()) runtime.stop()
    }
  }
}
