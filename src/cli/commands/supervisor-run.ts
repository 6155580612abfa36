// `session-retry supervisor run`: the supervisor in the foreground, until SIGTERM or Ctrl-C.
// `supervisor start` runs this detached.
import { loadConfig } from '../../config/load-config.js'
import { loadIntegrationsConfig } from '../../integrations/integrations-config.js'
import { formatReadyLine } from '../../hook/autostart-supervisor.js'
import { runSupervisor } from '../../app/run-supervisor.js'
import type { CliIo } from '../cli-io.js'
import { stopRequest } from '../interrupt.js'

export async function supervisorRunCommand(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  // A bad integration setting fails here, with exit 2, before the lock is taken.
  const integrations = loadIntegrationsConfig(io.env)
  const stop = stopRequest(io)
  try {
    return await runSupervisor(config, {
      stopSignal: stop.requested,
      integrations,
      // Starts, `supervisor status`, the demo and the tests wait for this line or read it back.
      onReady: ({ port }) => io.stdout(formatReadyLine({ pid: process.pid, home: config.home, port }) + '\n'),
      say: line => io.stderr(line + '\n'),
    })
  } finally {
    stop.dispose()
  }
}
