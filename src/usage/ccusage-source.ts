// The estimate: `ccusage blocks --active --json --offline --token-limit <limit>` reads Claude
// Code's transcripts (~/.claude/projects/**/*.jsonl, or CLAUDE_CONFIG_DIR) and reports the active
// 5-hour block: tokens so far, a projection to the block's end, and (with a token limit) how that
// projection compares to the limit. `--token-limit max` takes the largest earlier block as the
// limit, ccusage's own guess at the plan's size. `--offline` uses its bundled prices (no network).
//
// The binary is SESSION_RETRY_CCUSAGE_BIN (default `ccusage` on PATH), run with execFile and an
// argument array, a timeout and a bounded output. A missing or failing ccusage is a value
// (`{ status: 'unknown', reason }`), never a throw. `CcusageSource` runs it at most once per
// interval and says whether a failure is new, so the caller logs it once.
import { execFile } from 'node:child_process'

export const CCUSAGE_TIMEOUT_MS = 10_000
export const CCUSAGE_MAX_BUFFER = 4 * 1024 * 1024
export const DEFAULT_CCUSAGE_BIN = 'ccusage'

export type CcusageFailure = 'missing' | 'timeout' | 'failed' | 'bad-output'

export interface CcusageEstimate {
  status: 'ok'
  /** false: no usage within the last 5 hours (ccusage found no active block) */
  active: boolean
  /** tokens of every kind (input, output, cache creation, cache read) in the active block */
  usedTokens: number
  /** ccusage's projection of usedTokens at the block's end, at the current burn rate */
  projectedTokens: number | null
  /** the limit the percentages compare to (ccusage's `tokenLimitStatus.limit`), when known */
  tokenLimit: number | null
  /** usedTokens / tokenLimit × 100; 0 when no block is active; null without a limit */
  usedPercentage: number | null
  /** ccusage's `percentUsed`: projectedTokens / tokenLimit × 100 */
  projectedPercentage: number | null
  /** the block's start and end (ISO): the end is when this 5-hour window is expected to reset */
  blockStart: string | null
  resetsAt: string | null
  /** minutes from the run to the block's end, as ccusage projected them */
  remainingMinutes: number | null
  costUSD: number | null
  checkedAt: string
}

export interface CcusageUnknown {
  status: 'unknown'
  code: CcusageFailure
  reason: string
  checkedAt: string
}

export type CcusageUsage = CcusageEstimate | CcusageUnknown

export interface CcusageRunOptions {
  /** the executable; default SESSION_RETRY_CCUSAGE_BIN from `env`, else `ccusage` */
  bin?: string
  /** the environment of the ccusage process (its HOME / CLAUDE_CONFIG_DIR decide what it reads) */
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  maxBuffer?: number
  /** a token count, or 'max' (the largest earlier block); default 'max' */
  tokenLimit?: number | 'max'
  now: number
}

export function ccusageBin(env: NodeJS.ProcessEnv): string {
  return env.SESSION_RETRY_CCUSAGE_BIN || DEFAULT_CCUSAGE_BIN
}

export function ccusageArgs(tokenLimit: number | 'max' = 'max'): string[] {
  return ['blocks', '--active', '--json', '--offline', '--token-limit', String(tokenLimit)]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function iso(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null
}

function unknown(code: CcusageFailure, reason: string, now: number): CcusageUnknown {
  return { status: 'unknown', code, reason, checkedAt: new Date(now).toISOString() }
}

/**
 * Reads `ccusage blocks --active --json` output (18.0.11); pure. ccusage reports the limit
 * (`tokenLimitStatus`) only with a projection, which needs two turns in the block: a numeric
 * `tokenLimit` the caller passed to ccusage is used when it does not.
 */
export function parseCcusageBlocks(stdout: string, now: number, tokenLimit: number | 'max' = 'max'): CcusageUsage {
  let body: unknown
  try {
    body = JSON.parse(stdout)
  } catch {
    return unknown('bad-output', 'ccusage printed no JSON', now)
  }
  if (!isRecord(body) || !Array.isArray(body.blocks)) return unknown('bad-output', 'ccusage JSON has no "blocks" list', now)
  const checkedAt = new Date(now).toISOString()
  const block = body.blocks.find(b => isRecord(b) && b.isActive === true && b.isGap !== true)
  if (!isRecord(block)) {
    return {
      status: 'ok', active: false, usedTokens: 0, projectedTokens: null, tokenLimit: null, usedPercentage: 0,
      projectedPercentage: null, blockStart: null, resetsAt: null, remainingMinutes: null, costUSD: null, checkedAt,
    }
  }
  const usedTokens = num(block.totalTokens)
  if (usedTokens === null) return unknown('bad-output', 'ccusage block has no totalTokens', now)
  const projection = isRecord(block.projection) ? block.projection : {}
  const limitStatus = isRecord(block.tokenLimitStatus) ? block.tokenLimitStatus : {}
  const limit = num(limitStatus.limit) ?? (typeof tokenLimit === 'number' ? tokenLimit : null)
  const usable = limit !== null && limit > 0
  return {
    status: 'ok',
    active: true,
    usedTokens,
    projectedTokens: num(projection.totalTokens),
    tokenLimit: usable ? limit : null,
    usedPercentage: usable ? (usedTokens / limit) * 100 : null,
    projectedPercentage: usable ? num(limitStatus.percentUsed) : null,
    blockStart: iso(block.startTime),
    resetsAt: iso(block.endTime),
    remainingMinutes: num(projection.remainingMinutes),
    costUSD: num(block.costUSD),
    checkedAt,
  }
}

/** The last meaningful line of ccusage's stderr (it prints `Error: ...` and a stack). */
function stderrReason(stderr: string): string {
  const lines = stderr.split('\n').map(l => l.trim()).filter(Boolean)
  const line = lines.find(l => /^\w*Error:/.test(l)) ?? lines[0] ?? ''
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

/**
 * Runs ccusage once; never rejects. At the timeout execFile sends SIGKILL and closes the pipes,
 * so even a wrapper script whose children hold them open cannot keep the caller waiting.
 */
export function runCcusage(options: CcusageRunOptions): Promise<CcusageUsage> {
  const env = options.env ?? process.env
  const bin = options.bin ?? ccusageBin(env)
  const timeoutMs = options.timeoutMs ?? CCUSAGE_TIMEOUT_MS
  const started = Date.now()
  return new Promise(resolve => {
    const done = (error: (Error & { code?: unknown; killed?: boolean; signal?: unknown }) | null, stdout: string, stderr: string) => {
      const now = options.now + (Date.now() - started)
      if (!error) return resolve(parseCcusageBlocks(stdout, now, options.tokenLimit))
      if (error.code === 'ENOENT') return resolve(unknown('missing', `ccusage not found (${bin}); install it or set SESSION_RETRY_CCUSAGE_BIN`, now))
      if (error.code === 'EACCES') return resolve(unknown('missing', `ccusage is not executable (${bin})`, now))
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve(unknown('bad-output', 'ccusage printed more than the output limit', now))
      if (error.killed && error.signal === 'SIGKILL') return resolve(unknown('timeout', `ccusage did not answer within ${timeoutMs} ms`, now))
      const how = typeof error.code === 'number' ? `exited with code ${error.code}` : error.signal ? `was killed by ${String(error.signal)}` : 'failed'
      const detail = stderrReason(stderr) || error.message.split('\n')[0] || 'no message'
      resolve(unknown('failed', `ccusage ${how}: ${detail}`, now))
    }
    try {
      execFile(
        bin,
        ccusageArgs(options.tokenLimit),
        { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: options.maxBuffer ?? CCUSAGE_MAX_BUFFER, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => done(error, String(stdout), String(stderr)),
      )
    } catch (error) {
      // execFile throws synchronously on arguments it refuses (a NUL byte in the path)
      resolve(unknown('failed', `ccusage could not start: ${(error as Error).message}`, options.now))
    }
  })
}

/** After n failures in a row the next run waits 2^n intervals, at most 2^5 (16 min at 30 s). */
export const MAX_BACKOFF_DOUBLINGS = 5

export interface CcusagePoll {
  usage: CcusageUsage
  /** ccusage ran for this poll (false: the cached figure, the interval has not passed) */
  ran: boolean
  /** an unknown whose failure code differs from the previous result's: log it (once) */
  newFailure: boolean
}

/**
 * Runs ccusage at most once per interval. Concurrent polls share one run. The caller passes the
 * interval and `now` (the supervisor's monitor interval and clock).
 */
export class CcusageSource {
  private last: { at: number; usage: CcusageUsage } | null = null
  private running: Promise<CcusagePoll> | null = null
  private failures = 0

  constructor(private readonly options: Omit<CcusageRunOptions, 'now'> = {}) {}

  /** The last result, without running anything. */
  latest(): CcusageUsage | null {
    return this.last?.usage ?? null
  }

  poll({ now, intervalMs }: { now: number; intervalMs: number }): Promise<CcusagePoll> {
    if (this.running) return this.running
    // A ccusage that keeps failing (no transcripts, not installed) is asked less and less often:
    // each run is a Node start, and an idle supervisor should cost next to nothing.
    const wait = intervalMs * 2 ** Math.min(this.failures, MAX_BACKOFF_DOUBLINGS)
    if (this.last && now - this.last.at < wait && now >= this.last.at) {
      return Promise.resolve({ usage: this.last.usage, ran: false, newFailure: false })
    }
    const previous = this.last?.usage ?? null
    this.running = runCcusage({ ...this.options, now }).then(usage => {
      this.last = { at: now, usage }
      this.failures = usage.status === 'unknown' ? this.failures + 1 : 0
      this.running = null
      const newFailure = usage.status === 'unknown' && (previous?.status !== 'unknown' || previous.code !== usage.code)
      return { usage, ran: true, newFailure }
    })
    return this.running
  }
}
