// What the read endpoints show, taken from the supervisor's live sessions: the public fields of
// each state file (docs/journal-and-state.md#the-session-state-file, without the `supervisor` restore data), the pending
// schedules, and how many sessions have journal bytes not applied yet.
import { stat } from 'node:fs/promises'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import type { SessionStateFile } from '../supervisor/session-store.js'
import type { Supervisor } from '../supervisor/supervisor.js'

export type PublicSession = Omit<SessionStateFile, 'supervisor'>

/** Every live session as its state file would be written now, ordered by id. */
export function liveStates(supervisor: Supervisor, now: number): SessionStateFile[] {
  return [...supervisor.sessions.values()].map(runtime => runtime.toStateFile(now)).sort((a, b) => a.sessionId.localeCompare(b.sessionId))
}

export function publicSession(state: SessionStateFile): PublicSession {
  const { supervisor: _restoreData, ...rest } = state
  return rest
}

export function countByState(states: SessionStateFile[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const s of states) counts[s.state] = (counts[s.state] ?? 0) + 1
  return counts
}

/** Sessions whose journal is longer than the offset applied so far (one stat per session). */
export async function sessionsBehind(supervisor: Supervisor, paths: HomePaths): Promise<number> {
  const checks = [...supervisor.sessions].map(async ([id, runtime]) => {
    try {
      return (await stat(sessionFile(paths, id, 'journal'))).size > runtime.offset
    } catch {
      return false
    }
  })
  return (await Promise.all(checks)).filter(Boolean).length
}
