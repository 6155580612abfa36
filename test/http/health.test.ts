import t from 'tap'
import { buildHealth, DEGRADED_WINDOW_MS, ERROR_SAMPLE_MS, ErrorTracker } from '../../src/http/health.js'

t.test('pinned: degraded for 5 minutes after an error, errors sampled every 5 s', async t => {
  t.equal(DEGRADED_WINDOW_MS, 300_000)
  t.equal(ERROR_SAMPLE_MS, 30_000)
})

t.test('ErrorTracker counts the errors of the last 5 minutes', async t => {
  let now = 1_000_000
  const stats = { errors: 2 }
  const tracker = new ErrorTracker(stats, () => now)
  t.same(tracker.recent(), { errors: 2, lastAt: 1_000_000 }, 'errors before the start count as at the start')
  now += 60_000
  stats.errors = 5
  t.same(tracker.recent(), { errors: 5, lastAt: 1_060_000 })
  now = 1_000_000 + DEGRADED_WINDOW_MS + 1
  t.same(tracker.recent(), { errors: 3, lastAt: 1_060_000 }, 'the first two have aged out')
  now += 60_000
  t.same(tracker.recent(), { errors: 0, lastAt: null })
  t.same(new ErrorTracker({ errors: 0 }, () => now).recent(), { errors: 0, lastAt: null })
})

t.test('buildHealth: ok, degraded, next schedule, DevFlow fields', async t => {
  const stats = { startedAt: 0, eventsApplied: 3, linesQuarantined: 0, lastError: null, lastActivityAt: 5_000, errors: 0, ticks: 0 }
  const state = (sessionId: string, s: string) => ({ sessionId, state: s }) as never
  const base = {
    now: 61_500,
    version: '1.2.3',
    pid: 42,
    stats,
    states: [state('a', 'active'), state('b', 'scheduled'), state('c', 'ended'), state('d', 'limited')],
    schedules: [
      { sessionId: 'b', state: 'scheduled' as const, retryAt: '2030-01-01T00:00:00.000Z', reason: null, attempt: 1, cwd: null, limitKind: null, resetAt: null },
      { sessionId: 'd', state: 'limited' as const, retryAt: null, reason: null, attempt: 1, cwd: null, limitKind: null, resetAt: null },
    ],
    running: 0,
    journalLag: 0,
    recentErrors: { errors: 0, lastAt: null },
  }
  t.match(buildHealth(base), {
    status: 'ok',
    reasons: [],
    uptime: 61,
    sessions: { total: 4, byState: { active: 1, scheduled: 1, ended: 1, limited: 1 } },
    nextSchedule: { sessionId: 'b', retryAt: '2030-01-01T00:00:00.000Z' },
    activeSessions: 3,
    scheduledResumes: 2,
    lastActivity: '1970-01-01T00:00:05.000Z',
    lastErrorAt: null,
  })
  const degraded = buildHealth({ ...base, stats: { ...stats, errors: 7, lastError: 'boom' }, recentErrors: { errors: 2, lastAt: 60_000 } })
  t.equal(degraded.status, 'degraded')
  t.same(degraded.reasons, ['2 supervisor error(s) in the last 5 minutes; last: boom'])
  t.equal(degraded.lastErrorAt, '1970-01-01T00:01:00.000Z')
  t.equal(degraded.errors, 7)
  const old = buildHealth({ ...base, stats: { ...stats, errors: 7, lastError: 'old' }, recentErrors: { errors: 0, lastAt: null } })
  t.equal(old.status, 'ok', 'an old error alone does not degrade')
  t.equal(buildHealth({ ...base, schedules: [base.schedules[1]!] }).nextSchedule, null, 'no time, no next schedule')
})
