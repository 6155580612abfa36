// The machine's questions about its own runs (is this event ours, a late limit, the running attempt), exit verdicts and reasons, as tables.
import t from 'tap'
import {
  baseRetryAt,
  exitOutcome,
  initialSessionContext,
  isLateLimitOfLastRun,
  isOwnRun,
  isRunningAttempt,
  lastRunMarked,
  limitOf,
  userMode,
  userPane,
  withReason,
  type ResumeRecord,
  type SessionContext,
} from '../../state/session-context.js'
import type { HookFacts, ResumeExitedEvent } from '../../state/session-events.js'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const START = Date.parse('2026-11-25T04:02:00Z')
const EXIT = START + 60_000

function run(over: Partial<ResumeRecord>): ResumeRecord {
  return { attempt: 2, mode: 'spawn', startedAt: START, exitedAt: null, exitCode: null, turnCompleted: false, outcome: 'running', marked: true, permissionMode: null, details: null, at: START, ...over }
}

const runs: Record<string, ResumeRecord | null> = {
  none: null,
  markedRunning: run({}),
  markedExited: run({ exitedAt: EXIT, exitCode: 0, outcome: 'completed' }),
  unmarkedRunning: run({ marked: false }),
  unmarkedExited: run({ marked: false, exitedAt: EXIT, exitCode: 0, outcome: 'completed' }),
  ownerMode: run({ mode: 'owner', marked: false, outcome: 'awaiting-owner' }),
  ownerExited: run({ mode: 'owner', exitedAt: EXIT }),
}
const contextWith = (name: string, over: Partial<SessionContext> = {}): SessionContext => ({ ...initialSessionContext({ sessionId: 's1' }), lastResume: runs[name] ?? null, ...over })

t.test('isOwnRun: a hook that says its attempt, or, for an unmarked spawned run, its time window', async t => {
  const cases: [string, { at: number } & HookFacts, boolean][] = [
    ['none', { at: START, runAttempt: 1 }, true],
    ['none', { at: START, runAttempt: 0 }, true],
    ['none', { at: START }, false],
    ['markedRunning', { at: START + 1 }, false],
    ['unmarkedRunning', { at: START + 1 }, true],
    ['unmarkedRunning', { at: START }, true],
    ['unmarkedRunning', { at: START - 1 }, false],
    ['unmarkedExited', { at: EXIT }, true],
    ['unmarkedExited', { at: EXIT + 1 }, false],
    ['ownerMode', { at: START + 1 }, false],
  ]
  for (const [name, event, own] of cases) t.equal(isOwnRun(contextWith(name), event), own, `${name} at ${event.at - START} ms, runAttempt ${event.runAttempt}`)
})

t.test('lastRunMarked: the last spawned run carries its attempt', async t => {
  const cases: [string, boolean][] = [['none', false], ['markedRunning', true], ['markedExited', true], ['unmarkedRunning', false], ['ownerExited', false]]
  for (const [name, marked] of cases) t.equal(lastRunMarked(contextWith(name)), marked, name)
})

t.test('isLateLimitOfLastRun: a limit from the last spawned run’s lifetime, after its exit was recorded', async t => {
  const cases: [string, number, boolean][] = [
    ['none', START + 1, false],
    ['markedRunning', START + 1, false],
    ['markedExited', START + 1, true],
    ['markedExited', EXIT, true],
    ['markedExited', EXIT + 1, false],
    ['markedExited', START - 1, false],
    ['unmarkedExited', START + 1, true],
    ['ownerExited', START + 1, false],
  ]
  for (const [name, at, late] of cases) t.equal(isLateLimitOfLastRun(contextWith(name), at), late, `${name} at ${at - START} ms`)
})

t.test('isRunningAttempt: that attempt is the spawned run still under way', async t => {
  const cases: [string, number, boolean][] = [
    ['markedRunning', 2, true],
    ['markedRunning', 1, false],
    ['unmarkedRunning', 2, true],
    ['markedExited', 2, false],
    ['none', 2, false],
    ['ownerMode', 2, false],
  ]
  for (const [name, attempt, running] of cases) t.equal(isRunningAttempt(contextWith(name), attempt), running, `${name}, attempt ${attempt}`)
})

t.test('exitOutcome: the verdict, else derived from an old journal’s fields', async t => {
  const exit = (over: Partial<ResumeExitedEvent>): ResumeExitedEvent => ({ type: 'resume.exited', at: EXIT, attempt: 2, exitCode: 0, limited: false, ...over })
  const cases: [Partial<ResumeExitedEvent>, string][] = [
    [{ outcome: 'blocked' }, 'blocked'],
    [{ outcome: 'not-started', exitCode: 97 }, 'not-started'],
    [{ limited: true }, 'limited'],
    [{ limited: true, exitCode: 1 }, 'limited'],
    [{}, 'completed'],
    [{ exitCode: 1 }, 'failed'],
    [{ exitCode: null }, 'failed'],
  ]
  for (const [over, outcome] of cases) t.equal(exitOutcome(exit(over)), outcome, JSON.stringify(over))
})

t.test('withReason: replaces the lines with that prefix by the new one, at the end', async t => {
  const before = ['limit: five_hour', 'retry at 04:01', 'limit: old']
  const cases: [string[], string, string, string[]][] = [
    [[], 'limit: weekly', 'limit:', ['limit: weekly']],
    [before, 'limit: weekly', 'limit:', ['retry at 04:01', 'limit: weekly']],
    [before, 'attempt 1', 'attempt', [...before, 'attempt 1']],
    [before, 'only this', '', ['only this']],
  ]
  for (const [reasons, line, prefix, after] of cases) t.same(withReason(reasons, line, prefix), after, `${line} over ${prefix || '(every line)'}`)
  t.same(before, ['limit: five_hour', 'retry at 04:01', 'limit: old'], 'the old list is left alone')
})

t.test('userPane and userMode: a hook’s pane and mode are kept unless the hook was our own run’s', async t => {
  const context = contextWith('unmarkedRunning', { tmuxPane: '%1', permissionMode: 'default' })
  const cases: [{ at: number } & HookFacts, string | null, string | null][] = [
    [{ at: START - 1, tmuxPane: '%7', permissionMode: 'acceptEdits' }, '%7', 'acceptEdits'],
    [{ at: START + 1, tmuxPane: '%7', permissionMode: 'acceptEdits' }, '%1', 'default'],
    [{ at: START - 1, runAttempt: 2, tmuxPane: '%7', permissionMode: 'plan' }, '%1', 'default'],
    [{ at: START - 1 }, '%1', 'default'],
  ]
  for (const [event, pane, mode] of cases) {
    t.equal(userPane(context, event), pane, `pane ${JSON.stringify(event)}`)
    t.equal(userMode(context, event), mode, `mode ${JSON.stringify(event)}`)
  }
})

t.test('limitOf keeps only JSON-safe numbers; baseRetryAt prefers the time before a stagger', async t => {
  const limit = limitOf({ type: 'limit.detected', at: START, kind: 'five_hour', resetAt: Number.POSITIVE_INFINITY, source: 'banner', transient: false, usedPercentage: Number.NaN })
  t.same(limit, { kind: 'five_hour', resetAt: null, source: 'banner', transient: false, usedPercentage: null, at: START })
  t.same(limitOf({ type: 'limit.detected', at: START, kind: 'weekly', resetAt: EXIT, source: 'transcript', transient: true, usedPercentage: 100 }), { kind: 'weekly', resetAt: EXIT, source: 'transcript', transient: true, usedPercentage: 100, at: START })
  t.equal(baseRetryAt(contextWith('none', { retryAt: EXIT + 5000, staggeredFrom: { retryAt: EXIT, source: 'reset+margin' } })), EXIT)
  t.equal(baseRetryAt(contextWith('none', { retryAt: EXIT })), EXIT)
  t.equal(baseRetryAt(contextWith('none')), null)
})

t.test('the context XState copies on every assign stays a fast object (V8), after start and after events', async t => {
  // A dictionary-mode context made every send of the replay a dozen times slower to copy. V8 says
  // which it is only with --allow-natives-syntax, so the check runs in a node of its own.
  const script = `
    import { createActor } from 'xstate'
    import { createSessionMachine } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/state/session.machine.js')).href)}
    const actor = createActor(createSessionMachine({ now: () => 0 }), { input: { sessionId: 'x' } })
    actor.start()
    const fast = [%HasFastProperties(actor.getSnapshot().context)]
    actor.send({ type: 'prompt.submitted', at: 1 })
    actor.send({ type: 'limit.detected', at: 2, kind: 'five_hour', resetAt: 60_000, source: 'transcript', transient: false })
    fast.push(%HasFastProperties(actor.getSnapshot().context))
    actor.stop()
    console.log(JSON.stringify(fast))`
  // Through `env -u`: tap adds its coverage and process-info hooks to every node a test starts,
  // whatever env it is given, and V8 copies objects differently under coverage.
  const args = ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, '--allow-natives-syntax', '--input-type=module', '-e', script]
  const out = execFileSync('env', args, { cwd: process.cwd(), encoding: 'utf8' })
  t.same(JSON.parse(out), [true, true], 'fast after start, and after a limit')
})
