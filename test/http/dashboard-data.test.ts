// What the dashboard shows: each session without its history, with its group and the actions the
// machine takes in its state, and one timeline of the last 24 h, newest first, bounded.
import t from 'tap'
import { dashboardData, dashboardSession, recentTransitions, TIMELINE_LIMIT, TIMELINE_WINDOW_MS } from '../../src/http/dashboard-data.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'

const now = Date.parse('2026-11-25T12:00:00Z')
const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString()

function state(sessionId: string, current: string, history: [hoursAgo: number, from: string, to: string][]): SessionStateFile {
  return {
    sessionId,
    state: current,
    cwd: '/work/a',
    history: history.map(([h, from, to]) => ({ at: at(h), from, to, event: 'x' })),
    supervisor: { restore: 'data' },
  } as unknown as SessionStateFile
}

t.test('pinned limits', async t => {
  t.equal(TIMELINE_WINDOW_MS, 24 * 3_600_000)
  t.equal(TIMELINE_LIMIT, 500)
})

t.test('the timeline: the last 24 h across sessions, newest first, bounded', async t => {
  const entries = recentTransitions([state('a', 'scheduled', [[30, 'active', 'limited'], [2, 'limited', 'scheduled']]), state('b', 'active', [[24, 'active', 'ended'], [1, 'ended', 'active']])], now)
  t.same(
    entries.map(e => `${e.sessionId} ${e.to} ${e.group}`),
    ['b active running', 'a scheduled waiting', 'b ended done'],
  )
  const many = recentTransitions([state('c', 'active', Array.from({ length: TIMELINE_LIMIT + 10 }, (_, i) => [i / 100, 'a', 'b'] as [number, string, string]))], now)
  t.equal(many.length, TIMELINE_LIMIT)
  t.equal(many[0]!.at, at(0), 'the newest kept')
  const same = recentTransitions([state('z', 'active', [[1, 'a', 'b']]), state('y', 'active', [[1, 'a', 'b']])], now)
  t.same(same.map(e => e.sessionId), ['y', 'z'], 'at the same time, by session id')
})

t.test('a session: its group, when it last changed, the actions its state allows; no history or restore data', async t => {
  const cases: [current: string, resume: boolean, cancel: boolean, group: string][] = [
    ['active', false, false, 'running'],
    ['scheduled', true, true, 'waiting'],
    ['awaitingOwner', false, true, 'waiting'],
    ['exhausted', true, false, 'needsYou'],
    ['ended', false, false, 'done'],
  ]
  for (const [current, resume, cancel, group] of cases) {
    const view = dashboardSession(state('s', current, [[3, 'active', 'limited'], [2, 'limited', current]]))
    t.same(view.actions, { resume, cancel }, `${current}: actions`)
    t.equal(view.group, group, `${current}: group`)
    t.equal(view.changedAt, at(2), `${current}: the last transition`)
    t.notOk('history' in view || 'supervisor' in view, `${current}: no history or restore data`)
  }
  t.equal(dashboardSession(state('s', 'active', [])).changedAt, null, 'never changed state')
})

t.test('dashboardData: the groups, health as given, every session and the timeline', async t => {
  const states = [state('a', 'scheduled', [[2, 'limited', 'scheduled']]), state('b', 'ended', [[25, 'active', 'ended']])]
  const data = dashboardData({ now, health: { status: 'ok' }, states })
  t.same(data, {
    now: '2026-11-25T12:00:00.000Z',
    groups: ['waiting', 'running', 'needsYou', 'done'],
    health: { status: 'ok' },
    sessions: states.map(dashboardSession),
    timeline: [{ sessionId: 'a', at: at(2), from: 'limited', to: 'scheduled', event: 'x', group: 'waiting' }],
    timelineWindowMs: TIMELINE_WINDOW_MS,
  })
})
