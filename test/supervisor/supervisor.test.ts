// The Supervisor class in-process, on a real test home: journal lines in, state files out.
import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths, sessionFile, type HomePaths } from '../../src/home/home-paths.js'
import { MAX_LINE_BYTES } from '../../src/journal/read-journal.js'
import { createFileLogger } from '../../src/home/logger.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'

async function world(t: Test, { env = {}, now = Date.now }: { env?: Record<string, string>; now?: () => number } = {}) {
  const home = join(processDir(t, { home: {} }), 'home')
  // Registered after processDir: teardowns run last-registered first, so the supervisor stops
  // before its folder is removed.
  let stop = async () => {}
  t.teardown(() => stop())
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false', ...env })
  const paths = homePaths(home)
  const supervisor = new Supervisor({ config, paths, log: createFileLogger(paths.supervisorLog, 'info'), now, timeZone: 'UTC' })
  stop = () => supervisor.stop()
  return { home, paths, supervisor }
}

const record = (sessionId: string, event: string, extra: Record<string, unknown> = {}) => ({ v: 1 as const, id: randomUUID(), ts: new Date().toISOString(), event, sessionId, origin: 'hook' as const, ...extra })
const readState = (file: string) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined)

/**
 * A supervisor on the test's clock that resumes for real: its `claude` is a stand-in script that
 * answers --version and prints a successful JSON result.
 */
async function worldWithStandInClaude(t: Test, now: () => number) {
  const dir = processDir(t, { project: {} })
  const claude = join(dir, 'claude')
  writeFileSync(claude, `#!/bin/sh\ncase "$1" in --version) echo "2.1.331 (Claude Code)"; exit 0;; esac\necho '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","total_cost_usd":0.01}'\n`, { mode: 0o755 })
  const built = await world(t, { now, env: { SESSION_RETRY_CLAUDE_INTEGRATION: 'true', SESSION_RETRY_CLAUDE_BIN: claude, SESSION_RETRY_STAGGER: '0' } })
  return { ...built, project: join(dir, 'project') }
}

/** A session started in `cwd` that hit a limit resetting at `resetAt` and was closed, all at `at`. */
function closedAfterLimit(paths: HomePaths, id: string, { at, cwd, resetAt }: { at: number; cwd: string; resetAt: number }): void {
  const line = (event: string, fields: Record<string, unknown>) => ({ ...record(id, event, fields), ts: new Date(at).toISOString() })
  appendRecord(paths, line('SessionStart', { cwd, source: 'startup' }))
  appendRecord(paths, line('LimitReported', { message: "You've hit your session limit", resetAt }))
  appendRecord(paths, line('SessionEnd', { reason: 'other' }))
}

const resumeStarts = (paths: HomePaths, id: string) => readFileSync(sessionFile(paths, id, 'journal'), 'utf8').split('\n').filter(line => line.includes('"ResumeStarted"')).length

t.test('a huge journal line without a newline is quarantined once, and the journal goes on', async t => {
  const { paths, supervisor } = await world(t)
  await supervisor.restoreAll()
  const id = randomUUID()
  const journal = sessionFile(paths, id, 'journal')
  appendRecord(paths, record(id, 'SessionStart', { cwd: '/work/a', source: 'startup' }))
  appendFileSync(journal, 'z'.repeat(2 * MAX_LINE_BYTES))
  await supervisor.refresh(id)
  const runtime = supervisor.sessions.get(id)!
  t.equal(runtime.offset, statSync(journal).size, 'the offset is past the huge line: no read scans it again')
  t.equal(supervisor.stats.linesQuarantined, 1)
  const [entry] = readFileSync(join(paths.quarantineDir, `${id}.bad-lines.jsonl`), 'utf8').trim().split('\n').map(l => JSON.parse(l))
  t.match(entry, { sessionId: id, reason: `line of ${2 * MAX_LINE_BYTES} bytes or more (at most ${MAX_LINE_BYTES})` })
  t.equal(entry.line.length, 64 * 1024, 'only its head is kept')
  // The next record starts on a fresh line (appendRecord sees the unfinished one) and applies.
  appendRecord(paths, record(id, 'UserPromptSubmit', { promptLength: 3 }))
  await supervisor.refresh(id)
  t.equal(runtime.offset, statSync(journal).size)
  t.equal(supervisor.stats.linesQuarantined, 1, 'nothing more quarantined')
  t.equal(supervisor.stats.eventsApplied, 2)
})

t.test('state files: written soon after a change, and before refresh() resolves', async t => {
  const { paths, supervisor } = await world(t)
  await supervisor.restoreAll()
  t.notOk(supervisor.starting, 'no longer starting once restored')
  const id = randomUUID()
  const file = sessionFile(paths, id, 'state')
  appendRecord(paths, record(id, 'SessionStart', { cwd: '/work/b', source: 'startup' }))
  await supervisor.journalChanged(id)
  const written = await waitFor(() => readState(file), { what: 'the state file' })
  t.equal(written.supervisor.offset, statSync(sessionFile(paths, id, 'journal')).size)
  appendRecord(paths, record(id, 'UserPromptSubmit', { promptLength: 3 }))
  await supervisor.refresh(id)
  t.equal(readState(file).supervisor.offset, statSync(sessionFile(paths, id, 'journal')).size, 'refresh() waited for the write')
})

t.test('restore: sessions come back from their state files and catch up with their journals', async t => {
  const { paths, supervisor } = await world(t)
  const ids = Array.from({ length: 40 }, () => randomUUID())
  for (const id of ids) appendRecord(paths, record(id, 'SessionStart', { cwd: '/work/c', source: 'startup' }))
  t.ok(supervisor.starting, 'starting before the restore')
  await supervisor.restoreAll()
  await supervisor.stop()
  // A second supervisor on the same home: half the journals grew while none ran.
  for (const id of ids.slice(0, 20)) appendRecord(paths, record(id, 'UserPromptSubmit', { promptLength: 1 }))
  const config = loadConfig({ SESSION_RETRY_HOME: paths.home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const second = new Supervisor({ config, paths, log: createFileLogger(paths.supervisorLog, 'info'), now: Date.now, timeZone: 'UTC' })
  t.teardown(() => second.stop())
  await second.restoreAll()
  for (const id of ids) {
    const state = readState(sessionFile(paths, id, 'state'))
    t.equal(state.supervisor.offset, statSync(sessionFile(paths, id, 'journal')).size, `${id} caught up`)
  }
  t.equal(second.stats.eventsApplied, 20, 'only the new lines were applied')
})

t.test('a staggered retry moves back when the session it yielded to is no longer scheduled', async t => {
  const { paths, supervisor } = await world(t)
  await supervisor.restoreAll()
  const [a, b] = [randomUUID(), randomUUID()]
  const resetAt = Date.now() + 3_600_000
  for (const id of [a, b]) {
    appendRecord(paths, record(id, 'SessionStart', { cwd: '/work/s', source: 'startup' }))
    appendRecord(paths, record(id, 'LimitReported', { message: "You've hit your session limit", resetAt }))
    await supervisor.refresh(id)
  }
  const retry = (id: string) => supervisor.sessions.get(id)!.context.retryAt!
  const [first, second] = retry(a) <= retry(b) ? [a, b] : [b, a]
  const base = retry(first)
  t.ok(retry(second) > base, `one of them yields: ${new Date(base).toISOString()} and ${new Date(retry(second)).toISOString()}`)
  t.equal(supervisor.sessions.get(second)!.context.retrySource, 'stagger')
  appendRecord(paths, record(first, 'ScheduleCancelled'))
  await supervisor.refresh(first)
  await supervisor.check(second)
  t.equal(supervisor.sessions.get(first)!.state, 'cancelled')
  t.equal(retry(second), base, 'back to its own time, the other one gone')
  t.not(supervisor.sessions.get(second)!.context.retrySource, 'stagger')
  t.match(supervisor.sessions.get(second)!.context.reasons.join('\n'), /staggering removed/)
})

t.test('stagger spaces a new retry from every scheduled session: restored ones, and one that left `scheduled` and came back', async t => {
  const { paths, supervisor } = await world(t)
  await supervisor.restoreAll()
  const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
  const resetAt = Date.now() + 3_600_000
  const limited = (id: string) => appendRecord(paths, record(id, 'LimitReported', { message: "You've hit your session limit", resetAt }))
  for (const id of [a, b]) {
    appendRecord(paths, record(id, 'SessionStart', { cwd: '/work/s', source: 'startup' }))
    limited(id)
    await supervisor.refresh(id)
  }
  await supervisor.stop()
  // A second supervisor: a and b come back scheduled from their state files, no transition says so.
  const config = loadConfig({ SESSION_RETRY_HOME: paths.home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const second = new Supervisor({ config, paths, log: createFileLogger(paths.supervisorLog, 'info'), now: Date.now, timeZone: 'UTC' })
  t.teardown(() => second.stop())
  await second.restoreAll()
  const retry = (id: string) => second.sessions.get(id)!.context.retryAt!
  const apart = (ids: string[], what: string) => {
    const times = ids.map(retry).sort((x, y) => x - y)
    for (let i = 1; i < times.length; i++) t.ok(times[i]! - times[i - 1]! >= config.staggerMs, `${what}: ${times.map(x => new Date(x).toISOString()).join(', ')}`)
  }
  appendRecord(paths, record(c, 'SessionStart', { cwd: '/work/s', source: 'startup' }))
  limited(c)
  await second.refresh(c)
  apart([a, b, c], 'a new limit yields to the two restored sessions')
  // a leaves `scheduled` (the user came back) while c is staggered again, then hits the limit again.
  appendRecord(paths, record(a, 'UserPromptSubmit', { promptLength: 1 }))
  await second.refresh(a)
  t.equal(second.sessions.get(a)!.state, 'active')
  await second.check(c)
  limited(a)
  await second.refresh(a)
  t.equal(second.sessions.get(a)!.state, 'scheduled')
  appendRecord(paths, record(d, 'SessionStart', { cwd: '/work/s', source: 'startup' }))
  limited(d)
  await second.refresh(d)
  apart([a, b, c, d], 'a newer limit yields to the one that came back too')
})

t.test('a controllable clock: scheduled until the reset, then one resume that completes', async t => {
  // The supervisor in-process on a clock the test moves; the resumed `claude` is a stand-in script
  // that answers --version and prints a successful JSON result.
  let clock = Date.parse('2026-11-28T09:00:00Z')
  const { project, paths, supervisor } = await worldWithStandInClaude(t, () => clock)
  await supervisor.restoreAll()
  const id = randomUUID()
  const resetAt = clock + 3_600_000
  closedAfterLimit(paths, id, { at: clock, cwd: project, resetAt })
  await supervisor.refresh(id)
  const session = supervisor.sessions.get(id)!
  t.equal(session.state, 'scheduled')
  const retryAt = session.context.retryAt!
  t.ok(retryAt >= resetAt, `the retry (${new Date(retryAt).toISOString()}) is not before the reset`)

  clock = retryAt - 1
  await supervisor.tick()
  t.equal(session.state, 'scheduled', 'a millisecond early: still waiting')

  clock = retryAt
  await supervisor.tick()
  await waitFor(() => session.state === 'active', { what: 'the resumed run to complete' })
  t.match(session.context.lastResume, { attempt: 1, mode: 'spawn', outcome: 'completed', exitCode: 0 })
  t.equal(resumeStarts(paths, id), 1, 'started once')
  await supervisor.tick()
  t.equal(resumeStarts(paths, id), 1, 'a later tick starts nothing more')
  t.equal(supervisor.stats.ticks, 3, 'each tick counted once it is done (/metrics reports them)')
})

t.test('a due session reopened a moment ago is not resumed: the spool is read before the decision', async t => {
  // The SessionStart of the user's own `claude --resume` is still in the spool (swept a moment after
  // each change) when the retry falls due.
  let clock = Date.parse('2026-11-28T09:00:00Z')
  const { project, paths, supervisor } = await worldWithStandInClaude(t, () => clock)
  await supervisor.restoreAll()
  const id = randomUUID()
  closedAfterLimit(paths, id, { at: clock, cwd: project, resetAt: clock + 3_600_000 })
  await supervisor.refresh(id)
  const session = supervisor.sessions.get(id)!
  const payload = { session_id: id, hook_event_name: 'SessionStart', source: 'resume', cwd: project }
  mkdirSync(paths.spoolDir, { recursive: true })
  // This test's process stands in for the Claude Code that reopened it.
  writeFileSync(join(paths.spoolDir, `${randomUUID()}.event`), `ssr1 ${process.pid} ${process.pid}  \n${JSON.stringify(payload)}`)
  clock = session.context.retryAt!
  // What the machine's own timer does at the retry time (a tick would sweep the spool first).
  session.send({ type: 'rearm', at: clock })
  t.equal(session.state, 'due')
  await supervisor.check(id)
  t.equal(resumeStarts(paths, id), 0, 'no resume started')
  t.equal(session.state, 'active', 'the user has it again')
  t.match(readFileSync(sessionFile(paths, id, 'journal'), 'utf8'), /"event":"SessionStart","sessionId":"[^"]+","origin":"hook","cwd":"[^"]+","source":"resume"/)
})

t.test('a restarted supervisor counts today\'s automatic resumes from the sessions that resumed today', async t => {
  const clock = new Date(2026, 10, 28, 15, 0).getTime()
  const { paths, supervisor } = await world(t, { now: () => clock })
  const at = (id: string, ms: number, event: string, fields: Record<string, unknown> = {}) => ({ ...record(id, event, fields), ts: new Date(ms).toISOString() })
  const [today, twice, manual, yesterday] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
  const dayAgo = clock - 86_400_000
  for (const [id, ms] of [[today, clock], [twice, clock], [manual, clock], [yesterday, dayAgo]] as const) {
    appendRecord(paths, at(id, ms - 2000, 'SessionStart', { cwd: '/work/d', source: 'startup' }))
  }
  const start = (id: string, ms: number, attempt: number, extra: Record<string, unknown> = {}) =>
    appendRecord(paths, { ...at(id, ms, 'ResumeStarted', { attempt, mode: 'spawn', marked: true, ...extra }), origin: 'supervisor' as const })
  start(today, clock - 1000, 1)
  start(twice, clock - 1500, 1)
  start(twice, clock - 1000, 2)
  start(manual, clock - 1000, 1, { manual: true })
  start(yesterday, dayAgo, 1)
  // Changed "today" on the test's clock: journals not changed that day are not read at all.
  for (const id of [today, twice, manual]) utimesSync(sessionFile(paths, id, 'journal'), clock / 1000, clock / 1000)
  await supervisor.restoreAll()
  t.equal(supervisor.budget().resumesToday, 3, 'the journals of the sessions resumed today: 1 + 2, the manual one not')
})
