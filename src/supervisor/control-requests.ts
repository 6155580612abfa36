// The two requests a user can make of a session (resume now, cancel its schedule), and the states
// in which the machine acts on each, read from the machine itself so the CLI, the API and the
// dashboard can never offer a request the machine would ignore.
import type { ControlEvent } from '../journal/event-record.js'
import { createSessionMachine } from '../../state/session.machine.js'
import { SESSION_STATES } from '../../state/session-context.js'

export interface ControlRequest {
  event: Extract<ControlEvent, 'ResumeRequested' | 'ScheduleCancelled'>
  /** What the user asked for, for the messages: `resume`, `cancel`. */
  verb: string
  /** States in which the machine acts on the request (state/session.machine.ts, its transition table). */
  actsIn: readonly string[]
}

/** The states whose own transitions handle a machine event, read from the machine itself. */
export function statesHandling(eventType: string): string[] {
  const machine = createSessionMachine({ now: () => 0 })
  return SESSION_STATES.filter(state => Object.hasOwn(machine.states[state]?.on ?? {}, eventType))
}

export const RESUME_REQUEST: ControlRequest = {
  event: 'ResumeRequested',
  verb: 'resume',
  actsIn: statesHandling('resume.requested'),
}

export const CANCEL_REQUEST: ControlRequest = {
  event: 'ScheduleCancelled',
  verb: 'cancel',
  actsIn: statesHandling('schedule.cancelled'),
}
