import t from 'tap'
import {
  LINGERING_RESET_MS,
  lingeringResetAt,
  ADAPTIVE_DELAYS_MS,
  DEFAULT_RETRY_POLICY,
  RESET_HORIZON_MS,
  TRANSIENT_DEFAULT_DELAY_MS,
  TRANSIENT_DELAYS_MS,
  adaptiveDelayMs,
  backoffDelayMs,
  decideRetry,
  iso,
  jitterFraction,
  knownResetAt,
  nominalBackoffMs,
  staggerRetryAt,
  type LimitInfo,
  type RetryPolicyConfig,
} from '../../state/retry-policy.js'
import type { LimitKind } from '../../state/session-events.js'

const MIN = 60_000
const AT = Date.UTC(2026, 10, 25, 3, 1, 15)
const P = DEFAULT_RETRY_POLICY

const limit = (over: Partial<LimitInfo> = {}): LimitInfo => ({
  kind: 'five_hour',
  resetAt: null,
  source: 'transcript',
  transient: false,
  usedPercentage: null,
  ...over,
})

t.test('timing constants are pinned (a change here is a reviewed diff)', async t => {
  t.strictSame({ ...DEFAULT_RETRY_POLICY }, {
    marginMs: 90_000,
    maxAttempts: 5,
    backoffBaseMs: 120_000,
    backoffCapMs: 3_600_000,
    jitterRatio: 0.2,
    staggerMs: 20_000,
    longWaitHorizonMs: 24 * 60 * MIN,
    longWait: 'resume',
  })
  t.ok(Object.isFrozen(DEFAULT_RETRY_POLICY))
  t.strictSame({ ...ADAPTIVE_DELAYS_MS }, {
    upTo50: 5 * MIN,
    upTo75: 15 * MIN,
    upTo90: 30 * MIN,
    below95: 45 * MIN,
    from95: 60 * MIN,
    unknownUsage: 30 * MIN,
  })
  t.strictSame({ ...TRANSIENT_DELAYS_MS }, {
    overloaded: 30_000,
    server_throttle: 60_000,
    api_rate_limit: 120_000,
  })
  t.equal(TRANSIENT_DEFAULT_DELAY_MS, 60_000)
  t.equal(RESET_HORIZON_MS, 8 * 24 * 60 * MIN)
})

t.test('known reset: retryAt = resetAt + margin', async t => {
  const cases: Array<[string, number]> = [
    ['reset in 1 h', AT + 60 * MIN],
    ['reset in 1 s', AT + 1000],
    ['reset 30 s ago (still within the margin)', AT - 30_000],
    ['weekly reset in 6 days', AT + 6 * 24 * 60 * MIN],
  ]
  for (const [name, resetAt] of cases) {
    const d = decideRetry({ at: AT, limit: limit({ resetAt }), attempts: 0, config: P, random: 0.5 })
    t.equal(d.action, 'schedule', name)
    t.equal(d.retryAt, resetAt + P.marginMs, name)
    t.equal(d.source, 'reset+margin', name)
    t.match(d.reasons[0], /resets at .* plus margin 90s/, name)
  }
})

t.test('stale or implausible reset is not believed', async t => {
  const cases: Array<[string, number]> = [
    ['reset passed longer ago than a lingering limit', AT - LINGERING_RESET_MS - 1],
    ['seconds read as milliseconds (1970)', 1_795_579_275],
    ['beyond the 8 day horizon', AT + RESET_HORIZON_MS + 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ]
  for (const [name, resetAt] of cases) {
    t.equal(knownResetAt(limit({ resetAt }), AT, P), null, name)
    const d = decideRetry({ at: AT, limit: limit({ resetAt }), attempts: 0, config: P, random: 0.5 })
    t.equal(d.source, 'adaptive', name)
    t.equal(d.retryAt, AT + ADAPTIVE_DELAYS_MS.unknownUsage, name)
    t.match(d.reasons.join('\n'), /ignored: stale or implausible/, name)
  }
  t.equal(knownResetAt(limit({ resetAt: AT + RESET_HORIZON_MS }), AT, P), AT + RESET_HORIZON_MS)
  t.equal(knownResetAt(limit({ resetAt: AT - P.marginMs }), AT, P), AT - P.marginMs)
  t.equal(knownResetAt(null, AT, P), null)
})

t.test('a reset that passed just before the limit was seen: retry after the margin, not adaptive', async t => {
  const cases: Array<[string, number]> = [
    ['retry time passed a moment before', AT - P.marginMs - 1],
    ['passed 5 minutes before', AT - 5 * MIN],
    ['passed exactly the lingering window before', AT - LINGERING_RESET_MS],
  ]
  for (const [name, resetAt] of cases) {
    t.equal(knownResetAt(limit({ resetAt }), AT, P), null, `${name}: not a future reset`)
    t.equal(lingeringResetAt(limit({ resetAt }), AT, P), resetAt, name)
    const d = decideRetry({ at: AT, limit: limit({ resetAt }), attempts: 0, config: P, random: 0.5 })
    t.equal(d.retryAt, AT + P.marginMs, name)
    t.equal(d.source, 'reset+margin', name)
    t.match(d.reasons[0], /passed .* before the limit was seen: it lingers/, name)
  }
  t.equal(LINGERING_RESET_MS, 10 * MIN, 'pinned')
})

t.test('unknown reset: adaptive wait from usage, never shorter for higher usage', async t => {
  const table: Array<[number | null | undefined, number]> = [
    [null, 30 * MIN],
    [undefined, 30 * MIN],
    [Number.NaN, 30 * MIN],
    [-5, 5 * MIN],
    [0, 5 * MIN],
    [50, 5 * MIN],
    [50.1, 15 * MIN],
    [75, 15 * MIN],
    [76, 30 * MIN],
    [90, 30 * MIN],
    [94.9, 45 * MIN],
    [95, 60 * MIN],
    [100, 60 * MIN],
    [140, 60 * MIN],
  ]
  for (const [usage, delay] of table) {
    t.equal(adaptiveDelayMs(usage), delay, `usage ${usage}`)
    const d = decideRetry({
      at: AT,
      limit: limit({ usedPercentage: usage }),
      attempts: 0,
      config: P,
      random: 0.5,
    })
    t.equal(d.retryAt, AT + delay, `decision for usage ${usage}`)
    t.equal(d.source, 'adaptive')
  }
  let previous = 0
  for (let u = 0; u <= 100; u += 0.5) {
    const d = adaptiveDelayMs(u)
    t.ok(d >= previous, `usage ${u}% waits at least as long as lower usage`)
    previous = d
  }
})

t.test('transient limits: a short wait per kind', async t => {
  const table: Array<[LimitKind, boolean, number]> = [
    ['overloaded', true, 30_000],
    ['server_throttle', true, 60_000],
    ['api_rate_limit', true, 120_000],
    // the kind alone makes it transient
    ['overloaded', false, 30_000],
    // the flag alone makes it transient
    ['unknown', true, 60_000],
  ]
  for (const [kind, transient, delay] of table) {
    const d = decideRetry({ at: AT, limit: limit({ kind, transient }), attempts: 0, config: P, random: 0.5 })
    t.equal(d.source, 'transient', `${kind} ${transient}`)
    t.equal(d.retryAt, AT + delay, `${kind} ${transient}`)
  }
  // a known reset beats the transient wait
  const d = decideRetry({
    at: AT,
    limit: limit({ kind: 'api_rate_limit', transient: true, resetAt: AT + 10_000 }),
    attempts: 0,
    config: P,
    random: 0.5,
  })
  t.equal(d.source, 'reset+margin')
  t.equal(d.retryAt, AT + 10_000 + P.marginMs)
})

t.test('backoff: base * 2^(n-1), capped, jitter within [1-r, 1+r)', async t => {
  t.strictSame(
    [1, 2, 3, 4, 5, 6, 7, 40, 2000].map(n => nominalBackoffMs(n, P)),
    [2, 4, 8, 16, 32, 60, 60, 60, 60].map(m => m * MIN),
  )
  t.equal(nominalBackoffMs(0, P), 2 * MIN, 'attempt 0 is treated as 1')
  for (let n = 1; n <= P.maxAttempts; n++) {
    const nominal = nominalBackoffMs(n, P)
    t.equal(backoffDelayMs(n, P, 0), Math.round(nominal * 0.8), `attempt ${n} low edge`)
    t.equal(backoffDelayMs(n, P, 0.5), nominal, `attempt ${n} middle`)
    const high = backoffDelayMs(n, P, 0.999999)
    t.ok(high < nominal * 1.2 + 1 && high > nominal * 1.19, `attempt ${n} high edge ${high}`)
  }
  t.equal(backoffDelayMs(1, P, -3), backoffDelayMs(1, P, 0), 'random below 0 is clamped')
  t.equal(backoffDelayMs(1, P, Number.NaN), 2 * MIN, 'NaN random is the middle')
  const noJitter: RetryPolicyConfig = { ...P, jitterRatio: 0 }
  t.equal(backoffDelayMs(3, noJitter, 0.9), 8 * MIN)
})

t.test('after a failed attempt: max(reset + margin, at + backoff)', async t => {
  const cases: Array<{ name: string; limit: LimitInfo | null; attempts: number; retryAt: number; source: string }> = [
    { name: 'no limit', limit: null, attempts: 1, retryAt: AT + 2 * MIN, source: 'backoff' },
    {
      name: 'stale reset (the limit lingered after its reset)',
      limit: limit({ resetAt: AT - 10 * MIN }),
      attempts: 2,
      retryAt: AT + 4 * MIN,
      source: 'backoff',
    },
    {
      name: 'reset sooner than the backoff',
      limit: limit({ resetAt: AT + 1000 }),
      attempts: 3,
      retryAt: AT + 8 * MIN,
      source: 'backoff',
    },
    {
      name: 'a new, later reset (weekly)',
      limit: limit({ kind: 'weekly', resetAt: AT + 3 * 24 * 60 * MIN }),
      attempts: 1,
      retryAt: AT + 3 * 24 * 60 * MIN + P.marginMs,
      source: 'reset+margin',
    },
    {
      name: 'unknown reset at 99% still backs off (no adaptive wait after a try)',
      limit: limit({ usedPercentage: 99 }),
      attempts: 1,
      retryAt: AT + 2 * MIN,
      source: 'backoff',
    },
  ]
  for (const c of cases) {
    const d = decideRetry({ at: AT, limit: c.limit, attempts: c.attempts, config: P, random: 0.5 })
    t.equal(d.action, 'schedule', c.name)
    t.equal(d.retryAt, c.retryAt, c.name)
    t.equal(d.source, c.source, c.name)
    t.match(d.reasons[0], new RegExp(`attempt ${c.attempts} of 5 failed`), c.name)
  }
})

t.test('attempts cap: exhausted; maxAttempts 0: wait', async t => {
  const d = decideRetry({ at: AT, limit: limit({ resetAt: AT + MIN }), attempts: 5, config: P, random: 0.5 })
  t.strictSame(d, { action: 'exhausted', retryAt: null, source: null, reasons: ['5 of 5 resume attempts used'] })
  const off = { ...P, maxAttempts: 0 }
  const w = decideRetry({ at: AT, limit: limit({ resetAt: AT + MIN }), attempts: 0, config: off, random: 0.5 })
  t.equal(w.action, 'wait')
  t.equal(w.retryAt, null)
  t.match(w.reasons[0], /automatic resume is off/)
  const four = decideRetry({ at: AT, limit: null, attempts: 4, config: P, random: 0.5 })
  t.equal(four.action, 'schedule', 'attempt 4 of 5 still schedules')
})

t.test('jitterFraction is deterministic, in [0, 1), and spreads', async t => {
  t.equal(jitterFraction('abc', 1), jitterFraction('abc', 1))
  const seen = new Set<number>()
  for (const id of ['a', 'b', '0a38c1dd-1', '0a38c1dd-2']) {
    for (let n = 0; n < 6; n++) {
      const f = jitterFraction(id, n)
      t.ok(f >= 0 && f < 1, `${id}#${n} = ${f}`)
      seen.add(f)
    }
  }
  t.equal(seen.size, 24, 'no two (session, attempt) pairs collide here')
  // FNV-1a 32 of "a#1" (checked with an independent implementation), pinned so jitter never drifts
  t.equal(jitterFraction('a', 1), 0xefac14c4 / 0x1_0000_0000)
})

t.test('staggerRetryAt: earliest time >= candidate, staggerMs from every taken time', async t => {
  const S = 20_000
  const table: Array<[string, number, number[], number]> = [
    ['nothing taken', 1000, [], 1000],
    ['far from everything', 100_000, [0, 200_000], 100_000],
    ['exactly staggerMs away is fine', 20_000, [0, 40_000], 20_000],
    ['collides with one', 100_000, [100_000], 120_000],
    ['just after one', 100_000, [95_000], 115_000],
    ['just before one pushes past it', 100_000, [105_000], 125_000],
    ['a chain of taken slots', 100_000, [100_000, 120_000, 140_000], 160_000],
    ['unsorted input', 100_000, [140_000, 100_000, 120_000], 160_000],
    ['a gap that is big enough', 100_000, [100_000, 160_000], 120_000],
    ['a gap too small is skipped', 100_000, [100_000, 135_000], 155_000],
    ['non-finite taken ignored', 100_000, [Number.NaN, Number.POSITIVE_INFINITY], 100_000],
  ]
  for (const [name, candidate, taken, expected] of table) {
    const got = staggerRetryAt(candidate, taken, S)
    t.equal(got, expected, name)
    t.ok(got >= candidate, `${name}: never earlier`)
    for (const x of taken.filter(Number.isFinite)) {
      t.ok(Math.abs(got - x) >= S, `${name}: ${S} from ${x}`)
    }
  }
  t.equal(staggerRetryAt(5, [5], 0), 5, 'staggerMs 0 disables staggering')
  t.equal(staggerRetryAt(5, [5], Number.NaN), 5)
})

t.test('iso never throws', async t => {
  t.equal(iso(0), '1970-01-01T00:00:00.000Z')
  t.equal(iso(1e20), '100000000000000000000')
  t.equal(iso(Number.NaN), 'NaN')
})

t.test('long waits: beyond the horizon, resume says so and notify schedules nothing', async t => {
  const H = 60 * MIN
  const notify: RetryPolicyConfig = { ...P, longWait: 'notify' }
  const cases: { name: string; resetIn: number; config: RetryPolicyConfig; attempts?: number; action: string; long: boolean }[] = [
    { name: 'a 5-hour reset', resetIn: 4 * H, config: P, action: 'schedule', long: false },
    { name: 'exactly at the horizon, margin included', resetIn: 24 * H - P.marginMs, config: notify, action: 'schedule', long: false },
    { name: 'a weekly reset, resume', resetIn: 3 * 24 * H + 4 * H, config: P, action: 'schedule', long: true },
    { name: 'a weekly reset, notify', resetIn: 3 * 24 * H + 4 * H, config: notify, action: 'notify', long: true },
    { name: 'a weekly reset after a failed attempt, notify', resetIn: 3 * 24 * H, config: notify, attempts: 1, action: 'notify', long: true },
    { name: 'a shorter horizon', resetIn: 4 * H, config: { ...notify, longWaitHorizonMs: 2 * H }, action: 'notify', long: true },
  ]
  for (const c of cases) {
    const d = decideRetry({ at: AT, limit: limit({ kind: 'weekly', resetAt: AT + c.resetIn }), attempts: c.attempts ?? 0, config: c.config, random: 0.5 })
    t.equal(d.action, c.action, c.name)
    t.equal(d.reasons.some(r => r.startsWith('a long wait')), c.long, `${c.name}: long wait ${c.long ? '' : 'not '}named`)
    if (d.action === 'schedule') t.equal(d.retryAt, AT + c.resetIn + P.marginMs, `${c.name}: at the reset`)
    else t.equal(d.retryAt, null, `${c.name}: nothing scheduled`)
  }
  const n = decideRetry({ at: AT, limit: limit({ kind: 'weekly', resetAt: AT + 3 * 24 * H }), attempts: 0, config: notify, random: 0.5 })
  t.match(n.reasons.at(-1), /beyond the 24h horizon: not resumed automatically \(long-wait policy: notify\); resume it yourself after 2026-11-28T03:02:45/)
  const unknown = decideRetry({ at: AT, limit: limit({ resetAt: null }), attempts: 0, config: { ...notify, longWaitHorizonMs: MIN }, random: 0.5 })
  t.equal(unknown.action, 'schedule', 'an adaptive wait is never a long wait')
  const backoff = decideRetry({ at: AT, limit: null, attempts: 2, config: { ...notify, longWaitHorizonMs: MIN }, random: 0.5 })
  t.equal(backoff.action, 'schedule', 'a backoff is never a long wait')
})
