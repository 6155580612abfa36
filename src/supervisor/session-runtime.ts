// One session inside the supervisor: its XState actor, how far its journal has been applied,
// and the bounded memory (recent event ids, transition history) that goes into its state file.
import { createActor, type Actor } from 'xstate'
import type { SessionMachine } from '../../state/session.machine.js'
import type { SessionContext, SessionStateValue } from '../../state/session-context.js'
import type { SessionEvent } from '../../state/session-events.js'
import { isoOrNull } from '../../state/time-range.js'
import { join } from 'node:path'
import { HISTORY_LIMIT, RECENT_IDS_LIMIT, STATE_SCHEMA_VERSION, type HistoryEntry, type LastRunView, type SessionStateFile } from './session-store.js'


/** Bumped when a persisted snapshot of an older machine can no longer be restored. */
export const MACHINE_VERSION = 2

export interface RuntimeOptions {
  now: () => number
  /** Shared by every session of a supervisor (createSessionMachine with its clock and policy). */
  machine: SessionMachine
  onError: (sessionId: string, error: unknown) => void
  /** The state changed outside a send (a timer fired): the caller persists and acts. */
  onChange: (sessionId: string) => void
  /** Where resumed runs write their output, for the state file's `lastRun.logFile`. */
  resumeLogsDir?: string
  /** Every state passed through, as it happens (history entries, with the context after it). */
  onTransition?: (sessionId: string, entry: HistoryEntry, context: SessionContext) => void
}

export class SessionRuntime {
  offset = 0
  private readonly recentIds: string[] = []
  /** The same ids, for the lookup every journal line makes. */
  private readonly seen = new Set<string>()
  private readonly history: HistoryEntry[] = []
  private readonly actor: Actor<SessionMachine>
  private currentEvent = ''
  /** States passed through during the step in progress (see PassedThrough). */
  private passed: { state: SessionStateValue; at: number | null }[] = []
  private lastValue: SessionStateValue
  private sending = false
  private notified = ''

  private constructor(
    readonly sessionId: string,
    private readonly options: RuntimeOptions,
    snapshot?: unknown,
  ) {
    this.actor = createActor(options.machine, { input: { sessionId }, ...(snapshot ? { snapshot: snapshot as never } : {}) })
    this.lastValue = this.state
    // A state left within the same step (limited → scheduled) is seen only as it is entered.
    this.actor.on('passedThrough', ({ state, at }) => this.passed.push({ state, at }))
    this.actor.subscribe({
      next: () => {
        this.recordStep()
        if (!this.sending && this.state !== this.notified) options.onChange(sessionId)
        this.notified = this.state
      },
      error: error => options.onError(sessionId, error),
    })
    this.actor.start()
  }

  static fresh(sessionId: string, options: RuntimeOptions): SessionRuntime {
    return new SessionRuntime(sessionId, options)
  }

  static restore(file: SessionStateFile, options: RuntimeOptions): SessionRuntime {
    const runtime = new SessionRuntime(file.sessionId, options, file.supervisor.snapshot)
    runtime.offset = file.supervisor.offset
    for (const id of file.supervisor.recentIds.slice(-RECENT_IDS_LIMIT)) runtime.markSeen(id)
    runtime.history.push(...(file.history ?? []).slice(-HISTORY_LIMIT))
    return runtime
  }

  get state(): SessionStateValue {
    return this.actor.getSnapshot().value
  }

  get context(): SessionContext {
    return this.actor.getSnapshot().context
  }

  get failed(): boolean {
    return this.actor.getSnapshot().status === 'error'
  }

  hasSeen(id: string): boolean {
    return this.seen.has(id)
  }

  markSeen(id: string): void {
    this.recentIds.push(id)
    this.seen.add(id)
    if (this.recentIds.length <= RECENT_IDS_LIMIT) return
    for (const old of this.recentIds.splice(0, this.recentIds.length - RECENT_IDS_LIMIT)) this.seen.delete(old)
  }

  send(event: SessionEvent): void {
    this.currentEvent = event.type
    this.sending = true
    try {
      this.actor.send(event)
    } finally {
      this.sending = false
      this.currentEvent = ''
    }
  }

  stop(): void {
    this.actor.stop()
  }

  private lastRun(): LastRunView | null {
    const run = this.context.lastResume
    if (!run) return null
    const d = run.details
    return {
      attempt: run.attempt,
      mode: run.mode,
      outcome: run.outcome,
      permissionMode: run.permissionMode ?? null,
      startedAt: isoOrNull(run.startedAt)!,
      exitedAt: isoOrNull(run.exitedAt),
      exitCode: run.exitCode,
      turns: d?.turns ?? null,
      costUsd: d?.costUsd ?? null,
      deniedTools: d?.deniedTools ?? [],
      resultLine: d?.resultLine ?? null,
      startError: d?.startError ?? null,
      logFile: run.mode === 'spawn' && this.options.resumeLogsDir ? join(this.options.resumeLogsDir, `${this.sessionId}.${run.attempt}.log`) : null,
    }
  }

  /** After each step (an event, a timer): the states it passed through, then where it ended. */
  private recordStep(): void {
    const snapshot = this.actor.getSnapshot()
    const context = snapshot.context
    // Most steps (a replay's turns) pass through nothing and stay in their state: no history.
    if (this.passed.length > 0) {
      const steps = this.passed
      this.passed = []
      for (const step of steps) this.enter(step.state, step.at, context)
    }
    if (snapshot.value !== this.lastValue) this.enter(snapshot.value, context.lastEventAt, context)
  }

  /** `eventAt`: when the journaled event happened (replays agree); a timer or rearm happens now. */
  private enter(value: SessionStateValue, eventAt: number | null, context: SessionContext): void {
    if (value === this.lastValue) return
    const timed = this.currentEvent === '' || this.currentEvent === 'rearm'
    const entry = this.remember(value, timed ? this.options.now() : (eventAt ?? this.options.now()))
    this.options.onTransition?.(this.sessionId, entry, context)
  }

  private remember(to: SessionStateValue, at: number): HistoryEntry {
    const entry = { at: isoOrNull(at) ?? new Date(this.options.now()).toISOString(), from: this.lastValue, to, event: this.currentEvent || 'timer' }
    this.history.push(entry)
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT)
    this.lastValue = to
    return entry
  }

  toStateFile(now: number): SessionStateFile {
    const c = this.context
    return {
      schema: STATE_SCHEMA_VERSION,
      sessionId: this.sessionId,
      state: this.state,
      cwd: c.cwd,
      transcriptPath: c.transcriptPath,
      limit: c.limit ? { kind: c.limit.kind, resetAt: isoOrNull(c.limit.resetAt), source: c.limit.source } : null,
      retryAt: isoOrNull(c.retryAt),
      retrySource: c.retrySource,
      attempts: c.attempts,
      open: c.open,
      lastActivityAt: isoOrNull(c.lastActivityAt),
      lastEventAt: isoOrNull(c.lastEventAt),
      updatedAt: new Date(now).toISOString(),
      reasons: c.reasons,
      needsUserReason: c.needsUserReason,
      permissionMode: c.permissionMode ?? null,
      lastRun: this.lastRun(),
      history: [...this.history],
      supervisor: {
        machineVersion: MACHINE_VERSION,
        offset: this.offset,
        recentIds: [...this.recentIds],
        snapshot: this.actor.getPersistedSnapshot(),
      },
    }
  }
}
