// One session inside the supervisor: the history stamps each step with the time it happened, and
// the state file's view of the last run. A controllable clock; no timers are waited for.
import t from 'tap'
import { createSessionMachine } from '../../state/session.machine.js'
import { SessionRuntime } from '../../src/supervisor/session-runtime.js'

const T0 = Date.parse('2026-11-25T03:00:00.000Z')
const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'

function runtime() {
  let now = T0
  const machine = createSessionMachine({ now: () => now })
  const rt = SessionRuntime.fresh(ID, { now: () => now, machine, onError: () => {}, onChange: () => {}, resumeLogsDir: '/h/logs/resume' })
  return { rt, advance: (ms: number) => (now += ms), now: () => now }
}

t.test('a step the clock made (scheduled → due) is stamped now, not with the last event time', async t => {
  const { rt, advance, now } = runtime()
  rt.send({ type: 'limit.detected', at: T0, kind: 'five_hour', resetAt: T0 + 60_000, source: 'transcript', transient: false })
  t.equal(rt.state, 'scheduled')
  advance(10 * 60_000)
  rt.send({ type: 'rearm', at: now() })
  t.equal(rt.state, 'due')
  const history = rt.toStateFile(now()).history
  const due = history.find(h => h.to === 'due')!
  t.equal(due.at, new Date(now()).toISOString(), 'stamped when it became due')
  t.equal(history.find(h => h.to === 'scheduled')!.at, new Date(T0).toISOString(), 'a journaled event keeps its own time')
  rt.stop()
})

t.test('a state left within the same step (limited → scheduled) is in the history, at the event time', async t => {
  let now = T0 + 5000
  const machine = createSessionMachine({ now: () => now })
  const seen: string[] = []
  const rt = SessionRuntime.fresh(ID, { now: () => now, machine, onError: () => {}, onChange: () => {}, onTransition: (_id, entry) => seen.push(`${entry.from}→${entry.to}`) })
  rt.send({ type: 'limit.detected', at: T0, kind: 'five_hour', resetAt: T0 + 60_000, source: 'transcript', transient: false })
  t.equal(rt.state, 'scheduled')
  t.same(rt.toStateFile(now).history, [
    { at: new Date(T0).toISOString(), from: 'active', to: 'limited', event: 'limit.detected' },
    { at: new Date(T0).toISOString(), from: 'limited', to: 'scheduled', event: 'limit.detected' },
  ])
  t.same(seen, ['active→limited', 'limited→scheduled'], 'each step told once, in order')
  now += 1
  rt.send({ type: 'prompt.submitted', at: now })
  t.same(seen, ['active→limited', 'limited→scheduled', 'scheduled→active'], 'nothing passed through is told twice')
  rt.stop()
})

t.test('every state that eventless transitions may leave announces its entry (else the history would miss it)', async t => {
  const machine = createSessionMachine({ now: () => T0 })
  const states = Object.entries(machine.root.states)
  const leftWithinAStep = states.filter(([, node]) => node.always !== undefined && node.always.length > 0).map(([name]) => name)
  t.same(leftWithinAStep, ['limited'], 'only limited, today')
  for (const name of leftWithinAStep) {
    const entry = machine.root.states[name]!.entry.map(action => (typeof action === 'object' && action !== null && 'type' in action ? (action as { type: string }).type : String(action)))
    t.ok(entry.includes('announceEntry'), `${name} announces its entry`)
  }
})

t.test('the state file shows the mode and what the last run did', async t => {
  const { rt, advance, now } = runtime()
  rt.send({ type: 'session.started', at: T0, source: 'startup', cwd: '/p', permissionMode: 'acceptEdits' })
  rt.send({ type: 'limit.detected', at: T0 + 1, kind: 'five_hour', resetAt: T0 + 1000, source: 'transcript', transient: false })
  advance(5000)
  rt.send({ type: 'resume.started', at: now(), attempt: 1, mode: 'spawn', marked: true, permissionMode: 'acceptEdits' })
  // The run's own hooks say which attempt they belong to: its mode never replaces the user's.
  rt.send({ type: 'session.started', at: now() + 1, source: 'resume', runAttempt: 1, permissionMode: 'default' })
  rt.send({ type: 'turn.completed', at: now() + 2, runAttempt: 1 })
  t.equal(rt.state, 'resuming', 'a marked run is judged at its exit, not by its Stop')
  const details = { turns: 3, costUsd: 0.02, deniedTools: [], resultLine: 'done', terminalReason: 'completed', startError: null }
  rt.send({ type: 'resume.exited', at: now() + 3, attempt: 1, exitCode: 0, limited: false, outcome: 'completed', details })
  t.equal(rt.state, 'active')
  const file = rt.toStateFile(now())
  t.equal(file.permissionMode, 'acceptEdits')
  t.same(file.lastRun, {
    attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: 'acceptEdits',
    startedAt: new Date(now()).toISOString(), exitedAt: new Date(now() + 3).toISOString(), exitCode: 0,
    turns: 3, costUsd: 0.02, deniedTools: [], resultLine: 'done', startError: null,
    logFile: `/h/logs/resume/${ID}.1.log`,
  })
  // A late hook of that run does not count as the user coming back.
  rt.send({ type: 'session.ended', at: now() + 10, reason: 'other', runAttempt: 1 })
  t.equal(rt.state, 'active')
  rt.stop()
})

t.test('times outside what Date can show never break the state file', async t => {
  const { rt, now } = runtime()
  rt.send({ type: 'limit.detected', at: T0, kind: 'five_hour', resetAt: 1e20, source: 'transcript', transient: false })
  t.doesNotThrow(() => JSON.stringify(rt.toStateFile(now())))
  rt.stop()
})
