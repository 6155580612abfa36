// `session-retry cancel <session-id>`: ask the supervisor to drop a session's pending schedule.
import type { CliIo } from '../cli-io.js'
import { CANCEL_REQUEST } from '../../supervisor/control-requests.js'
import { requestControl } from '../request-control.js'

export function cancelCommand(sessionId: string, io: CliIo): Promise<number> {
  return requestControl(CANCEL_REQUEST, sessionId, io)
}
