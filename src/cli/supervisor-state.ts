// Whether a supervisor serves this home, as the read commands report it.
import type { HomePaths } from '../home/home-paths.js'
import { runningSupervisorPid } from '../supervisor/singleton.js'

export interface SupervisorState {
  running: boolean
  pid: number | null
}

export function supervisorState(paths: HomePaths): SupervisorState {
  const pid = runningSupervisorPid(paths)
  return { running: pid !== null, pid }
}

export const START_HINT = 'start it with: session-retry supervisor start'

export function supervisorLine(state: SupervisorState): string {
  return state.running ? `supervisor: running (pid ${state.pid})` : `supervisor: not running — ${START_HINT}`
}
