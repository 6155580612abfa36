// status, sessions and schedules read hand-written state files (and one corrupt one) without a
// supervisor: golden text under TZ=UTC with a fixed clock, and the --json shapes.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'

process.env.TZ = 'UTC'
process.env.NO_COLOR = '1'

const { main } = await import('../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const NOW = Date.parse('2026-11-25T03:01:15Z')
const USER_HOME = '/home/user'

const ID = {
  scheduled: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  due: '9e8d7c6b-5a49-4838-a726-150f1e2d3c4b',
  active: '11111111-2222-4333-8444-555555555555',
  limited: '7a7a7a7a-0000-4000-8000-000000000001',
  exhausted: 'c0ffee00-1234-4567-89ab-cdef01234567',
  resuming: 'agent_run-42',
  corrupt: 'bad0bad0-0000-4000-8000-000000000000',
  corruptNoJournal: 'bad1bad1-0000-4000-8000-000000000000',
  journalOnly: 'fe11fe11-0000-4000-8000-000000000000',
}

function state(sessionId: string, fields: Partial<SessionStateFile>): SessionStateFile {
  return {
    schema: 1,
    sessionId,
    state: 'active',
    cwd: null,
    transcriptPath: null,
    limit: null,
    retryAt: null,
    retrySource: null,
    attempts: 0,
    open: false,
    lastActivityAt: '2026-11-25T02:00:00.000Z',
    lastEventAt: '2026-11-25T02:00:00.000Z',
    updatedAt: '2026-11-25T02:00:00.000Z',
    permissionMode: null,
    lastRun: null,
    reasons: [],
    needsUserReason: null,
    history: [],
    supervisor: { machineVersion: 1, offset: 0, recentIds: [], snapshot: { status: 'active' } },
    ...fields,
  }
}

const limit = (kind: string, resetAt: string | null, source = 'banner') => ({ kind, resetAt, source })

const STATES: SessionStateFile[] = [
  state(ID.active, {
    state: 'active',
    cwd: USER_HOME,
    open: true,
    updatedAt: '2026-11-25T03:00:00.000Z',
    permissionMode: 'acceptEdits',
    lastRun: {
      attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: 'acceptEdits',
      startedAt: '2026-11-25T02:50:00.000Z', exitedAt: '2026-11-25T02:51:10.000Z', exitCode: 0,
      turns: 4, costUsd: 0.0812, deniedTools: [], resultLine: 'Done: the tests pass.', startError: null,
      logFile: `${USER_HOME}/.devflow/logs/resume/${ID.active}.1.log`,
    },
  }),
  state(ID.scheduled, {
    state: 'scheduled',
    cwd: `${USER_HOME}/code/app`,
    transcriptPath: `${USER_HOME}/.claude/projects/-home-user-code-app/${ID.scheduled}.jsonl`,
    limit: limit('five_hour', '2026-11-25T04:01:00.000Z'),
    retryAt: '2026-11-25T04:02:30.000Z',
    retrySource: 'reset',
    updatedAt: '2026-11-25T03:01:16.000Z',
    reasons: ['five_hour limit resets at 04:01:00Z (banner)', 'retry 90 s after the reset'],
    history: [
      { at: '2026-11-25T02:10:00.000Z', from: 'active', to: 'active', event: 'session.started' },
      { at: '2026-11-25T03:01:15.000Z', from: 'active', to: 'limited', event: 'limit.detected' },
      { at: '2026-11-25T03:01:15.000Z', from: 'limited', to: 'scheduled', event: 'limit.detected' },
      { at: '2026-11-25T03:01:16.000Z', from: 'scheduled', to: 'scheduled', event: 'schedule.staggered' },
    ],
  }),
  state(ID.due, {
    state: 'due',
    cwd: '/srv/other-project',
    limit: limit('weekly', '2026-11-25T02:57:00.000Z', 'transcript'),
    retryAt: '2026-11-25T02:59:00.000Z',
    retrySource: 'reset',
    attempts: 1,
    updatedAt: '2026-11-25T02:59:00.000Z',
  }),
  state(ID.limited, {
    state: 'limited',
    cwd: `${USER_HOME}/a/very/long/path/to/a/project/that/does/not/fit/in/the/column`,
    limit: limit('unknown', null, 'message'),
    attempts: 2,
    updatedAt: '2026-11-25T01:00:00.000Z',
  }),
  state(ID.exhausted, {
    state: 'exhausted',
    cwd: `${USER_HOME}/code/lib`,
    limit: limit('overloaded', null, 'stopFailure'),
    retryAt: '2026-11-24T23:00:00.000Z',
    retrySource: 'backoff',
    attempts: 5,
    updatedAt: '2026-11-24T23:30:00.000Z',
  }),
  state(ID.resuming, {
    state: 'resuming',
    cwd: '/work/agent',
    limit: limit('five_hour', '2026-11-25T03:00:00.000Z'),
    retryAt: '2026-11-25T03:01:00.000Z',
    retrySource: 'reset',
    attempts: 1,
    open: false,
    needsUserReason: null,
    updatedAt: '2026-11-25T03:01:05.000Z',
  }),
]

function makeHome(t: Test, { states = STATES, corrupt = true } = {}): string {
  const home = t.testdir()
  const sessions = join(home, 'sessions')
  const events = join(sessions, 'events')
  mkdirSync(events, { recursive: true })
  for (const s of states) {
    writeFileSync(join(sessions, `${s.sessionId}.json`), JSON.stringify(s, null, 2))
    writeFileSync(join(events, `${s.sessionId}.jsonl`), '')
  }
  if (corrupt) {
    writeFileSync(join(sessions, `${ID.corrupt}.json`), '{"schema": 1, "sessionId": "bad0') // torn by hand
    writeFileSync(join(events, `${ID.corrupt}.jsonl`), '')
    writeFileSync(join(sessions, `${ID.corruptNoJournal}.json`), JSON.stringify({ ...state(ID.corruptNoJournal, {}), schema: 7 }))
    writeFileSync(join(events, `${ID.journalOnly}.jsonl`), '')
    // Not sessions: other files in the folder are ignored.
    writeFileSync(join(sessions, 'notes.txt'), 'x')
    writeFileSync(join(sessions, '.hidden.json'), '{}')
    writeFileSync(join(sessions, `${ID.active}.json.12345`), '{')
  }
  return home
}

async function run(argv: string[], home: string) {
  const io = captureIo({ env: { HOME: USER_HOME, SESSION_RETRY_HOME: home }, now: () => NOW, cwd: home })
  const code = await main(argv, io)
  return { code, out: io.out.split(home).join('<home>'), err: io.err }
}

t.test('status on an empty home', async t => {
  const home = t.testdir()
  const r = await run(['status'], home)
  t.equal(r.code, 0)
  t.equal(r.err, '')
  t.equal(r.out, 'no sessions yet in <home>\nsupervisor: not running — start it with: session-retry supervisor start\n')
  const json = await run(['status', '--json'], home)
  t.same(JSON.parse(json.out), { version: 1, sessions: [], supervisor: { running: false, pid: null }, problems: [] })
  t.equal((await run(['sessions'], home)).out, 'no sessions yet in <home>\n')
  t.equal((await run(['schedules'], home)).out, 'no pending schedules\n')
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

t.test('state files with odd but parseable fields do not break the table', async t => {
  const odd = [
    { ...state('odd-1', { cwd: null, limit: null, retryAt: 'not a time', attempts: 0 }), state: 'somethingNew' } as unknown as SessionStateFile,
    { ...state('odd-2', {}), state: 42 } as unknown as SessionStateFile,
  ]
  const r = await run(['status'], makeHome(t, { states: odd, corrupt: false }))
  t.equal(r.code, 0)
  t.match(r.out, /\nodd-1 +somethingNew +— +— +— +— +0 +—\n/)
  t.match(r.out, /\nproblem: sessions\/odd-2\.json is corrupt \(state file has no state\): it will be rebuilt from the journal\n/)
  const sessions = await run(['sessions'], makeHome(t, { states: odd, corrupt: false }))
  t.match(sessions.out, /^odd-1  somethingNew\n/)
})
