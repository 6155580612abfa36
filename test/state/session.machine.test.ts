import t from 'tap'
import { SimulatedClock, createActor, type Snapshot } from 'xstate'
import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  jitterFraction,
  nominalBackoffMs,
  staggerRetryAt,
  type RetryPolicyConfig,
} from '../../state/retry-policy.js'
import { MAX_TIMER_MS, createSessionMachine } from '../../state/session.machine.js'
import { SESSION_STATES, initialSessionContext, type SessionContext, type SessionStateValue } from '../../state/session-context.js'
import { SESSION_EVENT_TYPES, type LimitDetectedEvent, type SessionEvent } from '../../state/session-events.js'

const MIN = 60_000
const HOUR = 60 * MIN
const T0 = Date.UTC(2026, 10, 25, 3, 0, 0)
const P = DEFAULT_RETRY_POLICY
const ID = '0a38c1dd-0000-4000-8000-000000000001'

type Distribute<E> = E extends SessionEvent ? Omit<E, 'at'> & { at?: number } : never
type EventSpec = Distribute<SessionEvent>

/** One actor on a simulated clock, with an error observer and a microstep trail. */
function harness(opts: { policy?: RetryPolicyConfig; snapshot?: Snapshot<unknown>; clock?: SimulatedClock } = {}) {
  const clock = opts.clock ?? new SimulatedClock()
  if (!opts.clock) clock.set(T0)
  const machine = createSessionMachine({ now: () => clock.now(), policy: opts.policy })
  const trail: string[] = []
  const errors: unknown[] = []
  const actor = createActor(machine, {
    clock,
    input: { sessionId: ID, cwd: '/home/u/app' },
    ...(opts.snapshot ? { snapshot: opts.snapshot as never } : {}),
    inspect: ev => {
      if (ev.type === '@xstate.microstep') {
        trail.push(String((ev.snapshot as unknown as { value: unknown }).value))
      }
    },
  })
  actor.subscribe({ error: e => errors.push(e) })
  actor.start()
  const send = (e: EventSpec) => actor.send({ at: clock.now(), ...e } as SessionEvent)
  return {
    clock,
    machine,
    actor,
    trail,
    errors,
    send,
    value: () => actor.getSnapshot().value as SessionStateValue,
    ctx: () => actor.getSnapshot().context,
  }
}
type H = ReturnType<typeof harness>

const limitEvent = (over: Partial<LimitDetectedEvent> = {}): EventSpec => ({
  type: 'limit.detected',
  kind: 'five_hour',
  resetAt: T0 + HOUR,
  source: 'transcript',
  transient: false,
  ...over,
})

/** Drive a fresh actor into each state (all with at = clock time). */
const reach: Record<SessionStateValue, (h: H) => void> = {
  active: () => {},
  limited: h => {
    // only a policy with maxAttempts 0 waits in limited
    h.send(limitEvent())
  },
  scheduled: h => h.send(limitEvent()),
  due: h => {
    h.send(limitEvent())
    h.clock.increment(HOUR + P.marginMs)
  },
  resuming: h => {
    reach.due(h)
    h.send({ type: 'resume.started', attempt: 1, mode: 'spawn' })
  },
  awaitingOwner: h => {
    reach.due(h)
    h.send({ type: 'resume.started', attempt: 1, mode: 'owner' })
  },
  needsUser: h => {
    reach.awaitingOwner(h)
    h.send({ type: 'owner.timeout' })
  },
  exhausted: h => {
    reach.scheduled(h)
    for (let n = 1; n <= P.maxAttempts; n++) {
      h.send({ type: 'resume.started', attempt: n, mode: 'spawn' })
      h.clock.increment(1000)
      h.send({ type: 'resume.exited', attempt: n, exitCode: 1, limited: false })
    }
  },
  cancelled: h => {
    reach.scheduled(h)
    h.send({ type: 'schedule.cancelled' })
  },
  ended: h => h.send({ type: 'session.ended', reason: 'prompt_input_exit' }),
}

function inState(state: SessionStateValue): H {
  const h = harness(state === 'limited' ? { policy: { ...P, maxAttempts: 0 } } : {})
  reach[state](h)
  if (h.value() !== state) throw new Error(`could not reach ${state}: ${h.value()}`)
  return h
}


t.test('starts active with documented context', async t => {
  const h = harness()
  t.equal(h.value(), 'active')
  t.strictSame(h.ctx(), { ...initialSessionContext({ sessionId: ID, cwd: '/home/u/app' }) })
  t.equal(h.ctx().maxAttempts, 5)
  t.equal(h.ctx().open, true)
  t.strictSame([...SESSION_STATES].sort(), [
    'active', 'awaitingOwner', 'cancelled', 'due', 'ended', 'exhausted', 'limited', 'needsUser', 'resuming', 'scheduled',
  ])
})

t.test('every state is reachable (the drivers used below work)', async t => {
  for (const s of SESSION_STATES) {
    const h = inState(s)
    t.equal(h.value(), s)
    t.strictSame(h.errors, [])
  }
})

t.test('active -> limit.detected -> limited -> scheduled (retryAt from the policy)', async t => {
  const cases: Array<{ name: string; ev: EventSpec; retryAt: number; source: string }> = [
    { name: 'known reset', ev: limitEvent(), retryAt: T0 + HOUR + P.marginMs, source: 'reset+margin' },
    { name: 'unknown reset, usage 40%', ev: limitEvent({ resetAt: null, usedPercentage: 40 }), retryAt: T0 + 5 * MIN, source: 'adaptive' },
    { name: 'unknown reset and usage', ev: limitEvent({ resetAt: null }), retryAt: T0 + 30 * MIN, source: 'adaptive' },
    { name: 'overloaded', ev: limitEvent({ kind: 'overloaded', resetAt: null, transient: true, source: 'hook' }), retryAt: T0 + 30_000, source: 'transient' },
  ]
  for (const c of cases) {
    const h = harness()
    h.send(c.ev)
    t.equal(h.value(), 'scheduled', c.name)
    t.strictSame(h.trail.slice(-2), ['limited', 'scheduled'], `${c.name}: limited is visible in microsteps`)
    t.equal(h.ctx().retryAt, c.retryAt, c.name)
    t.equal(h.ctx().retrySource, c.source, c.name)
    t.equal(h.ctx().attempts, 0)
    t.ok(h.ctx().reasons.length > 0, `${c.name}: explains itself`)
    t.equal(h.ctx().limit?.source, (c.ev as LimitDetectedEvent).source)
    t.equal(h.ctx().lastEventAt, T0)
  }
})

t.test('maxAttempts 0: stays limited (wait) and explains; rearm keeps it there', async t => {
  const h = harness({ policy: { ...P, maxAttempts: 0 } })
  h.send(limitEvent())
  t.equal(h.value(), 'limited')
  t.equal(h.ctx().retryAt, null)
  t.match(h.ctx().reasons, [/automatic resume is off/])
  h.send({ type: 'rearm' })
  h.clock.increment(10 * HOUR)
  t.equal(h.value(), 'limited')
  h.send({ type: 'resume.requested' })
  t.equal(h.value(), 'due')
  t.equal(h.ctx().retrySource, 'manual')
})

t.test('scheduled -> due exactly at retryAt, across many capped timers', async t => {
  const h = harness()
  h.send(limitEvent({ resetAt: T0 + 5 * HOUR }))
  const retryAt = T0 + 5 * HOUR + P.marginMs
  t.equal(h.ctx().retryAt, retryAt)
  // step one capped timer at a time: the machine re-enters scheduled each wake
  let wakes = 0
  while (h.clock.now() + MAX_TIMER_MS < retryAt) {
    h.clock.increment(MAX_TIMER_MS)
    wakes++
    if (h.value() !== 'scheduled') break
  }
  t.equal(h.value(), 'scheduled', `still scheduled after ${wakes} wakes`)
  t.ok(wakes > 300)
  h.clock.set(retryAt - 1)
  t.equal(h.value(), 'scheduled', '1 ms early: not due')
  h.clock.increment(1)
  t.equal(h.value(), 'due')
  t.match(h.ctx().reasons, [/retry time .* reached \(reset\+margin\)/])
  t.equal(h.ctx().retryAt, retryAt, 'retryAt kept in due')
})

t.test('a long sleep (one late timer) still lands on due once', async t => {
  const h = harness()
  h.send(limitEvent({ resetAt: T0 + 3 * HOUR }))
  h.clock.increment(2 * HOUR)
  t.equal(h.value(), 'scheduled')
  h.clock.increment(2 * HOUR)
  t.equal(h.value(), 'due')
})

t.test('due -> resume.started: spawn -> resuming, owner -> awaitingOwner', async t => {
  for (const [mode, state, outcome] of [['spawn', 'resuming', 'running'], ['owner', 'awaitingOwner', 'awaiting-owner']] as const) {
    const h = inState('due')
    h.send({ type: 'resume.started', attempt: 1, mode })
    t.equal(h.value(), state, mode)
    t.equal(h.ctx().attempts, 1)
    t.equal(h.ctx().retryAt, null, 'nothing pending while resuming')
    t.strictSame(h.ctx().lastResume, {
      attempt: 1, mode, startedAt: h.clock.now(), exitedAt: null, exitCode: null, turnCompleted: false, outcome, at: h.clock.now(), marked: false, permissionMode: null, details: null,
    })
  }
})

t.test('resume.started is accepted from scheduled (a replay never sees the timer)', async t => {
  const h = inState('scheduled')
  h.send({ type: 'resume.started', attempt: 1, mode: 'spawn' })
  t.equal(h.value(), 'resuming')
  const h2 = inState('resuming')
  h2.send({ type: 'resume.started', attempt: 1, mode: 'spawn' })
  t.equal(h2.value(), 'resuming')
  t.equal(h2.ctx().attempts, 1, 'a duplicate start does not count')
  t.match(h2.ctx().reasons.at(-1), /ignored resume.started/)
})

t.test('resume attempt numbers never go backwards', async t => {
  const h = inState('scheduled')
  h.send({ type: 'resume.started', attempt: 0, mode: 'spawn' })
  t.equal(h.ctx().attempts, 1, 'a bad attempt number still counts one')
  const h2 = inState('scheduled')
  h2.send({ type: 'resume.started', attempt: 3, mode: 'spawn' })
  t.equal(h2.ctx().attempts, 3, 'the journaled number wins when higher')
})

t.test('resuming: the run\'s own hooks, then success', async t => {
  const h = inState('resuming')
  const startedAt = h.clock.now()
  h.clock.increment(500)
  h.send({ type: 'session.started', source: 'resume', cwd: '/home/u/app', claudePid: 999 })
  h.send({ type: 'prompt.submitted' })
  t.equal(h.value(), 'resuming', 'the "continue" prompt is not success yet')
  t.equal(h.ctx().claudePid, null, 'our own child is not the owner')
  h.clock.increment(30_000)
  h.send({ type: 'turn.completed' })
  t.equal(h.value(), 'active')
  t.equal(h.ctx().attempts, 0, 'attempts reset on success')
  t.equal(h.ctx().limit, null)
  t.equal(h.ctx().retryAt, null)
  t.match(h.ctx().lastResume, { attempt: 1, outcome: 'completed', turnCompleted: true, startedAt, at: h.clock.now() })
  h.clock.increment(100)
  h.send({ type: 'resume.exited', attempt: 1, exitCode: 0, limited: false })
  t.equal(h.value(), 'active', 'exit 0 after a completed turn stays active')
  t.equal(h.ctx().lastResume?.exitCode, 0)
  t.equal(h.ctx().lastResume?.exitedAt, h.clock.now())
})

t.test('resuming: exit 0 before the run\'s hooks land -> active, late hooks keep it', async t => {
  const h = inState('resuming')
  h.clock.increment(10_000)
  const exitAt = h.clock.now()
  h.send({ type: 'resume.exited', attempt: 1, exitCode: 0, limited: false })
  t.equal(h.value(), 'active')
  t.equal(h.ctx().lastResume?.outcome, 'completed')
  h.clock.increment(200)
  h.send({ type: 'turn.completed', at: exitAt - 100 })
  h.send({ type: 'session.ended', reason: 'other', at: exitAt - 50 })
  t.equal(h.value(), 'active')
})

t.test('resuming: limited again -> limited -> scheduled with backoff, attempts kept', async t => {
  const cases: Array<{ name: string; ev: (h: H) => EventSpec; expected: (at: number) => number; source: string }> = [
    {
      name: 'hook says limited, reset already passed (limit lingers)',
      ev: () => limitEvent({ resetAt: T0 + HOUR }),
      expected: at => at + backoffDelayMs(1, P, jitterFraction(ID, 1)),
      source: 'backoff',
    },
    {
      name: 'hook says limited with a new, later reset',
      ev: h => limitEvent({ kind: 'weekly', resetAt: h.clock.now() + 2 * 24 * HOUR }),
      expected: at => at + 2 * 24 * HOUR + P.marginMs,
      source: 'reset+margin',
    },
    {
      name: 'resume.exited limited (the hook was lost)',
      ev: () => ({ type: 'resume.exited', attempt: 1, exitCode: 1, limited: true }),
      expected: at => at + backoffDelayMs(1, P, jitterFraction(ID, 1)),
      source: 'backoff',
    },
  ]
  for (const c of cases) {
    const h = inState('resuming')
    h.clock.increment(5000)
    const at = h.clock.now()
    h.send(c.ev(h))
    t.equal(h.value(), 'scheduled', c.name)
    t.strictSame(h.trail.slice(-2), ['limited', 'scheduled'], c.name)
    t.equal(h.ctx().attempts, 1, c.name)
    t.equal(h.ctx().retryAt, c.expected(at), c.name)
    t.equal(h.ctx().retrySource, c.source, c.name)
    t.equal(h.ctx().lastResume?.outcome, 'limited', c.name)
  }
})

t.test('resuming: failure (non-zero or no exit code) -> backoff; stale exits ignored', async t => {
  for (const exitCode of [1, 137, null]) {
    const h = inState('resuming')
    h.clock.increment(3000)
    h.send({ type: 'resume.exited', attempt: 7, exitCode, limited: false })
    t.equal(h.value(), 'resuming', `exit of another attempt ignored (${exitCode})`)
    h.send({ type: 'resume.exited', attempt: 1, exitCode, limited: false })
    t.equal(h.value(), 'scheduled', `exit ${exitCode}`)
    t.equal(h.ctx().retrySource, 'backoff')
    t.equal(h.ctx().retryAt, h.clock.now() + backoffDelayMs(1, P, jitterFraction(ID, 1)))
    t.equal(h.ctx().lastResume?.outcome, 'failed')
    t.equal(h.ctx().lastResume?.exitCode, exitCode)
    t.match(h.ctx().reasons[0], /exited .* before completing a turn/)
    t.equal(h.ctx().open, false, 'our run exited: nobody has it open')
  }
})

t.test('backoff sequence: attempts 1..max, jitter bounds, then exhausted', async t => {
  const h = inState('scheduled')
  const gaps: number[] = []
  for (let n = 1; n <= P.maxAttempts; n++) {
    h.clock.set(h.ctx().retryAt!)
    t.equal(h.value(), 'due', `attempt ${n} due`)
    h.send({ type: 'resume.started', attempt: n, mode: 'spawn' })
    h.clock.increment(20_000)
    h.send({ type: 'resume.exited', attempt: n, exitCode: 1, limited: false })
    if (n === P.maxAttempts) break
    t.equal(h.value(), 'scheduled', `after attempt ${n}`)
    const gap = h.ctx().retryAt! - h.clock.now()
    const nominal = nominalBackoffMs(n, P)
    t.ok(gap >= nominal * (1 - P.jitterRatio) && gap < nominal * (1 + P.jitterRatio),
      `attempt ${n}: ${gap} ms within ${nominal} +-${P.jitterRatio * 100}%`)
    t.equal(gap, backoffDelayMs(n, P, jitterFraction(ID, n)), `attempt ${n}: deterministic jitter`)
    gaps.push(gap)
  }
  t.equal(gaps.length, P.maxAttempts - 1)
  t.equal(h.value(), 'exhausted')
  t.equal(h.ctx().attempts, P.maxAttempts)
  t.equal(h.ctx().retryAt, null)
  t.match(h.ctx().reasons, [/exited/, /5 of 5 resume attempts used/])
  h.send({ type: 'rearm' })
  h.clock.increment(10 * HOUR)
  t.equal(h.value(), 'exhausted', 'exhausted never resumes by itself')
  t.equal(nominalBackoffMs(4, P) / nominalBackoffMs(1, P), 8, 'doubling')
})

t.test('late hooks of a failed run', async t => {
  await t.test('late turn.completed of the run is its success', async t => {
    const h = inState('resuming')
    const inRun = h.clock.now() + 1000
    h.clock.increment(2000)
    h.send({ type: 'resume.exited', attempt: 1, exitCode: 1, limited: false })
    t.equal(h.value(), 'scheduled')
    h.send({ type: 'prompt.submitted', at: inRun - 500 })
    t.equal(h.value(), 'scheduled', 'the run\'s own "continue" prompt is not the user')
    h.send({ type: 'session.started', source: 'resume', at: inRun - 600, claudePid: 4242 })
    t.equal(h.value(), 'scheduled', 'the run\'s own session start is not the user')
    t.equal(h.ctx().open, false)
    t.equal(h.ctx().claudePid, null)
    h.send({ type: 'turn.completed', at: inRun })
    t.equal(h.value(), 'active')
    t.equal(h.ctx().lastResume?.outcome, 'completed')
    t.equal(h.ctx().lastResume?.turnCompleted, true)
  })
  await t.test('late limit of the run may push the retry later', async t => {
    const h = inState('resuming')
    const inRun = h.clock.now() + 1000
    h.clock.increment(2000)
    h.send({ type: 'resume.exited', attempt: 1, exitCode: 1, limited: true })
    const backoffAt = h.ctx().retryAt!
    t.equal(h.ctx().retrySource, 'backoff')
    const weekly = inRun + 3 * 24 * HOUR
    h.send(limitEvent({ kind: 'weekly', resetAt: weekly, at: inRun }))
    t.equal(h.value(), 'scheduled')
    t.equal(h.ctx().retryAt, weekly + P.marginMs)
    t.equal(h.ctx().limit?.kind, 'weekly')
    t.ok(h.ctx().retryAt! > backoffAt)
    // the same late limit with a past reset does not move it earlier
    h.send(limitEvent({ resetAt: T0 + HOUR, at: inRun }))
    t.equal(h.ctx().retryAt, weekly + P.marginMs)
  })
  await t.test('a limit after the run exited obeys the never-later rule', async t => {
    const h = inState('resuming')
    h.clock.increment(2000)
    h.send({ type: 'resume.exited', attempt: 1, exitCode: 1, limited: true })
    const retryAt = h.ctx().retryAt!
    h.clock.increment(1000)
    h.send(limitEvent({ kind: 'weekly', resetAt: h.clock.now() + 3 * 24 * HOUR }))
    t.equal(h.ctx().retryAt, retryAt)
    t.match(h.ctx().reasons.at(-1), /^kept retry at/)
  })
})

t.test('awaitingOwner', async t => {
  const activity: EventSpec[] = [
    { type: 'prompt.submitted' },
    { type: 'turn.completed' },
    { type: 'session.started', source: 'resume' },
  ]
  for (const ev of activity) {
    const h = inState('awaitingOwner')
    h.clock.increment(1000)
    h.send(ev)
    t.equal(h.value(), 'active', `${ev.type}: the owner continued`)
    t.equal(h.ctx().lastResume?.outcome, 'owner-continued')
    t.equal(h.ctx().attempts, 0)
  }
  {
    const h = inState('awaitingOwner')
    h.send({ type: 'session.ended', reason: 'logout' })
    t.equal(h.value(), 'due', 'nobody owns it now')
    t.equal(h.ctx().open, false)
    t.equal(h.ctx().lastResume?.outcome, 'owner-ended')
    h.send({ type: 'resume.started', attempt: 2, mode: 'spawn' })
    t.equal(h.value(), 'resuming')
    t.equal(h.ctx().attempts, 2)
  }
  {
    const h = inState('awaitingOwner')
    h.send({ type: 'owner.timeout' })
    t.equal(h.value(), 'needsUser')
    t.match(h.ctx().needsUserReason, /open in a live Claude Code process/)
    t.equal(h.ctx().lastResume?.outcome, 'owner-timeout')
  }
  {
    const h = inState('awaitingOwner')
    h.clock.increment(1000)
    h.send(limitEvent({ resetAt: null }))
    t.equal(h.value(), 'scheduled', 'the owner hit a limit again')
    t.equal(h.ctx().retrySource, 'backoff')
    t.equal(h.ctx().attempts, 1)
  }
  {
    const h = inState('awaitingOwner')
    h.send({ type: 'resume.started', attempt: 2, mode: 'spawn' })
    t.equal(h.value(), 'resuming', 'the supervisor decided to spawn after all')
    const h2 = inState('awaitingOwner')
    h2.send({ type: 'resume.started', attempt: 2, mode: 'owner' })
    t.equal(h2.value(), 'awaitingOwner')
    t.equal(h2.ctx().attempts, 1)
  }
})

t.test('session.ended', async t => {
  {
    const h = harness()
    h.send({ type: 'session.started', source: 'startup', claudePid: 77 })
    t.equal(h.ctx().claudePid, 77)
    h.send({ type: 'session.ended', reason: 'prompt_input_exit' })
    t.equal(h.value(), 'ended')
    t.equal(h.ctx().open, false)
    t.equal(h.ctx().claudePid, null)
    h.send({ type: 'session.started', source: 'resume', claudePid: 78 })
    t.equal(h.value(), 'active')
    t.equal(h.ctx().open, true)
    t.equal(h.ctx().claudePid, 78)
  }
  for (const s of ['scheduled', 'limited', 'due', 'exhausted', 'cancelled'] as const) {
    const h = inState(s)
    const retryAt = h.ctx().retryAt
    h.send({ type: 'session.ended', reason: 'other' })
    t.equal(h.value(), s, `${s}: a closed session is what we resume`)
    t.equal(h.ctx().open, false)
    t.equal(h.ctx().retryAt, retryAt)
  }
  {
    const h = inState('needsUser')
    h.send({ type: 'session.ended', reason: 'other' })
    t.equal(h.value(), 'due', 'needsUser: the owner closed it, nobody owns it now')
    t.equal(h.ctx().needsUserReason, null)
  }
  {
    const h = inState('ended')
    h.send(limitEvent())
    t.equal(h.value(), 'scheduled', 'a limit that lands after SessionEnd is still resumed')
    t.equal(h.ctx().open, false)
    const h2 = inState('ended')
    h2.send({ type: 'prompt.submitted' })
    t.equal(h2.value(), 'active')
    const h3 = inState('ended')
    h3.send({ type: 'turn.completed' })
    t.equal(h3.value(), 'ended', 'a late Stop does not reopen it')
  }
})

t.test('the user comes back by themselves: active, schedule dropped', async t => {
  const states = ['scheduled', 'limited', 'due', 'needsUser', 'exhausted', 'cancelled'] as const
  const activity: EventSpec[] = [
    { type: 'prompt.submitted' },
    { type: 'turn.completed' },
    { type: 'session.started', source: 'resume' },
  ]
  for (const s of states) {
    for (const ev of activity) {
      const h = inState(s)
      h.clock.increment(1000)
      h.send(ev)
      t.equal(h.value(), 'active', `${s} + ${ev.type}`)
      t.equal(h.ctx().retryAt, null)
      t.equal(h.ctx().limit, null)
      t.equal(h.ctx().attempts, 0)
      t.equal(h.ctx().lastActivityAt, h.clock.now())
      t.match(h.ctx().reasons, [/came back by itself/])
      h.clock.increment(10 * HOUR)
      t.equal(h.value(), 'active', 'no stale timer fires')
    }
  }
})

t.test('schedule.cancelled', async t => {
  for (const s of ['scheduled', 'limited', 'due', 'awaitingOwner', 'needsUser'] as const) {
    const h = inState(s)
    h.send({ type: 'schedule.cancelled' })
    t.equal(h.value(), 'cancelled', s)
    t.equal(h.ctx().retryAt, null)
    t.match(h.ctx().reasons, ['schedule cancelled manually'])
    h.clock.increment(10 * HOUR)
    t.equal(h.value(), 'cancelled', `${s}: nothing fires after cancel`)
  }
  for (const s of ['active', 'resuming', 'ended', 'exhausted'] as const) {
    const h = inState(s)
    h.send({ type: 'schedule.cancelled' })
    t.equal(h.value(), s, `${s}: nothing to cancel`)
  }
})

t.test('resume.requested: due now', async t => {
  for (const s of ['scheduled', 'limited', 'exhausted', 'needsUser', 'cancelled'] as const) {
    const h = inState(s)
    h.clock.increment(1234)
    h.send({ type: 'resume.requested' })
    t.equal(h.value(), 'due', s)
    t.equal(h.ctx().retryAt, h.clock.now())
    t.equal(h.ctx().retrySource, 'manual')
  }
  for (const s of ['active', 'resuming', 'awaitingOwner', 'ended'] as const) {
    const h = inState(s)
    h.send({ type: 'resume.requested' })
    t.equal(h.value(), s, `${s}: ignored`)
  }
})

t.test('never-later: a new limit while scheduled', async t => {
  const base = T0 + HOUR + P.marginMs
  const cases: Array<{ name: string; ev: EventSpec; retryAt: number; kept: boolean }> = [
    { name: 'earlier valid reset moves it earlier', ev: limitEvent({ resetAt: T0 + 20 * MIN, source: 'banner' }), retryAt: T0 + 20 * MIN + P.marginMs, kept: false },
    { name: 'same reset keeps it', ev: limitEvent(), retryAt: base, kept: true },
    { name: 'later reset never pushes it later', ev: limitEvent({ kind: 'weekly', resetAt: T0 + 48 * HOUR }), retryAt: base, kept: true },
    { name: 'stale reset keeps it', ev: limitEvent({ resetAt: T0 - 5 * HOUR }), retryAt: base, kept: true },
    { name: 'unknown reset (adaptive 5 min) keeps it', ev: limitEvent({ resetAt: null, usedPercentage: 10 }), retryAt: base, kept: true },
    { name: 'transient keeps it', ev: limitEvent({ kind: 'overloaded', resetAt: null, transient: true }), retryAt: base, kept: true },
  ]
  for (const c of cases) {
    const h = inState('scheduled')
    h.clock.increment(60_000)
    h.send(c.ev)
    t.equal(h.value(), 'scheduled', c.name)
    t.equal(h.ctx().retryAt, c.retryAt, c.name)
    if (c.kept) {
      t.match(h.ctx().reasons.at(-1), /^kept retry at .* would not move it earlier/, c.name)
      t.equal(h.ctx().limit?.resetAt, T0 + HOUR, `${c.name}: the limit in force is unchanged`)
    } else {
      t.match(h.ctx().reasons.at(-1), /moved earlier from/, c.name)
      t.equal(h.ctx().limit?.source, 'banner')
    }
  }
  // the earlier time is really armed (the timer was re-entered)
  const h = inState('scheduled')
  h.send(limitEvent({ resetAt: T0 + 10 * MIN }))
  h.clock.set(T0 + 10 * MIN + P.marginMs)
  t.equal(h.value(), 'due', 'fires at the earlier time')
  // in due, a new limit changes nothing
  h.send(limitEvent({ resetAt: T0 + 48 * HOUR }))
  t.equal(h.value(), 'due')
  t.match(h.ctx().reasons.at(-1), /^kept retry at/)
})

t.test('stagger: schedule.staggered moves the retry, never before the policy time', async t => {
  const base = T0 + HOUR + P.marginMs
  const h = inState('scheduled')
  const other = base + 5000 // another session sharing the quota
  const slot = staggerRetryAt(base, [other], P.staggerMs)
  t.equal(slot, other + P.staggerMs)
  h.send({ type: 'schedule.staggered', notBefore: slot })
  t.equal(h.ctx().retryAt, slot)
  t.equal(h.ctx().retrySource, 'stagger')
  t.strictSame(h.ctx().staggeredFrom, { retryAt: base, source: 'reset+margin' })
  t.match(h.ctx().reasons.at(-1), /^staggered from/)

  // a duplicate of the same limit does not undo the stagger
  h.send(limitEvent())
  t.equal(h.ctx().retryAt, slot)

  // re-staggering to an earlier slot cannot go below the policy's time
  h.send({ type: 'schedule.staggered', notBefore: base - 10 * MIN })
  t.equal(h.ctx().retryAt, base)
  t.equal(h.ctx().retrySource, 'reset+margin', 'source restored')
  t.equal(h.ctx().staggeredFrom, null)
  t.match(h.ctx().reasons.at(-1), /^staggering removed/)
  t.equal(h.ctx().reasons.filter(r => r.startsWith('stagger')).length, 1, 'stagger lines do not pile up')

  h.send({ type: 'schedule.staggered', notBefore: slot })
  h.send({ type: 'schedule.staggered', notBefore: Number.NaN })
  t.equal(h.ctx().retryAt, slot, 'a bad notBefore is ignored')
  h.clock.set(slot - 1)
  t.equal(h.value(), 'scheduled', 'not before the staggered slot')
  h.clock.increment(1)
  t.equal(h.value(), 'due', 'due at the staggered slot')

  // an earlier reset clears the stagger (the supervisor re-staggers)
  const h2 = inState('scheduled')
  h2.send({ type: 'schedule.staggered', notBefore: slot })
  h2.send(limitEvent({ resetAt: T0 + 30 * MIN }))
  t.equal(h2.ctx().retryAt, T0 + 30 * MIN + P.marginMs)
  t.equal(h2.ctx().staggeredFrom, null)

  // outside scheduled it is only noted
  for (const s of ['active', 'due', 'resuming'] as const) {
    const h3 = inState(s)
    const before = h3.ctx().retryAt
    h3.send({ type: 'schedule.staggered', notBefore: T0 + 9 * HOUR })
    t.equal(h3.value(), s)
    t.equal(h3.ctx().retryAt, before, `${s}: unchanged`)
  }
})

t.test('turn.failed is recorded and changes no state', async t => {
  for (const s of ['active', 'scheduled', 'resuming'] as const) {
    const h = inState(s)
    h.send({ type: 'turn.failed', error: 'authentication_failed' })
    t.equal(h.value(), s)
    t.strictSame(h.ctx().lastError, { at: h.clock.now(), error: 'authentication_failed' })
  }
})

t.test('restore from a persisted snapshot whose retry time has passed', async t => {
  const h = inState('scheduled')
  const retryAt = h.ctx().retryAt!
  const json = JSON.stringify(h.actor.getPersistedSnapshot())
  h.actor.stop()

  // the process was down past the retry time
  const clock = new SimulatedClock()
  clock.set(retryAt + 2 * HOUR)
  const r = harness({ clock, snapshot: JSON.parse(json) })
  t.equal(r.value(), 'scheduled')
  clock.increment(10 * HOUR)
  t.equal(r.value(), 'scheduled', 'without rearm nothing fires: timers are not persisted')
  r.send({ type: 'rearm' })
  t.equal(r.value(), 'due', 'rearm: due at once')
  t.strictSame(r.errors, [])
})

t.test('restore before the retry time: rearm re-arms the capped timer', async t => {
  const h = inState('scheduled')
  const retryAt = h.ctx().retryAt!
  const json = JSON.stringify(h.actor.getPersistedSnapshot())
  h.actor.stop()
  const clock = new SimulatedClock()
  clock.set(retryAt - 10 * MIN)
  const r = harness({ clock, snapshot: JSON.parse(json) })
  r.send({ type: 'rearm' })
  r.send({ type: 'rearm' })
  t.equal(r.value(), 'scheduled')
  clock.increment(10 * MIN - 1)
  t.equal(r.value(), 'scheduled')
  clock.increment(1)
  t.equal(r.value(), 'due')
  let dueCount = r.trail.filter(v => v === 'due').length
  t.equal(dueCount, 1, 'two rearms still give one firing')
  clock.increment(HOUR)
  dueCount = r.trail.filter(v => v === 'due').length
  t.equal(dueCount, 1)
})

t.test('restore into each state: JSON round trip, rearm, and it keeps working', async t => {
  const next: Record<SessionStateValue, { ev: EventSpec; to: SessionStateValue }> = {
    active: { ev: limitEvent({ resetAt: T0 + 20 * HOUR }), to: 'scheduled' },
    limited: { ev: { type: 'resume.requested' }, to: 'due' },
    scheduled: { ev: { type: 'schedule.cancelled' }, to: 'cancelled' },
    due: { ev: { type: 'resume.started', attempt: 1, mode: 'spawn' }, to: 'resuming' },
    resuming: { ev: { type: 'turn.completed' }, to: 'active' },
    awaitingOwner: { ev: { type: 'owner.timeout' }, to: 'needsUser' },
    needsUser: { ev: { type: 'resume.requested' }, to: 'due' },
    exhausted: { ev: { type: 'prompt.submitted' }, to: 'active' },
    cancelled: { ev: { type: 'resume.requested' }, to: 'due' },
    ended: { ev: { type: 'session.started', source: 'resume' }, to: 'active' },
  }
  for (const s of SESSION_STATES) {
    const h = inState(s)
    const persisted = h.actor.getPersistedSnapshot()
    const json = JSON.stringify(persisted)
    t.strictSame(JSON.parse(json), JSON.parse(JSON.stringify(JSON.parse(json))), `${s}: stable JSON`)
    const context = JSON.parse(json).context as SessionContext
    t.strictSame(context, h.ctx(), `${s}: context survives JSON exactly`)
    h.actor.stop()

    const clock = new SimulatedClock()
    clock.set(h.clock.now() + 1000)
    const r = harness({
      clock,
      snapshot: JSON.parse(json),
      policy: s === 'limited' ? { ...P, maxAttempts: 0 } : undefined,
    })
    t.equal(r.value(), s, `${s}: restored`)
    t.equal(JSON.stringify(r.actor.getPersistedSnapshot()), json, `${s}: same snapshot after restore`)
    r.send({ type: 'rearm' })
    t.equal(r.value(), s, `${s}: rearm keeps it (nothing overdue)`)
    r.send(next[s].ev)
    t.equal(r.value(), next[s].to, `${s} -> ${next[s].ev.type} -> ${next[s].to}`)
    t.strictSame(r.errors, [], `${s}: no actor error`)
  }
})

t.test('replay: the same journal at a later time gives the same context', async t => {
  const journal: SessionEvent[] = [
    { type: 'session.started', at: T0, source: 'startup', cwd: '/a', claudePid: 1 },
    { type: 'prompt.submitted', at: T0 + 1000 },
    { type: 'limit.detected', at: T0 + 2000, kind: 'five_hour', resetAt: T0 + HOUR, source: 'transcript', transient: false },
    { type: 'session.ended', at: T0 + 3000, reason: 'prompt_input_exit' },
    { type: 'resume.started', at: T0 + HOUR + P.marginMs, attempt: 1, mode: 'spawn' },
    { type: 'session.started', at: T0 + HOUR + P.marginMs + 500, source: 'resume', claudePid: 2 },
    { type: 'prompt.submitted', at: T0 + HOUR + P.marginMs + 600 },
    { type: 'resume.exited', at: T0 + HOUR + P.marginMs + 9000, attempt: 1, exitCode: 1, limited: true },
    { type: 'limit.detected', at: T0 + HOUR + P.marginMs + 8000, kind: 'five_hour', resetAt: T0 + HOUR, source: 'hook', transient: false },
  ]
  const run = (startAt: number, live: boolean) => {
    const clock = new SimulatedClock()
    clock.set(startAt)
    const h = harness({ clock })
    for (const e of journal) {
      if (live && e.at > clock.now()) clock.set(e.at)
      h.actor.send(e)
    }
    return h
  }
  const live = run(T0, true)
  const replay = run(T0 + 5 * HOUR, false)
  t.equal(live.value(), 'scheduled')
  t.equal(replay.value(), 'scheduled')
  t.strictSame(replay.ctx(), live.ctx())
  t.equal(live.ctx().retrySource, 'backoff')
  t.equal(live.ctx().attempts, 1)
  t.equal(live.ctx().open, false, 'the run\'s own hooks did not mark it open')
  t.equal(live.ctx().claudePid, null)
  replay.send({ type: 'rearm' })
  t.equal(replay.value(), 'due', 'the replayed schedule is overdue')
})

t.test('no actor ever errors on odd input', async t => {
  const h = harness()
  const odd: EventSpec[] = [
    limitEvent({ resetAt: 1e300 }),
    limitEvent({ resetAt: Number.NaN, usedPercentage: Number.NaN }),
    { type: 'resume.exited', attempt: 99, exitCode: null, limited: false },
    { type: 'schedule.staggered', notBefore: Number.POSITIVE_INFINITY },
    { type: 'owner.timeout' },
    { type: 'resume.started', attempt: Number.NaN, mode: 'spawn' },
    { type: 'resume.exited', attempt: 1, exitCode: null, limited: false },
  ]
  for (const e of odd) {
    h.send(e)
    t.strictSame(JSON.parse(JSON.stringify(h.ctx())), h.ctx(), `after ${e.type}: context is exact JSON`)
  }
  h.clock.increment(3 * HOUR)
  t.strictSame(h.errors, [])
  t.equal(h.actor.getSnapshot().status, 'active')
  t.ok(SESSION_STATES.includes(h.value()))
})

t.test('limits noted in states that do not act on them', async t => {
  for (const s of ['cancelled', 'needsUser', 'exhausted', 'due'] as const) {
    const h = inState(s)
    const before = h.ctx()
    h.clock.increment(1000)
    h.send(limitEvent({ resetAt: T0 + 30 * MIN }))
    t.equal(h.value(), s, `${s}: unchanged`)
    t.equal(h.ctx().retryAt, before.retryAt)
    t.strictSame(h.ctx().limit, before.limit)
    t.match(h.ctx().reasons.at(-1), s === 'due' ? /^kept retry at/ : /^kept state: five_hour limit from transcript/)
    t.equal(h.ctx().lastEventAt, h.clock.now())
  }
})

t.test('owner timeout names the owner pid; closing it makes it due', async t => {
  const h = harness()
  h.send({ type: 'session.started', source: 'startup', claudePid: 555 })
  h.send(limitEvent())
  h.clock.set(h.ctx().retryAt!)
  t.equal(h.value(), 'due')
  h.send({ type: 'resume.started', attempt: 1, mode: 'owner' })
  t.equal(h.ctx().claudePid, 555, 'owner mode keeps the owner pid')
  t.equal(h.ctx().open, true)
  h.clock.increment(5 * MIN)
  h.send({ type: 'owner.timeout' })
  t.equal(h.value(), 'needsUser')
  t.match(h.ctx().needsUserReason, /\(pid 555\)/)
  h.send({ type: 'session.ended', reason: 'prompt_input_exit' })
  t.equal(h.value(), 'due')
  t.equal(h.ctx().open, false)
  t.equal(h.ctx().needsUserReason, null)
  t.match(h.ctx().reasons, [/nobody owns it now/])
})

t.test('restore from a minimal state (machine.resolveState) and odd contexts', async t => {
  const clock = new SimulatedClock()
  clock.set(T0)
  const machine = createSessionMachine({ now: () => clock.now() })
  const base = initialSessionContext({ sessionId: ID })
  {
    const snapshot = machine.resolveState({
      value: 'scheduled',
      context: { ...base, retryAt: T0 + 5 * MIN, retrySource: 'adaptive' },
    })
    const json = JSON.parse(JSON.stringify(snapshot)) as Snapshot<unknown>
    const r = harness({ clock, snapshot: json })
    r.send({ type: 'rearm' })
    clock.increment(5 * MIN)
    t.equal(r.value(), 'due')
  }
  {
    // a scheduled state without a time never fires and never errors
    const snapshot = machine.resolveState({ value: 'scheduled', context: base })
    const r = harness({ clock, snapshot: snapshot as Snapshot<unknown> })
    r.send({ type: 'rearm' })
    clock.increment(3 * HOUR)
    t.equal(r.value(), 'scheduled')
    t.strictSame(r.errors, [])
  }
  {
    // limited with no event time decides from now()
    const limit = { kind: 'five_hour' as const, resetAt: null, source: 'http', transient: false, usedPercentage: 96, at: T0 }
    const snapshot = machine.resolveState({ value: 'limited', context: { ...base, limit } })
    const r = harness({ clock, snapshot: snapshot as Snapshot<unknown> })
    r.send({ type: 'rearm' })
    t.equal(r.value(), 'scheduled')
    t.equal(r.ctx().retryAt, clock.now() + 60 * MIN)
  }
})

t.test('the machine\'s states are exactly the public list', async t => {
  const machine = createSessionMachine({ now: () => T0 })
  t.strictSame(Object.keys(machine.root.states).sort(), [...SESSION_STATES].sort())
})

t.test('every event in every state: no action meets an event it was not written for (assertEvent throws), a known state, JSON-safe context', async t => {
  const sample: Record<SessionEvent['type'], EventSpec> = {
    'session.started': { type: 'session.started', source: 'startup', cwd: '/x', claudePid: 5 },
    'prompt.submitted': { type: 'prompt.submitted' },
    'turn.completed': { type: 'turn.completed' },
    'limit.detected': limitEvent({ resetAt: T0 + 2 * HOUR }),
    'turn.failed': { type: 'turn.failed', error: 'billing_error' },
    'session.ended': { type: 'session.ended', reason: 'other' },
    'resume.started': { type: 'resume.started', attempt: 1, mode: 'spawn' },
    'resume.exited': { type: 'resume.exited', attempt: 1, exitCode: 1, limited: false },
    'resume.refused': { type: 'resume.refused', reason: 'plan mode' },
    'resume.requested': { type: 'resume.requested' },
    'schedule.cancelled': { type: 'schedule.cancelled' },
    'schedule.staggered': { type: 'schedule.staggered', notBefore: T0 + 3 * HOUR },
    'owner.timeout': { type: 'owner.timeout' },
    'owner.autoResume': { type: 'owner.autoResume', result: 'disabled', message: 'resets more than 24 hours out' },
    'tmux.continued': { type: 'tmux.continued', attempt: 1, sent: false, detail: 'someone is typing' },
    rearm: { type: 'rearm' },
  }
  t.strictSame(Object.keys(sample).sort(), [...SESSION_EVENT_TYPES].sort())
  for (const s of SESSION_STATES) {
    for (const type of SESSION_EVENT_TYPES) {
      const h = inState(s)
      h.clock.increment(1000)
      h.send(sample[type])
      h.clock.increment(HOUR)
      const ok =
        h.errors.length === 0 &&
        h.actor.getSnapshot().status === 'active' &&
        SESSION_STATES.includes(h.value())
      t.ok(ok, `${s} + ${type} -> ${h.value()}`)
      t.strictSame(JSON.parse(JSON.stringify(h.ctx())), h.ctx(), `${s} + ${type}: context is exact JSON`)
    }
  }
})

t.test('Claude Code\'s auto-continue fired: the owner continued, left at once', async t => {
  {
    const h = inState('awaitingOwner')
    h.clock.increment(1000)
    h.send({ type: 'owner.autoResume', result: 'fired' })
    t.equal(h.value(), 'active', 'no grace wait')
    t.equal(h.ctx().lastResume?.outcome, 'owner-continued')
    t.match(h.ctx().reasons.join('\n'), /auto-continue fired/)
    t.equal(h.ctx().lastActivityAt, h.clock.now())
    t.equal(h.ctx().attempts, 0, 'the episode is over')
  }
  for (const s of ['scheduled', 'due', 'needsUser', 'exhausted', 'cancelled'] as const) {
    const h = inState(s)
    h.clock.increment(1000)
    h.send({ type: 'owner.autoResume', result: 'fired', claudePid: 321 })
    t.equal(h.value(), 'active', `${s}: the owner went on by itself`)
    t.equal(h.ctx().retryAt, null, `${s}: schedule dropped`)
    t.equal(h.ctx().claudePid, 321)
    t.equal(h.ctx().open, true)
    t.match(h.ctx().reasons.join('\n'), /continued by itself/)
  }
  {
    const h = inState('limited')
    h.send({ type: 'owner.autoResume', result: 'fired' })
    t.equal(h.value(), 'active', 'limited (automatic resume off): the owner went on')
  }
  {
    const h = inState('active')
    h.send({ type: 'owner.autoResume', result: 'fired' })
    t.equal(h.value(), 'active')
    t.match(h.ctx().reasons.at(-1), /^Claude Code's auto-continue: it continued/)
  }
})

t.test('Claude Code\'s auto-continue gave up: needsUser at once, with its reason', async t => {
  for (const result of ['stale', 'disabled'] as const) {
    const h = inState('awaitingOwner')
    h.clock.increment(1000)
    h.send({ type: 'owner.autoResume', result, message: 'the usage limit now resets more than 24 hours out' })
    t.equal(h.value(), 'needsUser', `${result}: no grace wait`)
    t.equal(h.ctx().lastResume?.outcome, 'owner-gave-up')
    t.match(h.ctx().needsUserReason, new RegExp(`quota_auto_resume_${result}: the usage limit now resets more than 24 hours out`))
    t.match(h.ctx().needsUserReason, /Continue it in its terminal/)
  }
  {
    const h = inState('scheduled')
    const retryAt = h.ctx().retryAt!
    h.send({ type: 'session.started', source: 'startup', claudePid: 41 })
    reach.scheduled(h)
    h.send({ type: 'owner.autoResume', result: 'disabled' })
    t.equal(h.value(), 'needsUser', 'before the reset: the user hears now, not at the reset')
    t.equal(h.ctx().retryAt, retryAt, 'the retry time is kept')
    t.match(h.ctx().needsUserReason, /\(pid 41\)/)
    t.match(h.ctx().needsUserReason, new RegExp(`resumes it at ${new Date(retryAt).toISOString()}`))
    h.send({ type: 'owner.autoResume', result: 'stale' })
    t.match(h.ctx().needsUserReason, /quota_auto_resume_stale/, 'the latest word counts')
    h.clock.increment(MIN)
    h.send({ type: 'session.ended', reason: 'prompt_input_exit' })
    t.equal(h.value(), 'scheduled', 'closed before the reset: resumed at the reset, not now')
    t.equal(h.ctx().retryAt, retryAt)
    t.equal(h.ctx().needsUserReason, null)
    h.clock.set(retryAt)
    h.send({ type: 'rearm' })
    t.equal(h.value(), 'due')
  }
  for (const s of ['limited', 'due'] as const) {
    const h = inState(s)
    h.send({ type: 'owner.autoResume', result: 'stale' })
    t.equal(h.value(), 'needsUser', `${s}: stale goes to the user`)
  }
  for (const s of ['exhausted', 'cancelled', 'active', 'ended'] as const) {
    const h = inState(s)
    h.send({ type: 'owner.autoResume', result: 'disabled' })
    t.equal(h.value(), s, `${s}: recorded only`)
    t.match(h.ctx().reasons.at(-1), /quota_auto_resume_disabled/)
  }
})

t.test('an auto-continue notification from our own run is not the owner', async t => {
  const h = inState('scheduled')
  h.send({ type: 'owner.autoResume', result: 'fired', runAttempt: 1 })
  t.equal(h.value(), 'scheduled')
  h.send({ type: 'owner.autoResume', result: 'disabled', runAttempt: 1 })
  t.equal(h.value(), 'scheduled')
  const a = inState('awaitingOwner')
  a.send({ type: 'owner.autoResume', result: 'disabled', runAttempt: 1 })
  t.equal(a.value(), 'awaitingOwner')
})

t.test('a weekly reset days away: scheduled and said so, or handed to the user under notify', async t => {
  const weekly = limitEvent({ kind: 'weekly', resetAt: T0 + 76 * HOUR })
  {
    const h = harness()
    h.send(weekly)
    t.equal(h.value(), 'scheduled', 'resume (the default): scheduled at the reset')
    t.equal(h.ctx().retryAt, T0 + 76 * HOUR + P.marginMs)
    t.match(h.ctx().reasons.join('\n'), /a long wait: 76h is beyond the 24h horizon, resumed then all the same/)
  }
  {
    const h = harness({ policy: { ...P, longWait: 'notify' } })
    h.send({ type: 'session.started', source: 'startup' })
    h.send(weekly)
    t.equal(h.value(), 'needsUser', 'notify: the user decides')
    t.equal(h.ctx().retryAt, null)
    t.match(h.ctx().needsUserReason, new RegExp(`weekly limit resets at ${new Date(T0 + 76 * HOUR).toISOString()}, beyond the long-wait horizon`))
    t.match(h.ctx().needsUserReason, new RegExp(`session-retry resume ${ID}`))
    h.clock.increment(HOUR)
    h.send({ type: 'session.ended', reason: 'prompt_input_exit' })
    t.equal(h.value(), 'needsUser', 'closing it before the reset starts nothing')
    h.clock.set(T0 + 80 * HOUR)
    h.send({ type: 'resume.requested' })
    t.equal(h.value(), 'due', 'the user asks: due')
  }
  {
    const h = harness({ policy: { ...P, longWait: 'notify' } })
    h.send(limitEvent())
    t.equal(h.value(), 'scheduled', 'notify leaves a 5-hour reset alone')
  }
})

t.test('the owner\'s tmux pane comes from its hooks, never from our own runs, and goes with SessionEnd', async t => {
  const h = harness()
  h.send({ type: 'session.started', source: 'startup', claudePid: 7, tmuxPane: '%3' })
  t.equal(h.ctx().tmuxPane, '%3')
  h.send({ type: 'prompt.submitted', tmuxPane: '%4' })
  t.equal(h.ctx().tmuxPane, '%4', 'the latest hook says where it runs now')
  h.send({ type: 'prompt.submitted', tmuxPane: '%9', runAttempt: 1 })
  t.equal(h.ctx().tmuxPane, '%4', 'our own run is not the owner')
  h.send({ type: 'session.ended', reason: 'prompt_input_exit' })
  t.equal(h.ctx().tmuxPane, null)
})

t.test('Claude Code will not continue the open session: ownerStopped says why, a new attempt clears it', async t => {
  const table = [
    { from: 'scheduled', send: { type: 'owner.autoResume', result: 'stale' }, why: 'stale' },
    { from: 'due', send: { type: 'owner.autoResume', result: 'disabled' }, why: 'disabled' },
    { from: 'awaitingOwner', send: { type: 'owner.autoResume', result: 'disabled' }, why: 'disabled' },
    { from: 'awaitingOwner', send: { type: 'owner.timeout' }, why: 'timeout' },
  ] as const
  for (const row of table) {
    const h = inState(row.from)
    h.send(row.send as EventSpec)
    t.equal(h.value(), 'needsUser', `${row.from} + ${row.send.type}`)
    t.equal(h.ctx().ownerStopped?.why, row.why)
    h.send({ type: 'resume.started', attempt: h.ctx().attempts + 1, mode: 'tmux' })
    t.equal(h.value(), 'awaitingOwner')
    t.equal(h.ctx().ownerStopped, null, 'one try per attempt')
    t.equal(h.ctx().lastResume?.mode, 'tmux')
    t.match(h.ctx().reasons.join('\n'), /tmux pane/)
  }
})

/** needsUser because the owner's auto-continue gave up, then a tmux attempt started. */
function tmuxAttempt(): H {
  const h = inState('scheduled')
  h.send({ type: 'session.started', source: 'startup', claudePid: 7, tmuxPane: '%3' })
  h.send(limitEvent())
  h.clock.increment(HOUR + P.marginMs)
  h.send({ type: 'owner.autoResume', result: 'stale' })
  h.send({ type: 'resume.started', attempt: 1, mode: 'tmux' })
  return h
}

t.test('tmux attempt: sent waits for the owner\'s own hooks; not sent asks the user with the reason', async t => {
  {
    const h = tmuxAttempt()
    h.send({ type: 'tmux.continued', attempt: 1, sent: true, detail: 'pressed Enter in tmux pane %3' })
    t.equal(h.value(), 'awaitingOwner')
    t.equal(h.ctx().lastResume?.outcome, 'tmux-sent')
    h.send({ type: 'prompt.submitted' })
    t.equal(h.value(), 'active', 'the owner took it')
    t.equal(h.ctx().lastResume?.outcome, 'owner-continued')
  }
  {
    const h = tmuxAttempt()
    h.send({ type: 'tmux.continued', attempt: 1, sent: false, detail: 'someone is typing in tmux pane %3 (its input line is not empty)' })
    t.equal(h.value(), 'needsUser')
    t.equal(h.ctx().lastResume?.outcome, 'tmux-not-sent')
    t.match(h.ctx().needsUserReason, /someone is typing in tmux pane %3/)
    t.equal(h.ctx().ownerStopped, null, 'no second try')
  }
  {
    const h = tmuxAttempt()
    h.send({ type: 'tmux.continued', attempt: 1, sent: true, detail: 'typed' })
    h.send({ type: 'owner.timeout' })
    t.equal(h.value(), 'needsUser', 'sent, but the owner never went on')
    t.equal(h.ctx().ownerStopped, null, 'the grace period after a tmux try gives no second try')
  }
  {
    const h = tmuxAttempt()
    h.send({ type: 'tmux.continued', attempt: 2, sent: false, detail: 'stale attempt' })
    t.equal(h.value(), 'awaitingOwner', 'another attempt\'s outcome changes nothing')
    t.equal(h.ctx().lastResume?.outcome, 'awaiting-owner')
  }
})

t.test('needsUser after a blocked run: the run\'s own late SessionEnd starts no second resume; the owner\'s does', async t => {
  for (const [what, runAttempt, expected] of [['our run', 1, 'needsUser'], ['the user', undefined, 'due']] as const) {
    const h = inState('needsUser')
    h.clock.increment(1000)
    h.send({ type: 'session.ended', reason: 'other', ...(runAttempt ? { runAttempt } : {}) })
    t.equal(h.value(), expected, `SessionEnd of ${what}`)
  }
})
