// A session first heard of through a reported limit (POST /notify-limit) learns its folder from it;
// a session that already has one keeps it.
import t from 'tap'
import { createActor, SimulatedClock } from 'xstate'
import { createSessionMachine } from '../../state/session.machine.js'

function actor(input: { sessionId: string; cwd?: string }) {
  const clock = new SimulatedClock()
  const a = createActor(createSessionMachine({ now: () => clock.now() }), { input, clock })
  a.start()
  return a
}

t.test('cwd and transcript come from the limit when the session had none', async t => {
  const a = actor({ sessionId: 's1' })
  a.send({ type: 'limit.detected', at: 0, kind: 'five_hour', resetAt: 60_000, source: 'http', transient: false, cwd: '/work/app', transcriptPath: '/t/s1.jsonl' })
  t.equal(a.getSnapshot().value, 'scheduled')
  t.equal(a.getSnapshot().context.cwd, '/work/app')
  t.equal(a.getSnapshot().context.transcriptPath, '/t/s1.jsonl')
})

t.test('a known folder is kept', async t => {
  const a = actor({ sessionId: 's2', cwd: '/mine' })
  a.send({ type: 'limit.detected', at: 0, kind: 'five_hour', resetAt: 60_000, source: 'http', transient: false, cwd: '/other' })
  t.equal(a.getSnapshot().context.cwd, '/mine')
})
