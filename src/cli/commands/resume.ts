// `session-retry resume <session-id>`: ask the supervisor to resume a waiting session now.
import type { CliIo } from '../cli-io.js'
import { RESUME_REQUEST } from '../../supervisor/control-requests.js'
import { requestControl } from '../request-control.js'

export function resumeCommand(sessionId: string, io: CliIo): Promise<number> {
  return requestControl(RESUME_REQUEST, sessionId, io)
}
