// The supervisor: journals in, one actor per session, state files out. Every session's work
// (applying its journal, persisting, acting when it falls due) runs through that session's own
// queue, so a session is never applied twice at once, and sessions never wait on each other.
import { DEFAULT_RETRY_POLICY, staggerRetryAt, type RetryPolicyConfig } from '../../state/retry-policy.js'
import type { Config } from '../config/load-config.js'
import { appendRecord } from '../journal/append-record.js'
import { isPendingState } from './schedule-entry.js'
import { newRecord, parseJournalLine, type JournalRecord } from '../journal/event-record.js'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import { promoteSpool } from '../journal/promote-spool.js'
import { isProcessAlive } from '../os/process-identity.js'
import { enrichmentSteps } from '../hook/enrich-record.js'
import { appendToQuarantine } from '../journal/quarantine.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { MAX_LINE_BYTES, readJournalFrom, type JournalLine } from '../journal/read-journal.js'
import { forEachLimited } from './for-each-limited.js'
import type { Logger } from '../home/logger.js'
import { recordToEvents, translateOptionsFor, type TranslateOptions } from './record-to-events.js'
import { ResumeRunner } from './resume-runner.js'
import { SessionRuntime, MACHINE_VERSION } from './session-runtime.js'
import { listSessionFiles, quarantineState, readSessionState, removeStaleTempFiles, writeSessionState, type HistoryEntry, type LoadedState, type SessionStateFile } from './session-store.js'
import { StateWriter } from './state-writer.js'
import { createSessionMachine, type SessionMachine } from '../../state/session.machine.js'
import { type SessionContext } from '../../state/session-context.js'
import type { SessionEvent } from '../../state/session-events.js'
import { writeSummaryFiles } from './summary-files.js'
import { HomeWrites } from './home-writes.js'
import { statSync } from 'node:fs'

/** current_session.json and resume_schedule.json are rewritten at most this often. */
export const SUMMARY_DELAY_MS = 250
/** Sessions restored at once at start-up (state file read, journal caught up). */
export const RESTORE_CONCURRENCY = 16
/** The states `check` acts on; a session in any other state waits for an event. */
const ACTIONABLE = new Set(['due', 'scheduled', 'awaitingOwner', 'needsUser'])

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
  /** Wall-clock ticks done, each having checked every session once more (what a "nothing more happened" waits on). */
  ticks: number
}

export class Supervisor {
  readonly sessions = new Map<string, SessionRuntime>()
  readonly stats: SupervisorStats
  readonly runner: ResumeRunner
  private readonly queues = new Map<string, Promise<unknown>>()
  /** Sessions with a journal read queued and not begun: another request for one adds nothing. */
  private readonly drainQueued = new Set<string>()
  private readonly writer = new StateWriter(id => this.serialize(id, () => this.writeState(id)).then(() => {}))
  /** The summary files' share of each session's last written state (no restore data, no history). */
  private readonly views = new Map<string, SessionStateFile>()
  private readonly policy: RetryPolicyConfig
  private summaryTimer: NodeJS.Timeout | null = null
  private summaryDirty = false
  private summaryWriting = false
  private readonly machine: SessionMachine
  private readonly translateOptions: (record: JournalRecord, now: number, at: number) => TranslateOptions
  private stopped = false
  /** Every known session restored and caught up with its journal: refreshes and actions may begin. */
  private restored = false
  private readonly transitionListeners: TransitionListener[] = []
  /** Spool events whose "home not writable" failure is logged already; the last sweep error. */
  private readonly spoolReported = new Set<string>()
  private spoolError: string | null = null
  /**
   * Every session that entered `scheduled` since stagger last saw it elsewhere (a superset of the
   * scheduled ones): stagger looks at these, not at every session, once for each scheduled one.
   */
  private readonly maybeScheduled = new Set<string>()
  /** The last summary write failed: the next tick writes them again. */
  private summaryPending = false
  /** Is the home writable, is the lock held (set by the singleton): no resume starts otherwise. */
  readonly home: HomeWrites

  constructor(private readonly options: SupervisorOptions) {
    const { config } = options
    this.stats = { startedAt: options.now(), eventsApplied: 0, linesQuarantined: 0, lastError: null, lastActivityAt: null, errors: 0, ticks: 0 }
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
    this.translateOptions = translateOptionsFor(() => options.timeZone)
    this.runner = new ResumeRunner({
      config,
      paths: options.paths,
      log: options.log,
      now: options.now,
      get timeZone() {
        return options.timeZone
      },
      onExit: id => void this.refresh(id),
      recheckIn: (id, ms) => void setTimeout(() => void this.check(id), ms).unref(),
      resumedSince: ms => (this.restored ? this.resumedSince(ms) : null),
    })
  }

  /**
   * Restore every session from its state file, then apply what its journal has beyond it, a few
   * sessions at a time. The HTTP API serves meanwhile (`starting`); requests to refresh a session
   * are dropped until this is done, and the caller then catches up with every journal (`catchUp`).
   */
  async restoreAll(): Promise<void> {
    const { paths, log } = this.options
    for (const dir of [paths.eventsDir, paths.spoolDir, paths.logsDir, paths.resumeLogsDir]) ensureHomeDir(paths.home, dir)
    const removed = await removeStaleTempFiles(paths)
    if (removed) log.info('removed temp files left by a crash', { removed })
    this.promoteSpool()
    const files = await listSessionFiles(paths)
    await forEachLimited([...files.keys()].sort(), RESTORE_CONCURRENCY, async id => {
      if (this.stopped) return
      const runtime = await this.load(id, files.get(id)!.state)
      // Nothing applied yet: the read finds out what there is (a stat first would only add one).
      if (runtime.offset === 0 || this.journalSize(id) !== runtime.offset) await this.serialize(id, () => this.drain(id))
    })
    if (this.stopped) return
    this.restored = true
    for (const id of this.sessions.keys()) await this.check(id)
    await this.writer.flush()
    this.scheduleSummary()
  }

  private resumedSince(ms: number): string[] {
    const ids: string[] = []
    for (const [id, runtime] of this.sessions) if ((runtime.context.lastResume?.startedAt ?? -Infinity) >= ms) ids.push(id)
    return ids
  }

  /** Some session waits for a limit or runs a resume: usage figures matter now. */
  get hasPending(): boolean {
    for (const runtime of this.sessions.values()) if (isPendingState(runtime.state)) return true
    return false
  }

  /** True until every session is restored: the API serves meanwhile, /health says "starting". */
  get starting(): boolean {
    return !this.restored
  }

  /** Called for every state change of every session after start-up (integrations, notifications). */
  onTransition(listener: TransitionListener): void {
    this.transitionListeners.push(listener)
  }

  /** A session's runtime from its state file, or fresh when it has none (no read is tried then). */
  private async load(id: string, hasStateFile: boolean): Promise<SessionRuntime> {
    const { paths, log, now } = this.options
    const loaded: LoadedState = hasStateFile ? await readSessionState(paths, id) : { ok: false, missing: true, error: 'no state file' }
    let runtime: SessionRuntime | null = null
    if (loaded.ok && loaded.state.supervisor.machineVersion === MACHINE_VERSION) {
      runtime = SessionRuntime.restore(loaded.state, this.runtimeOptions())
      if (runtime.failed) runtime = null
      else this.views.set(id, summaryView(loaded.state))
    } else if (!loaded.ok && !loaded.missing) {
      const target = await quarantineState(paths, id, now()).catch(() => null)
      log.warn('corrupt state file quarantined; rebuilding the session from its journal', { sessionId: id, error: loaded.error, movedTo: target })
    }
    runtime ??= SessionRuntime.fresh(id, this.runtimeOptions())
    this.sessions.set(id, runtime)
    // Restored as it was: no transition says so.
    if (runtime.state === 'scheduled') this.maybeScheduled.add(id)
    this.rearm(runtime)
    return runtime
  }

  /** Timers do not survive a restore or a sleep: re-decide from the clock (a change is written). */
  private rearm(runtime: SessionRuntime): void {
    const before = runtime.state
    runtime.send({ type: 'rearm', at: this.options.now() })
    if (runtime.state !== before) this.writer.mark(runtime.sessionId)
  }

  private runtimeOptions() {
    return {
      now: this.options.now,
      machine: this.machine,
      resumeLogsDir: this.options.paths.resumeLogsDir,
      onError: (id: string, error: unknown) => this.fail(`session ${id}: machine error: ${String((error as Error)?.message ?? error)}`),
      onChange: (id: string) => void this.persistAndCheck(id),
      onTransition: (id: string, entry: HistoryEntry, context: SessionContext) => {
        if (entry.to === 'scheduled') this.maybeScheduled.add(id)
        // Transitions replayed at start-up are history, not news.
        if (!this.restored) return
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

  /** Apply new journal lines, write the state file, and act on the result: for callers that read the file next. */
  async refresh(id: string): Promise<void> {
    await this.journalChanged(id)
    if (this.writer.isMarked(id)) await this.serialize(id, () => this.writeState(id))
  }

  /**
   * A journal grew (the watcher, the reconcile): apply its new lines and act on the result; the state
   * file follows within WRITE_DELAY_MS. Safe to call any time, any number of times: a call while an
   * earlier one still waits for its turn is folded into it.
   */
  async journalChanged(id: string): Promise<void> {
    if (this.stopped || !this.restored) return
    if (this.drainQueued.has(id)) return void (await this.queues.get(id))
    this.drainQueued.add(id)
    await this.serialize(id, () => {
      this.drainQueued.delete(id)
      return this.drain(id)
    })
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
    let chunk
    try {
      chunk = readJournalFrom(file, runtime.offset)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    if (chunk.truncated) {
      this.options.log.warn('journal is shorter than its applied offset; re-reading it (seen events are skipped)', { sessionId: id })
      runtime.offset = 0
      chunk = readJournalFrom(file, 0)
    }
    for (const line of chunk.lines) {
      const waiting = this.applyLine(runtime, line)
      if (waiting) await waiting
      runtime.offset = line.end
    }
    if (chunk.lines.length > 0) this.persist(runtime)
  }

  /** Applies one line; a promise only when it has to wait (a transcript read, a quarantine). */
  private applyLine(runtime: SessionRuntime, line: JournalLine): Promise<void> | void {
    const { text } = line
    if (line.oversizedBytes !== undefined) {
      return this.quarantineLine(runtime.sessionId, text, `line of ${line.oversizedBytes} bytes or more (at most ${MAX_LINE_BYTES})`)
    }
    if (text.trim() === '') return
    const parsed = parseJournalLine(text)
    if (!parsed.ok || parsed.value.sessionId !== runtime.sessionId) {
      return this.quarantineLine(runtime.sessionId, text, parsed.ok ? 'line names another session' : parsed.error)
    }
    const { value: record, at } = parsed
    if (runtime.hasSeen(record.id)) return
    const events = recordToEvents(record, this.translateOptions(record, this.options.now(), at), at)
    if (Array.isArray(events)) return this.sendAll(runtime, record.id, at, events)
    return events.then(later => this.sendAll(runtime, record.id, at, later))
  }

  private sendAll(runtime: SessionRuntime, recordId: string, at: number, events: SessionEvent[]): void {
    for (const event of events) runtime.send(event)
    runtime.markSeen(recordId)
    this.stats.eventsApplied++
    this.stats.lastActivityAt = at
  }

  private async quarantineLine(id: string, text: string, why: string): Promise<void> {
    const { paths, log, now } = this.options
    const entry = JSON.stringify({ quarantinedAt: new Date(now()).toISOString(), sessionId: id, reason: why, line: text.slice(0, 64 * 1024) })
    const kept = appendToQuarantine(paths, `${id}.bad-lines.jsonl`, entry + '\n')
    this.stats.linesQuarantined++
    log.warn(kept ? 'journal line quarantined' : 'journal line dropped: its quarantine file is full', { sessionId: id, reason: why })
  }

  /** The session changed: its state file is written soon (StateWriter). */
  private persist(runtime: SessionRuntime): void {
    this.writer.mark(runtime.sessionId)
  }

  /** Writes a session's state file now; the caller holds the session's queue. */
  private async writeState(id: string): Promise<void> {
    const runtime = this.sessions.get(id)
    if (!runtime) return
    this.writer.unmark(id)
    const state = runtime.toStateFile(this.options.now())
    this.views.set(id, summaryView(state))
    try {
      writeSessionState(this.options.paths, state)
      this.home.succeeded(id)
    } catch (error) {
      // A read-only or full home: the file is written again by a later tick.
      if (!this.home.failed(error, id)) throw error
    }
    this.scheduleSummary()
  }

  /** A timer inside a machine moved it (scheduled → due): persist, then act. */
  private async persistAndCheck(id: string): Promise<void> {
    const runtime = this.sessions.get(id)
    if (!runtime || this.stopped) return
    this.persist(runtime)
    await this.check(id)
  }

  /** Act on a session's state: resume what is due, space what is scheduled. */
  async check(id: string): Promise<void> {
    if (this.stopped || !this.restored || !ACTIONABLE.has(this.sessions.get(id)?.state ?? '')) return
    await this.serialize(id, async () => {
      const runtime = this.sessions.get(id)
      // Every action is journaled first: without the lock or a writable home, none is taken.
      if (!runtime || !this.home.mayAct) return
      // What the session's hooks said last (it was opened again, a prompt was sent) may still be in
      // the spool, which is swept a moment after each change: it is read before the decision.
      if (runtime.state === 'due') {
        this.promoteSpool()
        await this.drain(id)
      }
      // A resume starts only once its decision is in the journal, applied and written.
      if (runtime.state === 'due') await this.runner.onDue(runtime, () => this.drainAndWrite(id))
      else if (runtime.state === 'scheduled') {
        // Asked now, not when the retry falls due: an npm-installed CLI takes seconds to say its version.
        if (this.options.config.claudeIntegration) void this.runner.capabilities()
        await this.stagger(runtime)
      }
      else if (runtime.state === 'awaitingOwner' && this.runner.ownerTimedOut(runtime)) await this.drain(id)
      if (runtime.state === 'needsUser') await this.runner.onNeedsUser(runtime, () => this.drain(id))
    })
  }

  private async drainAndWrite(id: string): Promise<void> {
    await this.drain(id)
    await this.writeState(id)
  }

  /** Sessions share one quota: keep their retries `staggerMs` apart (a journaled decision). */
  private async stagger(runtime: SessionRuntime): Promise<void> {
    const context = runtime.context
    if (context.retryAt === null || this.policy.staggerMs <= 0) return
    const base = context.staggeredFrom?.retryAt ?? context.retryAt
    const taken: number[] = []
    for (const id of this.maybeScheduled) {
      const other = this.sessions.get(id)
      if (other?.state !== 'scheduled') {
        // Left `scheduled`: it is added again when it comes back.
        this.maybeScheduled.delete(id)
        continue
      }
      if (other === runtime || other.context.retryAt === null) continue
      taken.push(other.context.retryAt)
    }
    const target = staggerRetryAt(base, taken, this.policy.staggerMs)
    // Equal to the base while staggered: the session it yielded to is gone, so it moves back.
    if (target === context.retryAt) return
    this.journal(runtime.sessionId, { event: 'ScheduleStaggered', notBefore: target })
    await this.drain(runtime.sessionId)
  }

  /**
   * The wall-clock tick: re-arm every timer (a laptop may have slept), look after runs a previous
   * supervisor started, and act on every session that may need it. New journal lines are the
   * reconcile's business (`catchUp`), not the tick's.
   */
  async tick(): Promise<void> {
    if (this.stopped || !this.restored) return
    for (const id of this.home.unsaved) await this.persistAndCheck(id)
    if (this.summaryPending) this.scheduleSummary()
    this.promoteSpool()
    for (const [id, runtime] of this.sessions) {
      this.rearm(runtime)
      this.runner.adopt(runtime)
      await this.check(id)
    }
    this.stats.ticks++
  }

  /** Refresh every session whose journal has bytes not applied (the ids come from a reconcile). */
  catchUp(ids: Iterable<string>): Promise<void> {
    return forEachLimited(ids, RESTORE_CONCURRENCY, id => this.journalChanged(id))
  }

  /** The journal's size, or -1 when it has none (-1 never equals an offset). */
  private journalSize(id: string): number {
    return statSync(sessionFile(this.options.paths, id, 'journal'), { throwIfNoEntry: false })?.size ?? -1
  }

  promoteSpool(): void {
    try {
      const result = promoteSpool(this.options.paths, {
        now: this.options.now,
        isAlive: isProcessAlive,
        log: message => this.options.log.warn(message),
        reported: this.spoolReported,
        ...enrichmentSteps(this.options.paths, this.options.now),
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

  private journal(sessionId: string, { event, ...fields }: { event: string; notBefore?: number }): void {
    appendRecord(this.options.paths, newRecord('supervisor', sessionId, event, this.options.now(), fields))
  }

  /** At most one summary write in flight; changes meanwhile are folded into the next one. */
  private scheduleSummary(): void {
    this.summaryDirty = true
    if (this.summaryTimer || this.summaryWriting || !this.restored) return
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null
      void this.writeSummary()
    }, SUMMARY_DELAY_MS)
  }

  private async writeSummary(): Promise<void> {
    this.summaryDirty = false
    this.summaryWriting = true
    try {
      await writeSummaryFiles(this.options.paths, this.summaryStates(), this.options.now(), this.budget())
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

  /** Every session as the summary files need it: as last written, or as it is now. */
  private summaryStates(): SessionStateFile[] {
    const now = this.options.now()
    return [...this.sessions].map(([id, runtime]) => this.views.get(id) ?? summaryView(runtime.toStateFile(now)))
  }

  /** Work for one session runs in order; an error is logged and does not block the next job. */
  private serialize<T>(id: string, job: () => Promise<T>): Promise<T | undefined> {
    const previous = this.queues.get(id) ?? Promise.resolve()
    const next = previous.then(job).catch(error => {
      this.fail(`session ${id}: ${(error as Error)?.message ?? error}`)
      return undefined
    })
    this.queues.set(id, next)
    // An idle session keeps no queue.
    void next.then(() => this.queues.get(id) === next && this.queues.delete(id))
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

  /** Let queued work finish, write what is not written yet, and write the last summary. */
  async stop(): Promise<void> {
    this.stopped = true
    try {
      await Promise.all(this.queues.values())
      await this.writer.flush()
      if (this.summaryTimer) clearTimeout(this.summaryTimer)
      await writeSummaryFiles(this.options.paths, this.summaryStates(), this.options.now(), this.budget()).catch(() => {})
    } finally {
      // Whatever went wrong above, no actor's timer may keep the process alive.
      for (const runtime of this.sessions.values()) runtime.stop()
    }
  }
}

/** What the summary files read of a state file: no restore data, no history, so it stays small. */
function summaryView(state: SessionStateFile): SessionStateFile {
  return { ...state, history: [], supervisor: { machineVersion: state.supervisor.machineVersion, offset: state.supervisor.offset, recentIds: [], snapshot: null } }
}
