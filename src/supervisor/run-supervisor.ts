// Placeholder until the supervisor lands: the CLI wires `supervisor run` to this signature.
import type { Config } from '../config/load-config.js'

export interface SupervisorRunOptions {
  /** Resolves when the supervisor should stop (the CLI passes one tied to SIGTERM/SIGINT). */
  stopSignal?: Promise<void>
  /** Called once the supervisor is ready (lock held, pid file written, initial replay done). */
  onReady?: () => void
}

export async function runSupervisor(_config: Config, _options: SupervisorRunOptions = {}): Promise<number> {
  throw new Error('the supervisor is not implemented yet')
}
