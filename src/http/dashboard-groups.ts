// What each session needs from a person, the four groups of the dashboard. Keyed by the
// machine's state type, so a new state fails to compile until it is given a group here.
import type { SessionStateValue } from '../../state/session-context.js'

export const NEED_GROUPS = ['waiting', 'running', 'needsYou', 'done'] as const
export type NeedGroup = (typeof NEED_GROUPS)[number]

const GROUP_OF_STATE: Record<SessionStateValue, NeedGroup> = {
  // Waiting for a limit to reset, or for Claude Code's own auto-continue in the open session.
  limited: 'waiting',
  scheduled: 'waiting',
  due: 'waiting',
  awaitingOwner: 'waiting',
  active: 'running',
  resuming: 'running',
  needsUser: 'needsYou',
  exhausted: 'needsYou',
  cancelled: 'done',
  ended: 'done',
}

/** A state this build does not know (a newer state file) shows where a person will see it. */
export function needGroup(state: string): NeedGroup {
  return Object.hasOwn(GROUP_OF_STATE, state) ? GROUP_OF_STATE[state as SessionStateValue] : 'needsYou'
}
