// status reads hand-written state files (and corrupt ones) without a supervisor: golden text under
// TZ=UTC with a fixed clock, the --json shape, and the supervisor line.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { shortRun } from '../../../src/cli/commands/status.js'
import type { LastRunView } from '../../../src/supervisor/session-store.js'
import { ID, ODD_STATES, STATES, makeHome, run, state } from './read-command-fixtures.js'

t.test('status on an empty home', async t => {
  const home = t.testdir()
  const r = await run(['status'], home)
  t.equal(r.code, 0)
  t.equal(r.err, '')
  t.equal(r.out, 'no sessions yet in <home>\nsupervisor: not running — start it with: session-retry supervisor start\n')
  const json = await run(['status', '--json'], home)
  t.same(JSON.parse(json.out), { version: 1, sessions: [], supervisor: { running: false, pid: null }, problems: [] })
})

t.test('status: golden table, waiting sessions first, problems, supervisor line', async t => {
  const r = await run(['status'], makeHome(t))
  t.equal(r.code, 0)
  t.equal(r.err, '')
  t.matchSnapshot(r.out, 'status text')
  const lines = r.out.split('\n')
  t.match(lines[0], /^SESSION +STATE +PROJECT +LIMIT +RESET \(UTC\) +NEXT RETRY +ATTEMPTS +LAST RUN$/)
  t.match(lines[1], /^9e8d7c6b +due +\/srv\/other-project +weekly +2026-11-25 02:57 +overdue 2m +1 +—$/)
  t.match(lines[2], /^3f2a1b4c +scheduled +~\/code\/app +five_hour +2026-11-25 04:01 +in 1h 1m +0 +—$/)
  t.match(lines[3], /^7a7a7a7a +limited +….*\/in\/the\/column +unknown +— +— +2 +—$/)
  t.match(r.out, /\n11111111 +active +~ +— +— +— +0 +completed 4t\n/, 'what the last resume did')
  t.match(r.out, /\nproblem: sessions\/bad0bad0-0000-4000-8000-000000000000\.json is corrupt \(state file is not valid JSON\): it will be rebuilt from the journal\n/)
  t.match(r.out, /\nproblem: sessions\/bad1bad1-[^\n]* is corrupt \(unknown state schema 7\): there is no journal to rebuild it from\n/)
  t.match(r.out, /\nnote: session fe11fe11-[^\n]* has journal events the supervisor has not applied yet/)
  t.match(r.out, /\nsupervisor: not running — start it with: session-retry supervisor start\n$/)
  for (const line of lines) t.equal(line, line.trimEnd(), 'no trailing blanks')
})

t.test('status --json: public fields of every state file, supervisor, problems', async t => {
  const r = await run(['status', '--json'], makeHome(t))
  t.equal(r.code, 0)
  const out = JSON.parse(r.out)
  t.same(Object.keys(out), ['version', 'sessions', 'supervisor', 'problems'])
  t.equal(out.version, 1)
  t.same(
    out.sessions.map((s: { sessionId: string }) => s.sessionId),
    [ID.due, ID.scheduled, ID.limited, ID.resuming, ID.active, ID.exhausted],
    'waiting first, by retry time',
  )
  for (const s of out.sessions) t.notOk('supervisor' in s, 'restore data is not public')
  const scheduled = STATES.find(s => s.sessionId === ID.scheduled)!
  const { supervisor: _restore, ...expected } = scheduled
  t.same(out.sessions[1], expected, 'every public field as written')
  t.same(out.supervisor, { running: false, pid: null })
  t.same(
    out.problems.map((p: { kind: string; sessionId: string }) => [p.kind, p.sessionId]),
    [
      ['corrupt-state', ID.corrupt],
      ['corrupt-state', ID.corruptNoJournal],
      ['no-state-yet', ID.journalOnly],
    ],
  )
  t.match(out.problems[0], { file: /sessions\/bad0bad0-0000-4000-8000-000000000000\.json$/, error: 'state file is not valid JSON', message: String })
})

t.test('status with a supervisor running names its pid', async t => {
  const home = makeHome(t, { corrupt: false })
  // Any live process that is not this one stands for the supervisor.
  writeFileSync(join(home, 'supervisor.pid'), `${process.ppid}\n`)
  const r = await run(['status'], home)
  t.match(r.out, new RegExp(`\\nsupervisor: running \\(pid ${process.ppid}\\)\\n$`))
  t.same(JSON.parse((await run(['status', '--json'], home)).out).supervisor, { running: true, pid: process.ppid })
})

t.test('status: state files with odd but parseable fields do not break the table', async t => {
  const r = await run(['status'], makeHome(t, { states: ODD_STATES, corrupt: false }))
  t.equal(r.code, 0)
  t.match(r.out, /\nodd-1 +somethingNew +— +— +— +— +0 +—\n/)
  t.match(r.out, /\nproblem: sessions\/odd-2\.json is corrupt \(state file has no state\): it will be rebuilt from the journal\n/)
})

t.test('shortRun: what the last resume did, in a few characters', async t => {
  const base: LastRunView = {
    attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: null,
    startedAt: '2026-11-25T02:50:00.000Z', exitedAt: '2026-11-25T02:51:10.000Z', exitCode: 0,
    turns: 4, costUsd: 0.08, deniedTools: [], resultLine: null, startError: null, logFile: null,
  }
  const cases: [name: string, run: LastRunView | null | undefined, text: string][] = [
    ['no run yet', null, '—'],
    ['no run field at all', undefined, '—'],
    ['completed, with its turns', base, 'completed 4t'],
    ['an outcome without turns', { ...base, outcome: 'running', exitedAt: null, turns: null }, 'running'],
    ['blocked names the refused tools', { ...base, outcome: 'blocked', deniedTools: ['Write', 'Bash'] }, 'blocked: Write,Bash'],
    ['blocked with no tool named is its outcome', { ...base, outcome: 'blocked', turns: 2 }, 'blocked 2t'],
    ['claude that did not start', { ...base, outcome: 'failed', turns: null, startError: 'ENOENT' }, 'failed: claude ENOENT'],
  ]
  for (const [name, run, text] of cases) t.equal(shortRun(run), text, name)
})

t.test('status: sessions that need the user, each with what to do', async t => {
  const states = [
    state('aaaaaaaa-0000-4000-8000-000000000001', { state: 'needsUser', needsUserReason: 'claude refused Write: run it yourself' }),
    // No reason recorded: nothing to tell the user, so no line.
    state('bbbbbbbb-0000-4000-8000-000000000002', { state: 'needsUser', needsUserReason: null }),
    // A reason left from before does not make a session that moved on need the user.
    state('cccccccc-0000-4000-8000-000000000003', { state: 'active', needsUserReason: 'old' }),
  ]
  const r = await run(['status'], makeHome(t, { states, corrupt: false }))
  t.equal(r.code, 0)
  t.match(r.out, /\n\nneeds you: aaaaaaaa: claude refused Write: run it yourself\nsupervisor: /)
  t.equal(r.out.match(/needs you/g)?.length, 1, 'one line, for the session that needs the user and says why')
})
