/**
 * When to try again after a limit: a pure policy.
 *
 * Time comes in as an argument (`at`: when the fact that calls for a decision
 * happened), never from a clock, so replaying a journal reproduces every
 * decision. Randomness comes in as an argument too (`random` in [0, 1));
 * the session machine derives it from the session id and the attempt number
 * (`jitterFraction`) so that jitter is also reproducible.
 *
 * Decisions explain themselves: `{ action, retryAt, source, reasons }`.
 */
import { TRANSIENT_LIMIT_KINDS, type LimitKind } from './session-events.js'

export interface RetryPolicyConfig {
  /** Wait this long after a known reset (limits linger a minute or two). */
  marginMs: number
  /** Resume attempts per limit episode; 0 disables automatic resume. */
  maxAttempts: number
  /** First backoff after a failed resume; doubles per attempt. */
  backoffBaseMs: number
  /** Backoff ceiling (before jitter). */
  backoffCapMs: number
  /** Backoff is scaled by a factor in [1 - jitterRatio, 1 + jitterRatio). */
  jitterRatio: number
  /** Minimum gap between the retries of sessions sharing one quota. */
  staggerMs: number
  /** A reset further away than this from the limit is a long wait (a weekly limit, most often). */
  longWaitHorizonMs: number
  /**
   * What a long wait does: `resume` schedules it like any other reset; `notify` schedules
   * nothing and hands the session to the user (needsUser), who resumes it when they want.
   */
  longWait: LongWaitPolicy
}

export const LONG_WAIT_POLICIES = ['resume', 'notify'] as const
export type LongWaitPolicy = (typeof LONG_WAIT_POLICIES)[number]

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicyConfig> = Object.freeze({
  marginMs: 90_000,
  maxAttempts: 5,
  backoffBaseMs: 120_000,
  backoffCapMs: 3_600_000,
  jitterRatio: 0.2,
  staggerMs: 20_000,
  // Claude Code's own auto-continue stops waiting past 24 h; beyond that only this product resumes.
  longWaitHorizonMs: 24 * 3_600_000,
  longWait: 'resume',
})

const MINUTE = 60_000

/**
 * Wait after a limit whose reset time is unknown, by the usage of the limiting
 * window when a usage source knew it. Higher usage never waits less.
 *   usage <= 50 %  ->  5 min      75 % < usage <= 90 %  -> 30 min
 *   usage <= 75 %  -> 15 min      90 % < usage <  95 %  -> 45 min
 *   usage >= 95 %  -> 60 min      usage unknown         -> 30 min
 */
export const ADAPTIVE_DELAYS_MS = Object.freeze({
  upTo50: 5 * MINUTE,
  upTo75: 15 * MINUTE,
  upTo90: 30 * MINUTE,
  below95: 45 * MINUTE,
  from95: 60 * MINUTE,
  unknownUsage: 30 * MINUTE,
})

/** Wait after a transient limit (overload, throttle, API 429) of each kind. */
export const TRANSIENT_DELAYS_MS: Readonly<Partial<Record<LimitKind, number>>> =
  Object.freeze({
    overloaded: 30_000,
    server_throttle: 60_000,
    api_rate_limit: 120_000,
  })

/** Wait after a limit flagged transient whose kind has no entry above. */
export const TRANSIENT_DEFAULT_DELAY_MS = 60_000

/**
 * A reset further away than this from the moment the limit was seen is not
 * believed (weekly limits reset within 7 days; a seconds/milliseconds mix-up
 * lands far outside).
 */
export const RESET_HORIZON_MS = 8 * 24 * 60 * MINUTE

/** The facts about a limit that the policy reads. */
export interface LimitInfo {
  kind: LimitKind
  resetAt: number | null
  source: string
  transient: boolean
  usedPercentage?: number | null
}

/** Why the retry is at this time. */
export type RetrySource =
  | 'reset+margin'
  | 'adaptive'
  | 'transient'
  | 'backoff'
  | 'manual'
  | 'stagger'

export type RetryDecision =
  | { action: 'schedule'; retryAt: number; source: RetrySource; reasons: string[] }
  /** A reset beyond the long-wait horizon under `longWait: notify`: the user decides. */
  | { action: 'notify'; retryAt: null; source: null; reasons: string[] }
  /** No automatic resume: `wait` until something changes, or `exhausted`. */
  | { action: 'wait' | 'exhausted'; retryAt: null; source: null; reasons: string[] }

export interface RetryInput {
  /** When the fact calling for this decision happened (epoch ms). */
  at: number
  /** The limit in force; null when there is none (a resume run crashed). */
  limit: LimitInfo | null
  /** Resume attempts already started in this limit episode. */
  attempts: number
  config: RetryPolicyConfig
  /** In [0, 1): where the backoff falls within its jitter band. */
  random: number
}

/** An ISO-8601 time for reasons, that never throws on a bad number. */
export function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15
    ? new Date(ms).toISOString()
    : String(ms)
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`
}

/** Is this limit transient (by its flag or by its kind)? */
export function isTransient(limit: LimitInfo): boolean {
  return limit.transient || TRANSIENT_LIMIT_KINDS.includes(limit.kind)
}

/**
 * The limit's reset time when it is believable at `at`: a finite number, not
 * so old that its retry time (reset + margin) had already passed when the
 * limit was seen (a stale fact), and within `RESET_HORIZON_MS`.
 */
export function knownResetAt(
  limit: LimitInfo | null,
  at: number,
  config: RetryPolicyConfig,
): number | null {
  const r = limit?.resetAt
  if (typeof r !== 'number' || !Number.isFinite(r)) return null
  if (r + config.marginMs < at) return null
  if (r > at + RESET_HORIZON_MS) return null
  return r
}

/**
 * A reset that passed at most this long before the limit was seen is not stale: the limit is
 * often still in force a minute or two after the printed time
 * (docs/claude-code.md#limits-that-linger-past-the-reset), and a limit
 * seen just after its reset (a slow hook, a busy machine) must not wait an adaptive half hour.
 */
export const LINGERING_RESET_MS = 10 * MINUTE

/** The reset passed shortly before the limit was seen: retry after the margin, from `at`. */
export function lingeringResetAt(limit: LimitInfo | null, at: number, config: RetryPolicyConfig): number | null {
  const r = limit?.resetAt
  if (typeof r !== 'number' || !Number.isFinite(r)) return null
  return r + config.marginMs < at && r >= at - LINGERING_RESET_MS ? r : null
}

/** Wait for an unknown reset, from the usage percentage when known. */
export function adaptiveDelayMs(usedPercentage: number | null | undefined): number {
  if (typeof usedPercentage !== 'number' || Number.isNaN(usedPercentage)) {
    return ADAPTIVE_DELAYS_MS.unknownUsage
  }
  if (usedPercentage <= 50) return ADAPTIVE_DELAYS_MS.upTo50
  if (usedPercentage <= 75) return ADAPTIVE_DELAYS_MS.upTo75
  if (usedPercentage <= 90) return ADAPTIVE_DELAYS_MS.upTo90
  if (usedPercentage < 95) return ADAPTIVE_DELAYS_MS.below95
  return ADAPTIVE_DELAYS_MS.from95
}

/** Wait after a transient limit of this kind. */
export function transientDelayMs(kind: LimitKind): number {
  return TRANSIENT_DELAYS_MS[kind] ?? TRANSIENT_DEFAULT_DELAY_MS
}

/** The backoff before jitter after failed attempt n (n >= 1). */
export function nominalBackoffMs(attempt: number, config: RetryPolicyConfig): number {
  const n = Math.max(1, Math.floor(attempt))
  // 2 ** 1024 is Infinity, and Math.min handles that.
  return Math.min(config.backoffCapMs, config.backoffBaseMs * 2 ** (n - 1))
}

/**
 * The backoff after failed attempt n: `min(cap, base * 2^(n-1))` scaled by
 * `1 + jitterRatio * (2 * random - 1)`, i.e. within [1 - ratio, 1 + ratio).
 */
export function backoffDelayMs(
  attempt: number,
  config: RetryPolicyConfig,
  random: number,
): number {
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0.5
  const nominal = nominalBackoffMs(attempt, config)
  return Math.round(nominal * (1 + config.jitterRatio * (2 * r - 1)))
}

/**
 * A number in [0, 1) derived from the session id and attempt (FNV-1a 32 bit),
 * so that sessions limited together spread out, and a replay of the journal
 * lands on exactly the same times.
 */
export function jitterFraction(sessionId: string, attempt: number): number {
  const text = `${sessionId}#${attempt}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 0x1_0000_0000
}

/**
 * When to try again.
 *
 * - `attempts >= maxAttempts`: `exhausted` (or `wait` when maxAttempts is 0,
 *   i.e. automatic resume is off).
 * - First try (attempts 0): known reset -> reset + margin; transient -> a short
 *   per-kind wait; otherwise an adaptive wait from the usage percentage.
 * - After failed attempt n: `at + backoff(n)`, never earlier than reset +
 *   margin when the (new) limit's reset is known.
 * - A retry at a reset beyond `longWaitHorizonMs` follows `longWait` (`applyLongWait`).
 */
export function decideRetry(input: RetryInput): RetryDecision {
  return applyLongWait(decideRetryTime(input), input.at, input.config)
}

function hours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10}h`
}

/**
 * A retry at a reset beyond the horizon is a long wait: said so in the reasons, and under
 * `longWait: notify` not scheduled at all. Only reset times count: a backoff is never long.
 */
export function applyLongWait(decision: RetryDecision, at: number, config: RetryPolicyConfig): RetryDecision {
  if (decision.action !== 'schedule' || decision.source !== 'reset+margin') return decision
  const wait = decision.retryAt - at
  if (!(wait > config.longWaitHorizonMs)) return decision
  const line = `a long wait: ${hours(wait)} is beyond the ${hours(config.longWaitHorizonMs)} horizon`
  if (config.longWait === 'resume') return { ...decision, reasons: [...decision.reasons, `${line}, resumed then all the same (long-wait policy: resume)`] }
  return {
    action: 'notify',
    retryAt: null,
    source: null,
    reasons: [...decision.reasons, `${line}: not resumed automatically (long-wait policy: notify); resume it yourself after ${iso(decision.retryAt)}`],
  }
}

function decideRetryTime(input: RetryInput): RetryDecision {
  const { at, limit, attempts, config } = input
  if (attempts >= config.maxAttempts) {
    if (attempts === 0) {
      return {
        action: 'wait',
        retryAt: null,
        source: null,
        reasons: ['automatic resume is off (maxAttempts is 0)'],
      }
    }
    return {
      action: 'exhausted',
      retryAt: null,
      source: null,
      reasons: [`${attempts} of ${config.maxAttempts} resume attempts used`],
    }
  }
  const resetAt = knownResetAt(limit, at, config)
  const reset = limit && resetAt !== null ? { limit, resetAt } : null
  const resetReason = (r: { limit: LimitInfo; resetAt: number }) =>
    `${r.limit.kind} resets at ${iso(r.resetAt)} (${r.limit.source}), plus margin ${seconds(config.marginMs)}`
  const ignoredReset =
    limit && limit.resetAt !== null && reset === null && lingeringResetAt(limit, at, config) === null
      ? [`reset ${iso(limit.resetAt)} ignored: stale or implausible at ${iso(at)}`]
      : []

  if (attempts === 0) {
    if (reset) {
      return schedule(reset.resetAt + config.marginMs, 'reset+margin', [resetReason(reset)])
    }
    const lingering = lingeringResetAt(limit, at, config)
    if (limit && lingering !== null) {
      return schedule(at + config.marginMs, 'reset+margin', [
        `${limit.kind} reset ${iso(lingering)} passed ${seconds(at - lingering)} before the limit was seen: it lingers, retry after the margin ${seconds(config.marginMs)}`,
      ])
    }
    if (limit && isTransient(limit)) {
      const d = transientDelayMs(limit.kind)
      return schedule(at + d, 'transient', [
        ...ignoredReset,
        `transient ${limit.kind}: retry after ${seconds(d)}`,
      ])
    }
    const d = adaptiveDelayMs(limit?.usedPercentage)
    const usage =
      typeof limit?.usedPercentage === 'number'
        ? `usage ${limit.usedPercentage}%`
        : 'usage unknown'
    return schedule(at + d, 'adaptive', [
      ...ignoredReset,
      `reset time unknown, ${usage}: retry after ${seconds(d)}`,
    ])
  }

  const backoff = backoffDelayMs(attempts, config, input.random)
  const backoffAt = at + backoff
  const backoffReason = `attempt ${attempts} of ${config.maxAttempts} failed: backoff ${seconds(backoff)}`
  if (reset && reset.resetAt + config.marginMs > backoffAt) {
    return schedule(reset.resetAt + config.marginMs, 'reset+margin', [
      backoffReason,
      `${resetReason(reset)} is later than the backoff`,
    ])
  }
  return schedule(backoffAt, 'backoff', [backoffReason])
}

function schedule(retryAt: number, source: RetrySource, reasons: string[]): RetryDecision {
  return { action: 'schedule', retryAt, source, reasons }
}

/**
 * The earliest time >= `candidate` that is at least `staggerMs` away from
 * every time in `taken` (the retries of other sessions sharing the quota).
 */
export function staggerRetryAt(
  candidate: number,
  taken: readonly number[],
  staggerMs: number,
): number {
  if (!(staggerMs > 0)) return candidate
  const sorted = taken.filter(x => Number.isFinite(x)).sort((a, b) => a - b)
  let t = candidate
  for (const x of sorted) {
    if (x >= t + staggerMs) break
    if (Math.abs(t - x) < staggerMs) t = x + staggerMs
  }
  return t
}
