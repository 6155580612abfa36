import t from 'tap'
import {
  NO_USAGE_TEXT, formatClock, formatIn, formatUsage, projectDirs, schedulesForProject, schedulesFrom, statusLineText,
  waitingHint, type WaitingSchedule,
} from '../../src/usage/statusline-text.js'

// Local times below are UTC (Node follows a TZ set at run time).
process.env.TZ = 'UTC'
const NOW = Date.parse('2026-11-25T12:00:00Z') // a Wednesday
const iso = (ms: number) => new Date(NOW + ms).toISOString()
const MIN = 60_000

t.test('formatUsage', async t => {
  const cases: Array<[string, Parameters<typeof formatUsage>[0], string]> = [
    ['both', { fiveHour: { usedPercentage: 42, resetsAt: null }, sevenDay: { usedPercentage: 10, resetsAt: null } }, '5h 42% · 7d 10%'],
    ['rounded', { fiveHour: { usedPercentage: 57.5, resetsAt: null }, sevenDay: { usedPercentage: 0.4, resetsAt: null } }, '5h 58% · 7d 0%'],
    ['five-hour only', { fiveHour: { usedPercentage: 100, resetsAt: null }, sevenDay: null }, '5h 100%'],
    ['weekly only', { fiveHour: null, sevenDay: { usedPercentage: 3, resetsAt: null } }, '7d 3%'],
    ['none', null, ''],
  ]
  for (const [name, usage, want] of cases) t.equal(formatUsage(usage), want, name)
})

t.test('formatClock and formatIn', async t => {
  t.equal(formatClock(NOW + 72 * MIN, NOW), '13:12')
  t.equal(formatClock(Date.parse('2026-11-26T00:05:00Z'), NOW), 'Thu 00:05')
  t.equal(formatClock(Date.parse('2026-11-25T00:05:00Z'), NOW), '00:05')
  const cases: Array<[number, string]> = [
    [0, 'in <1m'], [59_999, 'in <1m'], [MIN, 'in 1m'], [59 * MIN, 'in 59m'], [60 * MIN, 'in 1h'],
    [72 * MIN + 30_000, 'in 1h 12m'], [47 * 60 * MIN, 'in 47h'], [72 * 60 * MIN, 'in 3d'],
  ]
  for (const [ms, want] of cases) t.equal(formatIn(ms), want, `${ms} ms`)
})

t.test('schedulesFrom: only well-formed entries', async t => {
  t.same(schedulesFrom(null), [])
  t.same(schedulesFrom({ schedules: 'x' }), [])
  t.same(schedulesFrom({
    schedules: [
      null,
      { sessionId: 1, state: 'scheduled' },
      { sessionId: 'a', state: 'scheduled', retryAt: 'not a date', cwd: 7 },
      { sessionId: 'b', state: 'due', retryAt: iso(0), cwd: '/p', extra: true },
    ],
  }), [
    { sessionId: 'a', state: 'scheduled', retryAt: null, cwd: null },
    { sessionId: 'b', state: 'due', retryAt: iso(0), cwd: '/p' },
  ])
})

t.test('projectDirs and schedulesForProject', async t => {
  t.same(projectDirs('x'), [])
  t.same(projectDirs({ cwd: 'relative', workspace: 'x' }), [])
  t.same(projectDirs({ cwd: '/p/sub', workspace: { project_dir: '/p', current_dir: '/p/sub' } }), ['/p/sub', '/p'])
  const s = (sessionId: string, cwd: string | null): WaitingSchedule => ({ sessionId, state: 'scheduled', retryAt: null, cwd })
  t.same(schedulesForProject([s('a', '/p/'), s('b', '/q'), s('c', null), s('d', '/p/sub'), s('e', '/')], ['/p', '/']).map(x => x.sessionId), ['a', 'e'])
})

t.test('waitingHint, table-driven', async t => {
  const s = (state: string, retryIn: number | null): WaitingSchedule => ({
    sessionId: `s-${state}-${retryIn}`, state, retryAt: retryIn === null ? null : iso(retryIn), cwd: '/p',
  })
  const cases: Array<[string, WaitingSchedule[], string]> = [
    ['none', [], ''],
    ['scheduled', [s('scheduled', 72 * MIN + 30_000)], 'resumes 13:12 (in 1h 12m)'],
    ['scheduled tomorrow', [s('scheduled', 13 * 60 * MIN)], 'resumes Thu 01:00 (in 13h)'],
    ['overdue', [s('scheduled', -MIN)], 'resume due now'],
    ['due', [s('due', null)], 'resume due now'],
    ['resuming', [s('resuming', -5 * MIN)], 'resuming now'],
    ['awaiting the owner', [s('awaitingOwner', null)], 'ready to continue'],
    ['limited, no time yet', [s('limited', null)], 'limit hit, resume time unknown'],
    ['earliest first, the rest counted', [s('limited', null), s('scheduled', 90 * MIN), s('scheduled', 30 * MIN)], 'resumes 12:30 (in 30m), +2 more'],
    ['running before scheduled', [s('scheduled', 5 * MIN), s('resuming', null)], 'resuming now, +1 more'],
  ]
  for (const [name, schedules, want] of cases) t.equal(waitingHint(schedules, NOW), want, name)
})

t.test('statusLineText', async t => {
  t.equal(statusLineText('5h 1%', 'resuming now'), '5h 1% · resuming now')
  t.equal(statusLineText('', 'resuming now'), 'resuming now')
  t.equal(statusLineText('5h 1%', ''), '5h 1%')
  t.equal(statusLineText('', ''), NO_USAGE_TEXT)
  t.equal(statusLineText('5h 1%', '', 'usage not saved: EROFS'), '5h 1% (usage not saved: EROFS)')
})
