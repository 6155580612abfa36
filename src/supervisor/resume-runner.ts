// When a session falls due: continue it the right way, once. An owner that still has the session
// open gets the first chance (its own auto-continue); otherwise `claude --resume <id> -p <prompt>`
// runs in the session's folder, in the permission mode the session ran in (resume-plan.ts). The
// attempt is journaled and applied (state `resuming`, persisted) BEFORE the process starts, so a
// crash can never start the same attempt twice; the run itself waits at a gate until its identity
// is on disk (run-gate.ts), so a restarted supervisor always knows whether it ran and what it did.
import { closeSync, fstatSync, readSync, rmSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { Config } from '../config/load-config.js'
import { appendRecord } from '../journal/append-record.js'
import { newRecord, type JournalRecord } from '../journal/event-record.js'
import type { HomePaths } from '../home/home-paths.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { appendFileSafe, openAppendSync, openReadSync, readFileSafe, writeFileAtomicSync } from '../home/safe-files.js'
import { readTranscriptLimit } from '../limits/read-transcript-limit.js'
import { parseLimitMessage } from '../limits/parse-limit-message.js'
import { claudeVersion } from '../os/claude-version.js'
import { formatIdentity, identify, isSameProcess, parseIdentity, type ProcessIdentity } from '../os/process-identity.js'
import type { Logger } from '../home/logger.js'
import { countAutomaticStarts, localDay, startOfLocalDay } from './daily-cap.js'
import { checkOwner } from './owner-liveness.js'
import { capabilitiesFor, planResume, type CliCapabilities } from './resume-plan.js'
import { runEnvironment, spawnGated } from './run-gate.js'
import { classifyRun, NOT_STARTED_EXIT, NOT_STARTED_MARK, parseRunResult, type RunEvidence } from './run-outcome.js'
import type { SessionRuntime } from './session-runtime.js'
import { continueInPane, tmuxRunner, tmuxSocketOf, type PaneContinueInput, type PaneContinueResult } from './tmux-continue.js'

/** How much of a run's log is read for its result object. */
const LOG_TAIL_BYTES = 256 * 1024

export interface RunnerDeps {
  config: Config
  paths: HomePaths
  log: Logger
  now: () => number
  timeZone: string
  /** Called (outside any queue) when a spawned run has exited and its exit is journaled. */
  onExit: (sessionId: string) => void
  /**
   * The sessions whose last resume started at or after `ms`: only their journals can hold a start
   * since then. Null while that is not known yet (the sessions are still being restored).
   */
  resumedSince?: (ms: number) => string[] | null
  /** Re-check a session later (spawns are spaced by `staggerMs`). */
  recheckIn: (sessionId: string, ms: number) => void
  /** What the installed CLI supports; default: ask `claude --version` once. */
  detectCli?: () => Promise<CliCapabilities>
  /** Types into an open session's tmux pane (tests replace tmux itself). */
  continueInPane?: (input: PaneContinueInput) => Promise<PaneContinueResult>
}

export interface ResumeCounters {
  started: number
  succeeded: number
  failed: number
}

export class ResumeRunner {
  private readonly inflight = new Map<string, { attempt: number; pid: number | null }>()
  private readonly reported = new Set<string>()
  private lastSpawnAt = -Infinity
  /** Automatic starts counted for the day named (the daily cap). */
  private startsToday = { day: '', count: 0 }
  private cli: Promise<CliCapabilities> | null = null
  readonly counters: ResumeCounters = { started: 0, succeeded: 0, failed: 0 }

  constructor(private readonly deps: RunnerDeps) {}

  get running(): number {
    return this.inflight.size
  }

  /** The session is `due`: decide, journal the decision, apply it, then act. */
  async onDue(rt: SessionRuntime, apply: () => Promise<void>): Promise<void> {
    const { config, log } = this.deps
    const id = rt.sessionId
    if (this.inflight.has(id)) return
    const context = rt.context
    const attempt = context.attempts + 1
    const owner = checkOwner({ sessionId: id, open: context.open, claudePid: context.claudePid, claudeConfigDir: config.claudeConfigDir })
    if (owner.open) {
      log.info('session still open: leaving it to Claude Code', { sessionId: id, attempt, reason: owner.reason })
      this.journal(id, { event: 'ResumeStarted', attempt, mode: 'owner', ...(owner.pid ? { pid: owner.pid } : {}) })
      await apply()
      return
    }
    if (!config.claudeIntegration) {
      if (!this.reported.has(id)) log.info('session due; SESSION_RETRY_CLAUDE_INTEGRATION=false, not resuming', { sessionId: id })
      this.reported.add(id)
      return
    }
    const manual = context.retrySource === 'manual'
    if (!manual && this.usedToday() >= config.maxResumesPerDay) {
      if (!this.reported.has(id)) {
        log.warn('daily cap on automatic resumes reached; waiting for tomorrow or a manual resume', { sessionId: id, cap: config.maxResumesPerDay })
      }
      this.reported.add(id)
      return
    }
    this.reported.delete(id)
    const wait = this.lastSpawnAt + config.staggerMs - this.deps.now()
    if (wait > 0) {
      this.deps.recheckIn(id, wait)
      return
    }
    const plan = planResume({
      sessionId: id,
      sessionMode: context.permissionMode,
      override: config.permissionModeOverride,
      allowBypass: config.allowBypass,
      userArgs: config.claudeArgs,
      prompt: config.resumePrompt,
      cli: await this.capabilities(),
    })
    const refusal = folderProblem(context.cwd) ?? (plan.ok ? null : plan.reason)
    if (refusal !== null || !plan.ok) {
      log.warn('not resuming automatically: the user has to', { sessionId: id, reason: refusal })
      this.journal(id, { event: 'ResumeRefused', reason: refusal ?? 'not resumable' })
      await apply()
      return
    }
    // Reserved before the decision is journaled: from then until the pid file is written the session
    // is `resuming` with no pid file, which `adopt` (on a tick) would take for a run that never passed
    // its gate, and declare not started while it starts.
    this.inflight.set(id, { attempt, pid: null })
    try {
      this.journal(id, { event: 'ResumeStarted', attempt, mode: 'spawn', marked: true, ...(manual ? { manual } : {}), ...(plan.permissionMode ? { permissionMode: plan.permissionMode } : {}) })
      await apply()
    } finally {
      if (rt.state !== 'resuming' || rt.context.lastResume?.attempt !== attempt) this.inflight.delete(id)
    }
    if (!this.inflight.has(id)) return
    this.lastSpawnAt = this.deps.now()
    if (!manual) this.countStart(this.lastSpawnAt)
    this.start(rt, attempt, rt.context.cwd!, plan.args)
  }

  /** Asked once per supervisor: which flags the installed Claude Code understands. */
  capabilities(): Promise<CliCapabilities> {
    this.cli ??= this.deps.detectCli?.() ?? claudeVersion(this.deps.config.claudeBin).then(capabilitiesFor)
    return this.cli
  }

  /**
   * Automatic resumes started today (local calendar day). Counted from the journals the first time
   * a day asks (so a restart keeps the cap, and start-up does not pay for it), then kept here.
   */
  usedToday(): number {
    const now = this.deps.now()
    const day = localDay(now)
    if (this.startsToday.day !== day) {
      const candidates = this.deps.resumedSince?.(startOfLocalDay(now)) ?? null
      this.startsToday = { day, count: countAutomaticStarts(this.deps.paths, now, candidates) }
    }
    return this.startsToday.count
  }

  /** After its ResumeStarted is journaled; `usedToday()` was asked before it was. */
  private countStart(at: number): void {
    // Past midnight since that check: today's count is read from the journals, this start included.
    if (this.startsToday.day === localDay(at)) this.startsToday.count++
  }

  private start(rt: SessionRuntime, attempt: number, cwd: string, args: string[]): void {
    const { config, paths, log } = this.deps
    const id = rt.sessionId
    const startedAt = this.deps.now()
    ensureHomeDir(paths.home, paths.resumeLogsDir)
    const output = openAppendSync(this.logFile(id, attempt))
    this.inflight.set(id, { attempt, pid: null })
    this.counters.started++
    let finished = false
    const finish = (exitCode: number | null, why: string) => {
      if (finished) return
      finished = true
      void this.exited(rt, attempt, startedAt, exitCode, why)
    }
    let gate: ReturnType<typeof spawnGated> | null = null
    try {
      gate = spawnGated({ bin: config.claudeBin, args, cwd, env: runEnvironment(process.env, paths.home, attempt), logFd: output })
      const child = gate.child
      child.on('error', error => finish(null, `could not start the run: ${error.message}`))
      child.on('exit', (code, signal) => finish(code, signal ? `killed by ${signal}` : `exit code ${code}`))
      if (child.pid) {
        // Identity on disk first; only then may the run start (a failed write leaves it at the gate, which ends it).
        this.writePidFile(id, attempt, identify(child.pid) ?? { pid: child.pid, startTime: null })
        this.inflight.set(id, { attempt, pid: child.pid })
        gate.release()
      }
      log.info('resume started', { sessionId: id, attempt, pid: child.pid ?? null, cwd, bin: config.claudeBin, args })
    } catch (error) {
      log.error('could not record the resumed run; it was not started', { sessionId: id, attempt, error: (error as Error).message })
      // End-of-file at the gate: it exits without running claude, and its exit is journaled as not started.
      gate?.child.stdin?.end()
    } finally {
      closeSync(output)
    }
  }

  /** After a restart: a run started by a previous supervisor may still be going, or be gone. */
  adopt(rt: SessionRuntime): void {
    const run = rt.context.lastResume
    if (rt.state !== 'resuming' || !run || run.mode !== 'spawn' || run.exitedAt !== null || this.inflight.has(rt.sessionId)) return
    const identity = this.readPidFile(rt.sessionId, run.attempt)
    this.inflight.set(rt.sessionId, { attempt: run.attempt, pid: identity?.pid ?? null })
    const poll = () => {
      if (identity !== null && isSameProcess(identity)) return void setTimeout(poll, 1000).unref()
      const why = identity === null ? 'no pid file: the run never passed its gate' : `run ${identity.pid} ended while the supervisor was down`
      // Stopped between creating the log and starting the gate, the previous supervisor left an empty
      // log: it must say, like the gate's own, that this attempt never ran.
      if (identity === null && run.marked) this.markNotStarted(rt.sessionId, run.attempt)
      void this.exited(rt, run.attempt, run.startedAt, null, why, identity === null && run.marked)
    }
    poll()
  }

  /**
   * The session waits for the user because Claude Code will not continue it by itself, yet it is
   * still open: with SESSION_RETRY_TMUX_CONTINUE, continue it in its own tmux pane, once (the
   * attempt is journaled before a key is sent, so a restart never sends twice).
   */
  async onNeedsUser(rt: SessionRuntime, apply: () => Promise<void>): Promise<void> {
    const { config, log } = this.deps
    const id = rt.sessionId
    const context = rt.context
    const stopped = context.ownerStopped ?? null
    if (!config.tmuxContinue || stopped === null || this.inflight.has(id)) return
    // Before the reset the prompt would only hit the limit again.
    const notBefore = context.retryAt ?? context.limit?.resetAt ?? null
    const wait = notBefore === null ? 0 : notBefore - this.deps.now()
    if (wait > 0) return void this.deps.recheckIn(id, wait)
    const owner = checkOwner({ sessionId: id, open: context.open, claudePid: context.claudePid, claudeConfigDir: config.claudeConfigDir })
    // Closed meanwhile: its SessionEnd hands it to a normal resume.
    if (!owner.open || owner.pid === null) return
    const pane = context.tmuxPane ?? null
    if (pane === null) {
      if (!this.reported.has(id)) log.info('open session not in tmux (no pane journaled): the user has to continue it', { sessionId: id })
      this.reported.add(id)
      return
    }
    const attempt = context.attempts + 1
    this.journal(id, { event: 'ResumeStarted', attempt, mode: 'tmux', pid: owner.pid, tmuxPane: pane })
    await apply()
    if (rt.state !== 'awaitingOwner' || rt.context.lastResume?.mode !== 'tmux' || rt.context.lastResume.attempt !== attempt) return
    this.inflight.set(id, { attempt, pid: owner.pid })
    try {
      const keys = stopped.why === 'stale' ? ('enter' as const) : { prompt: config.resumePrompt }
      const result = await (this.deps.continueInPane ?? continueInPane)({ pane, ownerPid: owner.pid, keys, tmux: tmuxRunner(tmuxSocketOf(owner.pid)) })
      log.info(result.sent ? 'continued the open session in its tmux pane' : 'left the open session\'s tmux pane alone', { sessionId: id, attempt, pane, detail: result.detail })
      this.journal(id, { event: 'TmuxContinued', attempt, sent: result.sent, reason: result.detail })
    } finally {
      this.inflight.delete(id)
    }
    await apply()
  }

  /** An open owner that did not continue within the grace period: ask the user instead. */
  ownerTimedOut(rt: SessionRuntime): boolean {
    const run = rt.context.lastResume
    if (rt.state !== 'awaitingOwner' || !run) return false
    if (this.deps.now() - run.startedAt < this.deps.config.ownerGraceMs) return false
    this.journal(rt.sessionId, { event: 'OwnerTimeout' })
    return true
  }

  private async exited(rt: SessionRuntime, attempt: number, startedAt: number, exitCode: number | null, why: string, neverStarted = false): Promise<void> {
    const id = rt.sessionId
    const evidence = await this.evidence(rt, attempt, startedAt, exitCode)
    if (neverStarted && evidence.result === null) evidence.notStarted = true
    const verdict = classifyRun(evidence)
    if (verdict.outcome === 'completed') this.counters.succeeded++
    else if (verdict.outcome !== 'not-started') this.counters.failed++
    const fields = { sessionId: id, attempt, exitCode, why, outcome: verdict.outcome, ...verdict.details, log: this.logFile(id, attempt) }
    if (verdict.details.startError) this.deps.log.error('resume could not start claude', fields)
    else this.deps.log.info('resume ended', fields)
    this.journal(id, { event: 'ResumeExited', attempt, exitCode, limited: verdict.outcome === 'limited', outcome: verdict.outcome, details: verdict.details })
    // Only once the exit is journaled: until then the pid file is what says the run happened.
    rmSync(this.pidFile(id, attempt), { force: true })
    if (this.inflight.get(id)?.attempt === attempt) this.inflight.delete(id)
    this.deps.onExit(id)
  }

  private async evidence(rt: SessionRuntime, attempt: number, startedAt: number, exitCode: number | null): Promise<RunEvidence> {
    const text = this.readLogTail(rt.sessionId, attempt)
    const result = parseRunResult(text)
    const limitedByText = result?.isError && result.result ? isLimitText(result.result, this.deps.now(), this.deps.timeZone) : false
    return {
      exitCode,
      result,
      limitedByText,
      limitedInTranscript: result ? false : await this.limitedSince(rt.context.transcriptPath, startedAt),
      notStarted: text.includes(NOT_STARTED_MARK) && (exitCode === NOT_STARTED_EXIT || exitCode === null),
    }
  }

  /** Did the run end on a limit? Its last transcript row says so. */
  private async limitedSince(transcriptPath: string | null, startedAt: number): Promise<boolean> {
    if (!transcriptPath) return false
    const result = await readTranscriptLimit(transcriptPath, { now: this.deps.now(), timeZone: this.deps.timeZone, retries: 2 })
    if (!result.ok || !result.limit || result.limit.continued) return false
    const rowAt = result.limit.timestamp ? Date.parse(result.limit.timestamp) : NaN
    return rowAt >= startedAt - 1000 && (result.limit.limited || result.limit.transient)
  }

  private journal(sessionId: string, { event, ...fields }: Partial<JournalRecord> & { event: string }): void {
    appendRecord(this.deps.paths, newRecord('supervisor', sessionId, event, this.deps.now(), fields))
  }

  logFile(sessionId: string, attempt: number): string {
    return join(this.deps.paths.resumeLogsDir, `${sessionId}.${attempt}.log`)
  }

  private markNotStarted(sessionId: string, attempt: number): void {
    try {
      if (this.readLogTail(sessionId, attempt).includes(NOT_STARTED_MARK)) return
      ensureHomeDir(this.deps.paths.home, this.deps.paths.resumeLogsDir)
      appendFileSafe(this.logFile(sessionId, attempt), `${NOT_STARTED_MARK}: the supervisor stopped before it started the run\n`)
    } catch (error) {
      this.deps.log.error('could not mark the run log as not started', { sessionId, attempt, error: (error as Error).message })
    }
  }

  private pidFile(sessionId: string, attempt: number): string {
    return join(this.deps.paths.resumeLogsDir, `${sessionId}.${attempt}.pid`)
  }

  private writePidFile(sessionId: string, attempt: number, identity: ProcessIdentity): void {
    writeFileAtomicSync(this.pidFile(sessionId, attempt), formatIdentity(identity), { fsync: false })
  }

  private readPidFile(sessionId: string, attempt: number): ProcessIdentity | null {
    try {
      return parseIdentity(readFileSafe(this.pidFile(sessionId, attempt)))
    } catch {
      return null
    }
  }

  private readLogTail(sessionId: string, attempt: number): string {
    let fd: number | null = null
    try {
      fd = openReadSync(this.logFile(sessionId, attempt))
      const size = fstatSync(fd).size
      const buffer = Buffer.alloc(Math.min(size, LOG_TAIL_BYTES))
      readSync(fd, buffer, 0, buffer.length, size - buffer.length)
      return buffer.toString('utf8')
    } catch {
      return ''
    } finally {
      if (fd !== null) closeSync(fd)
    }
  }
}

/** A session can only be resumed in its own folder: `claude --resume` looks for it there. */
export function folderProblem(cwd: string | null): string | null {
  if (!cwd) return 'the session\'s folder is unknown (no hook reported it), so claude --resume cannot find it'
  if (!isAbsolute(cwd)) return `the session's folder ${JSON.stringify(cwd)} is not an absolute path`
  try {
    if (statSync(cwd).isDirectory()) return null
  } catch {
    // Reported below.
  }
  return `the session's folder ${cwd} no longer exists`
}

function isLimitText(text: string, now: number, timeZone: string): boolean {
  const parsed = parseLimitMessage(text, { now, timeZone })
  return parsed.limited || parsed.transient
}
