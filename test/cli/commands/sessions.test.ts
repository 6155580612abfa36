// sessions reads hand-written state files (and corrupt ones) without a supervisor: golden text
// under TZ=UTC with a fixed clock, one session by its id, and the --json shape.
import t from 'tap'
import { ID, ODD_STATES, makeHome, run } from './read-command-fixtures.js'

t.test('sessions on an empty home', async t => {
  const home = t.testdir()
  t.equal((await run(['sessions'], home)).out, 'no sessions yet in <home>\n')
})

t.test('sessions: every session, newest first, all public fields', async t => {
  const home = makeHome(t)
  const r = await run(['sessions'], home)
  t.equal(r.code, 0)
  t.matchSnapshot(r.out, 'sessions text')
  const json = JSON.parse((await run(['sessions', '--json'], home)).out)
  t.same(Object.keys(json), ['version', 'sessions', 'problems'])
  t.same(
    json.sessions.map((s: { sessionId: string }) => s.sessionId),
    [ID.scheduled, ID.resuming, ID.active, ID.due, ID.limited, ID.exhausted],
  )
  t.equal(json.problems.length, 3)
})

t.test('sessions <id>: one session by a unique prefix, with what its last resume did', async t => {
  const home = makeHome(t)
  const r = await run(['sessions', ID.active.slice(0, 8)], home)
  t.equal(r.code, 0, r.err)
  t.match(r.out, new RegExp(`^${ID.active}  active\\n`))
  t.notMatch(r.out, new RegExp(ID.scheduled), 'only that session')
  t.match(r.out, /permission mode +acceptEdits\n/)
  t.match(r.out, /last run +attempt 1, completed at 2026-11-25 02:51 \(4 turns, \$0\.08, mode acceptEdits\)\n/)
  t.match(r.out, /its answer +Done: the tests pass\.\n/)
  const json = JSON.parse((await run(['sessions', ID.active, '--json'], home)).out)
  t.same(json.sessions.map((s: { sessionId: string }) => s.sessionId), [ID.active])
  const missing = await run(['sessions', 'abcdef12'], home)
  t.equal(missing.code, 1)
  t.match(missing.err, /no session "abcdef12"/)
})

t.test('sessions: state files with odd but parseable fields do not break the list', async t => {
  const sessions = await run(['sessions'], makeHome(t, { states: ODD_STATES, corrupt: false }))
  t.match(sessions.out, /^odd-1  somethingNew\n/)
})
