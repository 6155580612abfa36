// The one schedule definition: which states are pending, what each entry says, in which order.
import t from 'tap'
import { isPendingState, PENDING_STATES, scheduleEntries, schedulePhase, type ScheduleSource } from '../../src/supervisor/schedule-entry.js'
import { SESSION_STATES } from '../../state/session-context.js'

t.test('every state of the machine has a phase; pending = waiting or running', async t => {
  const phases = Object.fromEntries(SESSION_STATES.map(s => [s, schedulePhase(s)]))
  t.same(phases, {
    active: null,
    limited: 'waiting',
    scheduled: 'waiting',
    due: 'waiting',
    resuming: 'running',
    awaitingOwner: 'running',
    needsUser: null,
    exhausted: null,
    cancelled: null,
    ended: null,
  })
  t.same(PENDING_STATES, ['limited', 'scheduled', 'due', 'resuming', 'awaitingOwner'])
  for (const odd of ['somethingNew', 42, null, 'toString', '__proto__']) {
    t.equal(schedulePhase(odd), null, `${String(odd)}: not pending`)
    t.notOk(isPendingState(odd))
  }
})

const source = (sessionId: string, fields: Partial<ScheduleSource>): ScheduleSource => ({ sessionId, state: 'scheduled', ...fields })

t.test('an entry: the fields of resume_schedule.json; attempt is the next one, or the one under way', async t => {
  const entries = scheduleEntries([
    source('a', { retryAt: '2026-11-25T04:00:00.000Z', retrySource: 'reset', attempts: 0, cwd: '/w', limit: { kind: 'five_hour', resetAt: '2026-11-25T03:59:00.000Z', source: 'banner' } }),
    source('b', { state: 'resuming', retryAt: '2026-11-25T03:00:00.000Z', attempts: 1 }),
    source('c', { state: 'active' }),
  ])
  t.same(entries, [
    { sessionId: 'b', state: 'resuming', retryAt: '2026-11-25T03:00:00.000Z', reason: null, attempt: 1, cwd: null, limitKind: null, resetAt: null },
    { sessionId: 'a', state: 'scheduled', retryAt: '2026-11-25T04:00:00.000Z', reason: 'reset', attempt: 1, cwd: '/w', limitKind: 'five_hour', resetAt: '2026-11-25T03:59:00.000Z' },
  ])
})

t.test('order: soonest retry first, unknown or unreadable times last, then by session id', async t => {
  const ids = scheduleEntries([
    source('z-none', { retryAt: null }),
    source('late', { retryAt: '2026-11-25T05:00:00.000Z' }),
    source('b-same', { retryAt: '2026-11-25T04:00:00+00:00' }),
    source('a-same', { retryAt: '2026-11-25T04:00:00.000Z' }),
    source('bad', { retryAt: 'not a time' }),
    source('a-none', {}),
  ]).map(e => e.sessionId)
  t.same(ids, ['a-same', 'b-same', 'late', 'a-none', 'bad', 'z-none'])
})

t.test('a hand-edited state file with missing or odd fields still gives a valid entry', async t => {
  const [entry] = scheduleEntries([{ sessionId: 'odd', state: 'due', attempts: -3 } as ScheduleSource])
  t.same(entry, { sessionId: 'odd', state: 'due', retryAt: null, reason: null, attempt: 1, cwd: null, limitKind: null, resetAt: null })
})
