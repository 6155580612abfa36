// What each session needs from a person: every machine state in one of the four groups.
import t from 'tap'
import { needGroup, NEED_GROUPS } from '../../src/http/dashboard-groups.js'
import { SESSION_STATES } from '../../state/session-context.js'

t.test('every machine state has a group; an unknown state shows under "needs you"', async t => {
  t.same(NEED_GROUPS, ['waiting', 'running', 'needsYou', 'done'])
  for (const state of SESSION_STATES) t.ok(NEED_GROUPS.includes(needGroup(state)), state)
  t.same(
    SESSION_STATES.map(s => `${s}:${needGroup(s)}`),
    ['active:running', 'limited:waiting', 'scheduled:waiting', 'due:waiting', 'resuming:running', 'awaitingOwner:waiting', 'needsUser:needsYou', 'exhausted:needsYou', 'cancelled:done', 'ended:done'],
  )
  t.equal(needGroup('fromTheFuture'), 'needsYou')
  t.equal(needGroup('constructor'), 'needsYou', 'not fooled by Object.prototype')
})
