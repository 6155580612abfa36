// The ResumeRunner in-process, with real parts: a real home, a real session machine per session,
// its journal applied the way the supervisor applies it, and a stand-in `claude` (a sh script) that
// records how it was started and answers what the test chose. Time is the test's clock.
import t from 'tap'
import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { parseJournalLine, type JournalRecord } from '../../src/journal/event-record.js'
import { readJournalFrom } from '../../src/journal/read-journal.js'
import { homePaths, sessionFile } from '../../src/home/home-paths.js'
import { ensureHomeDir } from '../../src/home/safe-dirs.js'
import { createFileLogger } from '../../src/home/logger.js'
import { formatIdentity, identify } from '../../src/os/process-identity.js'
import { recordToEvents } from '../../src/supervisor/record-to-events.js'
import { capabilitiesFor, type CliCapabilities } from '../../src/supervisor/resume-plan.js'
import { ResumeRunner, type RunnerDeps } from '../../src/supervisor/resume-runner.js'
import { NOT_STARTED_MARK } from '../../src/supervisor/run-outcome.js'
import { SessionRuntime } from '../../src/supervisor/session-runtime.js'
import type { PaneContinueInput } from '../../src/supervisor/tmux-continue.js'
import { createSessionMachine } from '../../state/session.machine.js'
import { processDir } from '../helpers/process-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const SUCCESS = '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"done","total_cost_usd":0.01}'

/**
 * The stand-in for `claude`. `--version` is answered (and counted). A run copies its session's
 * journal as it is when the run starts, then appends its folder, its arguments and the number of
 * pid files to `calls` (in one write: two runs may go at once; after the copy, so a test that sees
 * the call finds it), waits while the file `hold` exists, prints `answer`, exits with `exit-code`.
 */
function standInClaude(dir: string, eventsDir: string, resumeLogsDir: string): string {
  const file = join(dir, 'claude')
  writeFileSync(
    file,
    `#!/bin/sh
d='${dir}'
case "$1" in --version) echo x >> "$d/version-calls"; echo "2.1.331 (Claude Code)"; exit 0;; esac
nl='
'
call="cwd=$PWD$nl"; for a in "$@"; do call="\${call}arg=$a$nl"; done
call="\${call}pidfiles=$(ls '${resumeLogsDir}' | grep -c '[.]pid$')$nl--$nl"
prev=''; for a in "$@"; do [ "$prev" = --resume ] && id=$a; prev=$a; done
cp '${eventsDir}'/"$id.jsonl" "$d/journal-at-start.$id.$SESSION_RETRY_RUN"
printf '%s' "$call" >> "$d/calls"
while [ -e "$d/hold" ]; do sleep 0.05; done
cat "$d/answer" 2>/dev/null
exit "$(cat "$d/exit-code" 2>/dev/null || echo 0)"
`,
    { mode: 0o755 },
  )
  return file
}

interface BenchOptions {
  env?: Record<string, string>
  start?: number
  deps?: Partial<Pick<RunnerDeps, 'detectCli' | 'continueInPane' | 'resumedSince'>>
}

async function bench(t: Test, { env = {}, start = Date.parse('2026-11-28T09:00:00Z'), deps = {} }: BenchOptions = {}) {
  const dir = processDir(t, { home: {}, project: {}, 'claude-config': {} })
  const home = join(dir, 'home')
  const paths = homePaths(home)
  for (const sub of [paths.eventsDir, paths.logsDir, paths.resumeLogsDir]) ensureHomeDir(home, sub)
  const claude = standInClaude(dir, paths.eventsDir, paths.resumeLogsDir)
  const clock = { now: start }
  const now = () => clock.now
  const config = loadConfig({
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_CLAUDE_BIN: claude,
    SESSION_RETRY_STAGGER: '0',
    SESSION_RETRY_RESUME_PROMPT: 'go on',
    CLAUDE_CONFIG_DIR: join(dir, 'claude-config'),
    ...env,
  })
  const machine = createSessionMachine({ now })
  const exits: string[] = []
  const rechecks: { id: string; ms: number }[] = []
  const newRunner = () =>
    new ResumeRunner({
      config,
      paths,
      log: createFileLogger(paths.supervisorLog, 'debug'),
      now,
      timeZone: 'UTC',
      onExit: id => exits.push(id),
      recheckIn: (id, ms) => rechecks.push({ id, ms }),
      ...deps,
    })
  const errors: unknown[] = []
  const session = (id: string) => {
    const rt = SessionRuntime.fresh(id, { now, machine, onError: (_, error) => errors.push(error), onChange: () => {} })
    // Its timers would keep the test process alive for up to a minute.
    t.teardown(() => rt.stop())
    return rt
  }
  /** What the supervisor does with a session's journal: every new line becomes machine events. */
  const apply = (rt: SessionRuntime) => async () => {
    const chunk = readJournalFrom(sessionFile(paths, rt.sessionId, 'journal'), rt.offset)
    for (const line of chunk.lines) {
      const parsed = parseJournalLine(line.text)
      if (parsed.ok && !rt.hasSeen(parsed.value.id)) {
        for (const event of await recordToEvents(parsed.value, { timeZone: 'UTC', transcriptRetries: 0 })) rt.send(event)
        rt.markSeen(parsed.value.id)
      }
      rt.offset = line.end
    }
  }
  const journal = (id: string, event: string, fields: Partial<JournalRecord> = {}, at = clock.now) =>
    appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date(at).toISOString(), event, sessionId: id, origin: 'hook', ...fields })
  const records = (id: string, event?: string) =>
    existsSync(sessionFile(paths, id, 'journal'))
      ? readFileSync(sessionFile(paths, id, 'journal'), 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line)).filter(r => event === undefined || r.event === event)
      : []
  /** A session that ran in `cwd`, hit a limit resetting in an hour and was closed. */
  const limitedSession = async (fields: Partial<JournalRecord> = {}, { closed = true } = {}) => {
    const id = randomUUID()
    const rt = session(id)
    journal(id, 'SessionStart', { cwd: join(dir, 'project'), source: 'startup', ...fields })
    journal(id, 'LimitReported', { message: "You've hit your session limit", resetAt: clock.now + 3_600_000 })
    if (closed) journal(id, 'SessionEnd', { reason: 'other' })
    await apply(rt)()
    return rt
  }
  /** The clock reaches the session's retry, and the supervisor's tick tells its machine. */
  const makeDue = (rt: SessionRuntime) => {
    clock.now = Math.max(clock.now, rt.context.retryAt!)
    rt.send({ type: 'rearm', at: clock.now })
  }
  const calls = () => {
    const file = join(dir, 'calls')
    if (!existsSync(file)) return []
    // The last piece is a call still being written (or nothing): only finished ones count.
    return readFileSync(file, 'utf8').split('--\n').slice(0, -1).map(block => {
      const lines = block.split('\n').filter(Boolean)
      return {
        cwd: lines.find(l => l.startsWith('cwd='))!.slice(4),
        args: lines.filter(l => l.startsWith('arg=')).map(l => l.slice(4)),
        pidFiles: Number(lines.find(l => l.startsWith('pidfiles='))!.slice(9)),
      }
    })
  }
  const answer = (text: string, exitCode: number) => {
    writeFileSync(join(dir, 'answer'), text + '\n')
    writeFileSync(join(dir, 'exit-code'), String(exitCode))
  }
  const pidFiles = () => readdirSync(paths.resumeLogsDir).filter(name => name.endsWith('.pid'))
  const supervisorLog = () => (existsSync(paths.supervisorLog) ? readFileSync(paths.supervisorLog, 'utf8') : '')
  return { dir, paths, config, clock, runner: newRunner(), newRunner, session, apply, journal, records, limitedSession, makeDue, calls, answer, pidFiles, supervisorLog, exits, rechecks, errors, project: join(dir, 'project') }
}

/** A process the test ends when it likes (`stop` file), standing in for a run a previous supervisor started. */
function heldProcess(t: Test, dir: string) {
  const stop = join(dir, `stop-${randomUUID()}`)
  const child = spawn('/bin/sh', ['-c', `while [ ! -e '${stop}' ]; do sleep 0.05; done`], { stdio: 'ignore' })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')))
  return { pid: child.pid!, exited, end: async () => (writeFileSync(stop, ''), await exited) }
}

t.test('a due session: decided, journaled and applied before the run starts; a second onDue meanwhile starts nothing', async t => {
  const b = await bench(t)
  const rt = await b.limitedSession()
  b.makeDue(rt)
  t.equal(rt.state, 'due')
  writeFileSync(join(b.dir, 'hold'), '')
  b.answer(SUCCESS, 0)
  const seenByApply: string[] = []
  const apply = async () => {
    seenByApply.push(`runs ${b.calls().length}, starts journaled ${b.records(rt.sessionId, 'ResumeStarted').length}`)
    await b.apply(rt)()
  }
  await b.runner.onDue(rt, apply)
  t.same(seenByApply, ['runs 0, starts journaled 1'], 'the start was journaled, and applied before any run')
  t.equal(rt.state, 'resuming')
  t.match(rt.context.lastResume, { attempt: 1, mode: 'spawn', exitedAt: null })
  t.match(b.records(rt.sessionId, 'ResumeStarted'), [{ attempt: 1, mode: 'spawn', marked: true, origin: 'supervisor' }])
  t.equal(b.runner.running, 1)

  await b.runner.onDue(rt, apply)
  t.equal(seenByApply.length, 1, 'a second onDue while the run is in flight neither journals nor applies')
  const [call] = await waitFor(() => b.calls().length === 1 && b.calls(), { what: 'the stand-in to start' })
  t.equal(call!.cwd, b.project, 'run in the session\'s folder')
  t.same(call!.args, ['--permission-prompts', 'none', '--output-format', 'json', '--resume', rt.sessionId, '-p', 'go on'])
  t.equal(call!.pidFiles, 1, 'its pid file was on disk before it was let go')
  const journalAtStart = readFileSync(join(b.dir, `journal-at-start.${rt.sessionId}.1`), 'utf8')
  t.match(journalAtStart, /"event":"ResumeStarted"/, 'ResumeStarted was journaled before the run started')
  t.equal(b.exits.length, 0, 'still running')

  rmSync(join(b.dir, 'hold'))
  await waitFor(() => b.exits.length === 1, { what: 'the run to be journaled as exited' })
  t.same(b.exits, [rt.sessionId])
  t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, exitCode: 0, outcome: 'completed', limited: false, details: { turns: 2, costUsd: 0.01, resultLine: 'done' } }])
  t.same(b.pidFiles(), [], 'the pid file goes once the exit is journaled')
  t.equal(b.runner.running, 0)
  t.same(b.runner.counters, { started: 1, succeeded: 1, failed: 0 })
  t.match(readFileSync(b.runner.logFile(rt.sessionId, 1), 'utf8'), /"subtype":"success"/, 'the run wrote its own log')
  await b.apply(rt)()
  t.equal(rt.state, 'active')
  t.equal(b.calls().length, 1, 'started once')
})

t.test('an adopt() while a resume is being recorded does not take the run for one that never started', async t => {
  // Seen in CI: the decision (`resuming`, no pid file yet) was being written when the supervisor's
  // tick looked after runs of a previous supervisor; it found no pid file, journaled "not started",
  // and the run went ahead anyway: three resumes for two limits. Here adopt() lands in that window.
  const b = await bench(t)
  const rt = await b.limitedSession()
  b.makeDue(rt)
  b.answer(SUCCESS, 0)
  await b.runner.onDue(rt, async () => {
    await b.apply(rt)()
    t.equal(rt.state, 'resuming', 'applied: resuming, and no pid file yet')
    b.runner.adopt(rt)
  })
  await waitFor(() => b.exits.length === 1, { what: 'the run to exit' })
  t.equal(b.calls().length, 1, 'started once')
  t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, outcome: 'completed' }], 'one exit, never reported as not started')
  await b.apply(rt)()
  t.match(rt.context.lastResume, { attempt: 1, outcome: 'completed', exitCode: 0 })
})

const NOT_A_LIMIT = 'the tests failed'
t.test('the exit is classified from what the run printed and how it ended, journaled, and moves the session', async t => {
  const cases = [
    { name: 'success', answer: SUCCESS, code: 0, outcome: 'completed', state: 'active', counters: { succeeded: 1, failed: 0 } },
    { name: 'an error result', answer: JSON.stringify({ type: 'result', is_error: true, result: NOT_A_LIMIT }), code: 1, outcome: 'failed', state: 'scheduled', counters: { succeeded: 0, failed: 1 } },
    { name: 'no result, a non-zero exit', answer: 'crashed', code: 3, outcome: 'failed', state: 'scheduled', counters: { succeeded: 0, failed: 1 } },
    { name: 'a limit again (429)', answer: JSON.stringify({ type: 'result', is_error: true, result: 'API error', api_error_status: 429 }), code: 1, outcome: 'limited', state: 'scheduled', counters: { succeeded: 0, failed: 1 } },
    {
      name: 'the limit banner as result',
      answer: JSON.stringify({ type: 'result', is_error: true, result: "You've hit your session limit · resets 3pm (UTC)" }),
      code: 1,
      outcome: 'limited',
      state: 'scheduled',
      counters: { succeeded: 0, failed: 1 },
    },
    {
      name: 'tools refused',
      answer: JSON.stringify({ type: 'result', is_error: false, result: 'could not write', permission_denials: [{ tool_name: 'Write' }, { tool_name: 'Write' }] }),
      code: 0,
      outcome: 'blocked',
      state: 'needsUser',
      counters: { succeeded: 0, failed: 1 },
    },
  ]
  for (const c of cases) {
    await t.test(c.name, async t => {
      const b = await bench(t)
      const rt = await b.limitedSession()
      b.makeDue(rt)
      b.answer(c.answer, c.code)
      await b.runner.onDue(rt, b.apply(rt))
      await waitFor(() => b.exits.length === 1, { what: 'the run to exit' })
      t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, exitCode: c.code, outcome: c.outcome, limited: c.outcome === 'limited' }])
      t.match(b.runner.counters, { started: 1, ...c.counters })
      await b.apply(rt)()
      t.equal(rt.state, c.state)
      t.equal(rt.context.lastResume?.outcome, c.outcome)
      if (c.outcome === 'blocked') t.same(rt.context.lastResume?.details?.deniedTools, ['Write'])
    })
  }
})

t.test('claude not found: the attempt is journaled, its exit says so, and the session needs the user', async t => {
  const b = await bench(t, { env: { SESSION_RETRY_CLAUDE_BIN: '/nonexistent/claude' } })
  const rt = await b.limitedSession()
  b.makeDue(rt)
  await b.runner.onDue(rt, b.apply(rt))
  t.same(await b.runner.capabilities(), capabilitiesFor(null), 'no version: no flags it may not know')
  await waitFor(() => b.exits.length === 1, { what: 'the failed start to be journaled' })
  t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, exitCode: 127, outcome: 'failed', details: { startError: 'command not found' } }])
  t.same(b.runner.counters, { started: 1, succeeded: 0, failed: 1 })
  t.match(b.supervisorLog(), /resume could not start claude/)
  await b.apply(rt)()
  t.equal(rt.state, 'needsUser')
  t.match(rt.context.needsUserReason, /command not found/)
})

t.test('a run that never passed its gate is journaled as not started, and the next attempt runs', async t => {
  // A previous supervisor journaled and applied the start, then stopped before it wrote the pid
  // file: the gate saw end-of-file and claude never ran. No attempt is spent on it.
  const b = await bench(t)
  const rt = await b.limitedSession()
  b.makeDue(rt)
  b.journal(rt.sessionId, 'ResumeStarted', { origin: 'supervisor', attempt: 1, mode: 'spawn', marked: true })
  await b.apply(rt)()
  // Stopped between creating the run's log and starting the gate: an empty log is all it left.
  mkdirSync(b.paths.resumeLogsDir, { recursive: true })
  writeFileSync(b.runner.logFile(rt.sessionId, 1), '')
  b.runner.adopt(rt)
  await waitFor(() => b.exits.length === 1, { what: 'the unstarted run to be journaled' })
  t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, outcome: 'not-started' }])
  t.match(readFileSync(b.runner.logFile(rt.sessionId, 1), 'utf8'), new RegExp(`^${NOT_STARTED_MARK}: `), 'its log says so too')
  t.match(b.supervisorLog(), /no pid file: the run never passed its gate/)
  t.same(b.runner.counters, { started: 0, succeeded: 0, failed: 0 }, 'neither a success nor a failure')
  await b.apply(rt)()
  t.equal(rt.state, 'scheduled', 'not started: scheduled again')

  b.answer(SUCCESS, 0)
  b.makeDue(rt)
  await b.runner.onDue(rt, b.apply(rt))
  await waitFor(() => b.exits.length === 2, { what: 'the second attempt to exit' })
  t.match(b.records(rt.sessionId, 'ResumeStarted'), [{ attempt: 1 }, { attempt: 2 }])
  t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, outcome: 'not-started' }, { attempt: 2, outcome: 'completed' }])
  t.equal(b.calls().length, 1, 'claude ran once, for the second attempt')
  await b.apply(rt)()
  t.equal(rt.state, 'active')
})

t.test('after a restart, adopt() settles a run a previous supervisor started', async t => {
  /** A session `resuming` as a previous supervisor left it: its start journaled, applied. */
  const resumingSession = async (t: Test, b: Awaited<ReturnType<typeof bench>>) => {
    const rt = await b.limitedSession()
    b.makeDue(rt)
    b.journal(rt.sessionId, 'ResumeStarted', { origin: 'supervisor', attempt: 1, mode: 'spawn', marked: true })
    await b.apply(rt)()
    t.equal(rt.state, 'resuming')
    return rt
  }
  const cases = [
    { name: 'a pid file of a run that has ended, its log a success', log: SUCCESS, outcome: 'completed', state: 'active' },
    { name: 'a pid file of a run that has ended, no result in its log', log: 'killed', outcome: 'failed', state: 'scheduled' },
  ] as const
  for (const c of cases) {
    await t.test(c.name, async t => {
      const b = await bench(t)
      const rt = await resumingSession(t, b)
      const run = heldProcess(t, b.dir)
      const identity = identify(run.pid)!
      await run.end()
      writeFileSync(join(b.paths.resumeLogsDir, `${rt.sessionId}.1.pid`), formatIdentity(identity))
      writeFileSync(b.runner.logFile(rt.sessionId, 1), c.log + '\n')
      b.runner.adopt(rt)
      await waitFor(() => b.exits.length === 1, { what: 'the exit to be journaled' })
      t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, exitCode: null, outcome: c.outcome }])
      t.same(b.pidFiles(), [])
      t.equal(b.calls().length, 0, 'nothing started')
      await b.apply(rt)()
      t.equal(rt.state, c.state)
    })
  }

  await t.test('a pid file of a run still going: it is waited for, and nothing else starts meanwhile', async t => {
    const b = await bench(t)
    const rt = await resumingSession(t, b)
    const run = heldProcess(t, b.dir)
    writeFileSync(join(b.paths.resumeLogsDir, `${rt.sessionId}.1.pid`), formatIdentity(identify(run.pid)!))
    b.runner.adopt(rt)
    b.runner.adopt(rt)
    t.equal(b.runner.running, 1, 'adopted once')
    await b.runner.onDue(rt, async () => void t.fail('nothing is decided while the run is going'))
    t.equal(b.exits.length, 0, 'the run is still going')
    writeFileSync(b.runner.logFile(rt.sessionId, 1), SUCCESS + '\n')
    await run.end()
    await waitFor(() => b.exits.length === 1, { what: 'the ended run to be noticed' })
    t.match(b.records(rt.sessionId, 'ResumeExited'), [{ attempt: 1, exitCode: null, outcome: 'completed' }])
    t.match(b.supervisorLog(), new RegExp(`run ${run.pid} ended while the supervisor was down`))
    t.equal(b.runner.running, 0)
  })

  await t.test('a session not resuming, or resumed by its owner, is not adopted', async t => {
    const b = await bench(t)
    const scheduled = await b.limitedSession()
    b.runner.adopt(scheduled)
    const owned = await b.limitedSession()
    b.makeDue(owned)
    b.journal(owned.sessionId, 'ResumeStarted', { origin: 'supervisor', attempt: 1, mode: 'owner' })
    await b.apply(owned)()
    b.runner.adopt(owned)
    t.equal(b.runner.running, 0)
    t.same(b.records(scheduled.sessionId, 'ResumeExited').concat(b.records(owned.sessionId, 'ResumeExited')), [])
  })
})

t.test('the daily cap holds automatic resumes, counted from the journals; a manual resume is never held', async t => {
  // Local time: the cap counts local calendar days.
  const clock = new Date(2026, 10, 28, 15, 0).getTime()
  const cases = [
    { name: 'cap reached', cap: 1, earlier: [0], manual: false, resumedSince: undefined, starts: false },
    { name: 'room for one more', cap: 2, earlier: [0], manual: false, resumedSince: undefined, starts: true },
    { name: 'cap 0: no automatic resume at all', cap: 0, earlier: [], manual: false, resumedSince: undefined, starts: false },
    { name: 'yesterday\'s start does not count', cap: 1, earlier: [-1], manual: false, resumedSince: undefined, starts: true },
    { name: 'cap reached, but asked for by hand', cap: 1, earlier: [0], manual: true, resumedSince: undefined, starts: true },
    { name: 'only the sessions said to have resumed today are read', cap: 1, earlier: [0], manual: false, resumedSince: [] as string[], starts: true },
  ]
  for (const c of cases) {
    await t.test(c.name, async t => {
      const asked: number[] = []
      const resumedSince = c.resumedSince === undefined ? undefined : (ms: number) => (asked.push(ms), c.resumedSince!)
      const b = await bench(t, { start: clock, env: { SESSION_RETRY_MAX_RESUMES_PER_DAY: String(c.cap) }, deps: resumedSince ? { resumedSince } : {} })
      for (const days of c.earlier) {
        const other = randomUUID()
        const at = clock - 3_600_000 + days * 86_400_000
        b.journal(other, 'SessionStart', { cwd: b.project, source: 'startup' }, at)
        b.journal(other, 'ResumeStarted', { origin: 'supervisor', attempt: 1, mode: 'spawn', marked: true }, at)
        utimesSync(sessionFile(b.paths, other, 'journal'), at / 1000, at / 1000)
      }
      const rt = await b.limitedSession()
      if (c.manual) b.journal(rt.sessionId, 'ResumeRequested')
      await b.apply(rt)()
      b.makeDue(rt)
      b.answer(SUCCESS, 0)
      const counted = b.runner.usedToday()
      t.equal(counted, c.resumedSince ? 0 : c.earlier.filter(d => d === 0).length, 'today\'s automatic starts')
      await b.runner.onDue(rt, b.apply(rt))
      await b.runner.onDue(rt, b.apply(rt))
      if (c.resumedSince) t.same(asked, [new Date(2026, 10, 28).getTime()], 'asked once, from local midnight')
      if (!c.starts) {
        t.equal(rt.state, 'due', 'held: still due')
        t.same(b.records(rt.sessionId, 'ResumeStarted'), [])
        t.equal(b.supervisorLog().match(/daily cap on automatic resumes reached/g)?.length, 1, 'said once, not on every check')
        t.equal(b.runner.running, 0)
        return
      }
      await waitFor(() => b.exits.length === 1, { what: 'the run to exit' })
      t.match(b.records(rt.sessionId, 'ResumeStarted'), [{ attempt: 1, mode: 'spawn', ...(c.manual ? { manual: true } : {}) }])
      if (!c.manual) t.notOk(b.records(rt.sessionId, 'ResumeStarted')[0].manual)
      t.equal(b.runner.usedToday(), counted + (c.manual ? 0 : 1), 'an automatic start counts, a manual one does not')
    })
  }
})

t.test('the permission mode the session ran in: resumed in it, or refused and handed to the user', async t => {
  const cases: { name: string; mode: string; env: Record<string, string>; cwd?: string; refused?: RegExp; resumedIn?: string | null }[] = [
    { name: 'plan mode', mode: 'plan', env: {}, refused: /plan mode/ },
    { name: 'bypassPermissions without the opt-in', mode: 'bypassPermissions', env: {}, refused: /SESSION_RETRY_ALLOW_BYPASS=true/ },
    { name: 'plan mode by override', mode: 'default', env: { SESSION_RETRY_PERMISSION_MODE: 'plan' }, refused: /plan mode/ },
    { name: 'the folder is gone', mode: 'acceptEdits', env: {}, cwd: '/nonexistent/project', refused: /no longer exists/ },
    { name: 'no folder known', mode: 'acceptEdits', env: {}, cwd: '', refused: /folder is unknown/ },
    { name: 'a relative folder', mode: 'acceptEdits', env: {}, cwd: 'project', refused: /is not an absolute path/ },
    { name: 'acceptEdits', mode: 'acceptEdits', env: {}, resumedIn: 'acceptEdits' },
    { name: 'bypassPermissions with the opt-in', mode: 'bypassPermissions', env: { SESSION_RETRY_ALLOW_BYPASS: 'true' }, resumedIn: 'bypassPermissions' },
    { name: 'the user\'s own permission flag wins', mode: 'plan', env: { SESSION_RETRY_CLAUDE_ARGS: '["--permission-mode","acceptEdits"]' }, resumedIn: null },
  ]
  for (const c of cases) {
    await t.test(c.name, async t => {
      const b = await bench(t, { env: c.env })
      const rt = await b.limitedSession({ permissionMode: c.mode, ...(c.cwd === undefined ? {} : { cwd: c.cwd }) })
      b.makeDue(rt)
      b.answer(SUCCESS, 0)
      await b.runner.onDue(rt, b.apply(rt))
      if (c.refused) {
        t.match(b.records(rt.sessionId, 'ResumeRefused'), [{ reason: c.refused, origin: 'supervisor' }])
        t.same(b.records(rt.sessionId, 'ResumeStarted'), [])
        t.equal(rt.state, 'needsUser', 'applied: the user has to')
        t.match(rt.context.needsUserReason, c.refused)
        t.equal(b.runner.running, 0)
        t.same(b.calls(), [])
        return
      }
      await waitFor(() => b.exits.length === 1, { what: 'the run to exit' })
      const [call] = b.calls()
      const at = call!.args.indexOf('--permission-mode')
      t.equal(at === -1 ? null : call!.args[at + 1], c.env.SESSION_RETRY_CLAUDE_ARGS ? 'acceptEdits' : c.resumedIn)
      t.equal(call!.args.filter(a => a === '--permission-mode').length, at === -1 ? 0 : 1, 'one permission flag')
      t.equal(b.records(rt.sessionId, 'ResumeStarted')[0].permissionMode, c.resumedIn ?? undefined)
    })
  }
})

t.test('what the CLI supports is asked once, and decides the flags', async t => {
  await t.test('the default: `claude --version`, once for every resume', async t => {
    const b = await bench(t)
    const [one, two] = [await b.limitedSession(), await b.limitedSession()]
    b.answer(SUCCESS, 0)
    const early = b.runner.capabilities()
    for (const rt of [one, two]) {
      b.makeDue(rt)
      await b.runner.onDue(rt, b.apply(rt))
    }
    t.equal(b.runner.capabilities(), early, 'the same answer every time')
    t.same(await early, { version: '2.1.331', permissionPrompts: true, jsonResult: true })
    await waitFor(() => b.exits.length === 2, { what: 'both runs to exit' })
    t.equal(readFileSync(join(b.dir, 'version-calls'), 'utf8').split('\n').filter(Boolean).length, 1, 'claude --version ran once')
  })

  await t.test('an older CLI: no flags it does not know', async t => {
    let asked = 0
    const detectCli = async (): Promise<CliCapabilities> => (asked++, capabilitiesFor('2.1.77'))
    const b = await bench(t, { deps: { detectCli } })
    const [one, two] = [await b.limitedSession(), await b.limitedSession()]
    b.answer(SUCCESS, 0)
    for (const rt of [one, two]) {
      b.makeDue(rt)
      await b.runner.onDue(rt, b.apply(rt))
    }
    await waitFor(() => b.exits.length === 2, { what: 'both runs to exit' })
    t.equal(asked, 1)
    t.same(b.calls().map(c => c.args).sort(), [one, two].map(rt => ['--resume', rt.sessionId, '-p', 'go on']).sort())
    t.notOk(existsSync(join(b.dir, 'version-calls')), 'the CLI itself was not asked')
  })
})

t.test('resumes are spaced by the stagger: the second one is re-checked when its turn comes', async t => {
  const b = await bench(t, { env: { SESSION_RETRY_STAGGER: '60' } })
  const [one, two] = [await b.limitedSession(), await b.limitedSession()]
  b.answer(SUCCESS, 0)
  b.makeDue(one)
  b.makeDue(two)
  await b.runner.onDue(one, b.apply(one))
  b.clock.now += 20_000
  await b.runner.onDue(two, b.apply(two))
  t.same(b.rechecks, [{ id: two.sessionId, ms: 40_000 }], 'asked to look again when 60 s have passed since the first start')
  t.same(b.records(two.sessionId, 'ResumeStarted'), [])
  b.clock.now += 40_000
  await b.runner.onDue(two, b.apply(two))
  t.match(b.records(two.sessionId, 'ResumeStarted'), [{ attempt: 1 }])
  await waitFor(() => b.exits.length === 2, { what: 'both runs to exit' })
})

t.test('with the Claude integration off, a due session is only reported, once', async t => {
  const b = await bench(t, { env: { SESSION_RETRY_CLAUDE_INTEGRATION: 'false' } })
  const rt = await b.limitedSession()
  b.makeDue(rt)
  await b.runner.onDue(rt, b.apply(rt))
  await b.runner.onDue(rt, b.apply(rt))
  t.equal(rt.state, 'due')
  t.same(b.records(rt.sessionId).filter(r => r.origin === 'supervisor'), [], 'nothing journaled')
  t.equal(b.supervisorLog().match(/SESSION_RETRY_CLAUDE_INTEGRATION=false, not resuming/g)?.length, 1)
})

t.test('a session still open: left to its owner, then after the grace period continued in its tmux pane, once', async t => {
  const panes: PaneContinueInput[] = []
  const continueInPane = async (input: PaneContinueInput) => (panes.push(input), { sent: true, detail: 'typed the prompt' })
  const b = await bench(t, { env: { SESSION_RETRY_TMUX_CONTINUE: 'true', SESSION_RETRY_OWNER_GRACE: '600' }, deps: { continueInPane } })
  const owner = heldProcess(t, b.dir)
  const rt = await b.limitedSession({ claudePid: owner.pid, tmuxPane: '%7' }, { closed: false })
  b.makeDue(rt)
  await b.runner.onDue(rt, b.apply(rt))
  t.match(b.records(rt.sessionId, 'ResumeStarted'), [{ attempt: 1, mode: 'owner', pid: owner.pid }])
  t.equal(rt.state, 'awaitingOwner')
  t.same(b.calls(), [], 'nothing spawned under its owner')

  t.notOk(b.runner.ownerTimedOut(rt), 'within the grace period')
  b.clock.now += 600_000
  t.ok(b.runner.ownerTimedOut(rt), 'the grace period is over')
  await b.apply(rt)()
  t.equal(rt.state, 'needsUser')
  t.match(rt.context.ownerStopped, { why: 'timeout' })

  await b.runner.onNeedsUser(rt, b.apply(rt))
  t.match(panes, [{ pane: '%7', ownerPid: owner.pid, keys: { prompt: 'go on' } }])
  t.match(b.records(rt.sessionId, 'ResumeStarted'), [{ mode: 'owner' }, { attempt: 2, mode: 'tmux', tmuxPane: '%7', pid: owner.pid }])
  t.match(b.records(rt.sessionId, 'TmuxContinued'), [{ attempt: 2, sent: true, reason: 'typed the prompt' }])
  t.equal(b.runner.running, 0)
  await b.runner.onNeedsUser(rt, b.apply(rt))
  t.equal(panes.length, 1, 'one try only')
})

t.test('an open session Claude Code will not continue, outside tmux: the user is told, once', async t => {
  const continueInPane = async () => t.fail('no pane to type into') as never
  const b = await bench(t, { env: { SESSION_RETRY_TMUX_CONTINUE: 'true', SESSION_RETRY_OWNER_GRACE: '0' }, deps: { continueInPane } })
  const owner = heldProcess(t, b.dir)
  const rt = await b.limitedSession({ claudePid: owner.pid }, { closed: false })
  b.makeDue(rt)
  await b.runner.onDue(rt, b.apply(rt))
  t.ok(b.runner.ownerTimedOut(rt))
  await b.apply(rt)()
  t.equal(rt.state, 'needsUser')
  await b.runner.onNeedsUser(rt, b.apply(rt))
  await b.runner.onNeedsUser(rt, b.apply(rt))
  t.equal(b.supervisorLog().match(/open session not in tmux/g)?.length, 1)
  t.same(b.records(rt.sessionId, 'ResumeStarted').map(r => r.mode), ['owner'], 'no tmux attempt journaled')
})
