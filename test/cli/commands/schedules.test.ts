// schedules reads hand-written state files (and corrupt ones) without a supervisor: golden text
// under TZ=UTC with a fixed clock, and the --json shape.
import t from 'tap'
import { ID, makeHome, run } from './read-command-fixtures.js'

t.test('schedules on an empty home', async t => {
  const home = t.testdir()
  t.equal((await run(['schedules'], home)).out, 'no pending schedules\n')
})

t.test('schedules: pending sessions (waiting or running), soonest first, unknown times last', async t => {
  const home = makeHome(t)
  const r = await run(['schedules'], home)
  t.equal(r.code, 0)
  t.matchSnapshot(r.out, 'schedules text')
  t.match(r.out, /\nagent_ru +resuming +2026-11-25 03:01 +running +reset +1 +five_hour +\/work\/agent\n/, 'an attempt under way is running, not overdue')
  const json = JSON.parse((await run(['schedules', '--json'], home)).out)
  t.same(Object.keys(json), ['version', 'schedules', 'problems'])
  t.same(json.schedules[0], {
    sessionId: ID.due,
    state: 'due',
    retryAt: '2026-11-25T02:59:00.000Z',
    reason: 'reset',
    attempt: 2,
    cwd: '/srv/other-project',
    limitKind: 'weekly',
    resetAt: '2026-11-25T02:57:00.000Z',
  }, 'the fields of resume_schedule.json and GET /schedules; the attempt is the next one')
  t.same(
    json.schedules.map((s: { sessionId: string }) => s.sessionId),
    [ID.due, ID.resuming, ID.scheduled, ID.limited],
  )
})
