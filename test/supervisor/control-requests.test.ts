// The states in which the machine acts on a user's resume or cancel, read from the machine: the
// CLI, the API and the dashboard offer a request only there.
import t from 'tap'
import { CANCEL_REQUEST, RESUME_REQUEST, statesHandling } from '../../src/supervisor/control-requests.js'
import { SESSION_STATES } from '../../state/session-context.js'

t.test('resume acts wherever a session waits, needs the user, ran out of tries or was cancelled', async t => {
  t.same(RESUME_REQUEST, { event: 'ResumeRequested', verb: 'resume', actsIn: ['limited', 'scheduled', 'due', 'needsUser', 'exhausted', 'cancelled'] })
})

t.test('cancel acts on a schedule that has not run yet', async t => {
  t.same(CANCEL_REQUEST, { event: 'ScheduleCancelled', verb: 'cancel', actsIn: ['limited', 'scheduled', 'due', 'awaitingOwner', 'needsUser'] })
})

t.test('statesHandling: only states with a transition of their own, in the machine order', async t => {
  t.same(statesHandling('no.such.event'), [])
  t.same(statesHandling('resume.requested'), RESUME_REQUEST.actsIn)
  for (const event of ['resume.requested', 'schedule.cancelled']) {
    const states = statesHandling(event)
    t.same(states, SESSION_STATES.filter(s => states.includes(s)), `${event}: in the order of SESSION_STATES`)
    t.notOk(states.includes('active'), `${event}: a running session is left alone`)
  }
})
