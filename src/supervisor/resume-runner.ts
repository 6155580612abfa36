// When a session falls due: continue it the right way, once. An owner that still has the session
// open gets the first chance (its own auto-continue); otherwise `claude --resume <id> -p <prompt>`
// runs in the session's folder. The attempt is journaled and applied (state `resuming`, persisted)
// BEFORE the process starts, so a crash can never start the same attempt twice.
import { spawn } from 'node:child_process'
import { closeSync, readdirSync, rmSync, statSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Config } from '../config/load-config.js'
import { appendRecord } from '../journal/append-record.js'
import { JOURNAL_SCHEMA_VERSION, type JournalRecord } from '../journal/event-record.js'
import type { HomePaths } from '../journal/home-paths.js'
import { isProcessAlive } from '../journal/promote-spool.js'
import { ensureHomeDir } from '../journal/safe-dirs.js'
import { openAppendSync, readFileSafe, writeFileAtomicSync } from '../journal/safe-files.js'
import { readTranscriptLimit } from '../limits/read-transcript-limit.js'
import type { Logger } from './logger.js'
import { checkOwner } from './owner-liveness.js'
import type { SessionRuntime } from './session-runtime.js'

function localDay(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

export interface RunnerDeps {
  config: Config
  paths: HomePaths
  log: Logger
  now: () => number
  timeZone: string
  /** Called (outside any queue) when a spawned run has exited and its exit is journaled. */
  onExit: (sessionId: string) => void
  /** Re-check a session later (spawns are spaced by `staggerMs`). */
  recheckIn: (sessionId: string, ms: number) => void
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
  private readonly spawnDays: string[] = []
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
    this.journal(id, { event: 'ResumeStarted', attempt, mode: 'spawn' })
    await apply()
    if (rt.state !== 'resuming' || rt.context.lastResume?.attempt !== attempt) return
    this.lastSpawnAt = this.deps.now()
    if (!manual) this.spawnDays.push(localDay(this.lastSpawnAt))
    this.start(rt, attempt)
  }

  /** Automatic resumes started today (local calendar day); counted from the resume logs at start. */
  usedToday(): number {
    const today = localDay(this.deps.now())
    return this.spawnDays.filter(day => day === today).length
  }

  /** The cap survives restarts: every spawned attempt left a log file, created when it started. */
  countTodaysLogs(): void {
    const today = localDay(this.deps.now())
    let names: string[] = []
    try {
      names = readdirSync(this.deps.paths.resumeLogsDir)
    } catch {
      return
    }
    for (const name of names) {
      if (!name.endsWith('.log')) continue
      try {
        const born = statSync(join(this.deps.paths.resumeLogsDir, name)).birthtimeMs
        if (localDay(born) === today) this.spawnDays.push(today)
      } catch {
        // Gone meanwhile.
      }
    }
  }

  private start(rt: SessionRuntime, attempt: number): void {
    const { config, paths, log } = this.deps
    const id = rt.sessionId
    const startedAt = this.deps.now()
    ensureHomeDir(paths.home, paths.resumeLogsDir)
    const output = openAppendSync(join(paths.resumeLogsDir, `${id}.${attempt}.log`))
    const args = [...config.claudeArgs, '--resume', id, '-p', config.resumePrompt]
    this.inflight.set(id, { attempt, pid: null })
    this.counters.started++
    let finished = false
    const finish = (exitCode: number | null, why: string) => {
      if (finished) return
      finished = true
      rmSync(this.pidFile(id, attempt), { force: true })
      void this.exited(rt, attempt, startedAt, exitCode, why)
    }
    try {
      const child = spawn(config.claudeBin, args, {
        cwd: rt.context.cwd ?? paths.home,
        env: { ...process.env, SESSION_RETRY_HOME: paths.home },
        stdio: ['ignore', output, output],
        // Its own process group: a Ctrl-C on the supervisor must not cut a resumed session short.
        detached: true,
      })
      if (child.pid) {
        writeFileAtomicSync(this.pidFile(id, attempt), `${child.pid}\n`, { fsync: false })
        this.inflight.set(id, { attempt, pid: child.pid })
      }
      log.info('resume started', { sessionId: id, attempt, pid: child.pid ?? null, cwd: rt.context.cwd, bin: config.claudeBin })
      child.on('error', error => finish(null, `could not start ${config.claudeBin}: ${error.message}`))
      child.on('exit', (code, signal) => finish(code, signal ? `killed by ${signal}` : `exit code ${code}`))
    } catch (error) {
      finish(null, `could not start ${config.claudeBin}: ${(error as Error).message}`)
    } finally {
      closeSync(output)
    }
  }

  /** After a restart: a run started by a previous supervisor may still be going, or be gone. */
  adopt(rt: SessionRuntime): void {
    const run = rt.context.lastResume
    if (rt.state !== 'resuming' || !run || run.mode !== 'spawn' || run.exitedAt !== null || this.inflight.has(rt.sessionId)) return
    const pid = this.readPid(rt.sessionId, run.attempt)
    this.inflight.set(rt.sessionId, { attempt: run.attempt, pid })
    const poll = () => {
      if (pid !== null && isProcessAlive(pid)) return void setTimeout(poll, 1000).unref()
      rmSync(this.pidFile(rt.sessionId, run.attempt), { force: true })
      void this.exited(rt, run.attempt, run.startedAt, null, pid === null ? 'no record of the run (supervisor restarted)' : `run ${pid} ended while the supervisor was down`)
    }
    poll()
  }

  /** An open owner that did not continue within the grace period: ask the user instead. */
  ownerTimedOut(rt: SessionRuntime): boolean {
    const run = rt.context.lastResume
    if (rt.state !== 'awaitingOwner' || !run) return false
    if (this.deps.now() - run.startedAt < this.deps.config.ownerGraceMs) return false
    this.journal(rt.sessionId, { event: 'OwnerTimeout' })
    return true
  }

  private async exited(rt: SessionRuntime, attempt: number, startedAt: number, exitCode: number | null, why: string): Promise<void> {
    const limited = await this.limitedSince(rt.context.transcriptPath, startedAt)
    if (exitCode === 0 && !limited) this.counters.succeeded++
    else this.counters.failed++
    this.deps.log.info('resume ended', { sessionId: rt.sessionId, attempt, exitCode, limited, why })
    this.journal(rt.sessionId, { event: 'ResumeExited', attempt, exitCode, limited })
    this.inflight.delete(rt.sessionId)
    this.deps.onExit(rt.sessionId)
  }

  /** Did the run end on a limit? Its last transcript row says so (facts, section 8). */
  private async limitedSince(transcriptPath: string | null, startedAt: number): Promise<boolean> {
    if (!transcriptPath) return false
    const result = await readTranscriptLimit(transcriptPath, { now: this.deps.now(), timeZone: this.deps.timeZone, retries: 2 })
    if (!result.ok || !result.limit || result.limit.continued) return false
    const rowAt = result.limit.timestamp ? Date.parse(result.limit.timestamp) : NaN
    return rowAt >= startedAt - 1000 && (result.limit.limited || result.limit.transient)
  }

  private journal(sessionId: string, fields: Partial<JournalRecord> & { event: string }): void {
    appendRecord(this.deps.paths, {
      v: JOURNAL_SCHEMA_VERSION,
      id: randomUUID(),
      ts: new Date(this.deps.now()).toISOString(),
      sessionId,
      origin: 'supervisor',
      ...fields,
    })
  }

  private pidFile(sessionId: string, attempt: number): string {
    return join(this.deps.paths.resumeLogsDir, `${sessionId}.${attempt}.pid`)
  }

  private readPid(sessionId: string, attempt: number): number | null {
    try {
      const pid = Number(readFileSafe(this.pidFile(sessionId, attempt)).trim())
      return Number.isSafeInteger(pid) && pid > 1 ? pid : null
    } catch {
      return null
    }
  }
}
