// sessions reads hand-written state files (and corrupt ones) without a supervisor: golden text
// under TZ=UTC with a fixed clock, one session by its id, and the --json shape.
import t from 'tap'
import { lastRunText } from '../../../src/cli/commands/sessions.js'
import type { LastRunView } from '../../../src/supervisor/session-store.js'
import { ID, ODD_STATES, makeHome, run, state } from './read-command-fixtures.js'

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

t.test('lastRunText: the attempt, its outcome, when, and the facts known', async t => {
  const base: LastRunView = {
    attempt: 2, mode: 'spawn', outcome: 'completed', permissionMode: null,
    startedAt: '2026-11-25T02:50:00.000Z', exitedAt: '2026-11-25T02:51:10.000Z', exitCode: 0,
    turns: 4, costUsd: 0.0812, deniedTools: [], resultLine: null, startError: null, logFile: null,
  }
  const cases: [name: string, run: LastRunView | null | undefined, text: string][] = [
    ['no run yet', null, '—'],
    ['no run field at all', undefined, '—'],
    ['completed: when it ended, turns and cost', base, 'attempt 2, completed at 2026-11-25 02:51 (4 turns, $0.08)'],
    ['one turn is singular', { ...base, turns: 1 }, 'attempt 2, completed at 2026-11-25 02:51 (1 turn, $0.08)'],
    ['running: since when', { ...base, outcome: 'running', exitedAt: null, turns: null, costUsd: null }, 'attempt 2, running since 2026-11-25 02:50'],
    ['no end and not running: no time', { ...base, outcome: 'not-started', exitedAt: null, turns: null, costUsd: null }, 'attempt 2, not-started'],
    [
      'blocked: the refused tools and the mode',
      { ...base, outcome: 'blocked', turns: null, costUsd: null, deniedTools: ['Write', 'Bash'], permissionMode: 'default' },
      'attempt 2, blocked at 2026-11-25 02:51 (refused: Write, Bash, mode default)',
    ],
    ['claude that did not start', { ...base, outcome: 'failed', turns: null, costUsd: null, startError: 'ENOENT' }, 'attempt 2, failed at 2026-11-25 02:51 (claude ENOENT)'],
  ]
  for (const [name, run, text] of cases) t.equal(lastRunText(run), text, name)
})

t.test('sessions <id>: a session that needs the user says why', async t => {
  const id = 'aaaaaaaa-0000-4000-8000-000000000001'
  const home = makeHome(t, { states: [state(id, { state: 'needsUser', needsUserReason: 'claude refused Write' })], corrupt: false })
  const r = await run(['sessions', id], home)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /\n {2}needs you +claude refused Write\n/)
})
