// `resume` and `cancel` do not touch state: they append a journal record, so the request reaches
// the session's machine the same way every hook event does, in order, exactly once.
import { loadConfig } from '../config/load-config.js'
import { appendRecord } from '../journal/append-record.js'
import { newRecord } from '../journal/event-record.js'
import { homePaths, type HomePaths } from '../home/home-paths.js'
import { readSessionState } from '../supervisor/session-store.js'
import type { CliIo } from './cli-io.js'
import { resolveSessionId } from './resolve-session-id.js'
import { START_HINT, supervisorState } from './supervisor-state.js'
import type { ControlRequest } from '../supervisor/control-requests.js'

export async function requestControl(request: ControlRequest, rawId: string, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const sessionId = await resolveSessionId(paths, rawId)
  if (sessionId === null) {
    io.stderr(`session-retry: no such session ${rawId} (no journal and no state file in ${paths.home})\n`)
    return 1
  }
  appendRecord(paths, newRecord('cli', sessionId, request.event, io.now()))
  const supervisor = supervisorState(paths)
  const applier = supervisor.running ? `the supervisor (pid ${supervisor.pid}) applies it` : 'the supervisor applies it when it runs'
  io.stdout(`${request.verb} requested for session ${sessionId}: ${applier}\n`)
  const note = await stateNote(paths, sessionId, request)
  if (note) io.stderr(`note: ${note}\n`)
  if (!supervisor.running) io.stderr(`warning: no supervisor is running — ${START_HINT}\n`)
  return 0
}

/** Says so when the last known state is one where the machine will not act on the request. */
async function stateNote(paths: HomePaths, sessionId: string, request: ControlRequest): Promise<string | null> {
  const loaded = await readSessionState(paths, sessionId)
  if (!loaded.ok || request.actsIn.includes(loaded.state.state)) return null
  return `the session was last seen ${loaded.state.state}; a ${request.verb} request acts only on a session that is ${request.actsIn.join(', ')}`
}
