// Starting a resumed run so that it cannot do anything before the supervisor has recorded who it is.
//
// The run is spawned as `sh -c GATE sh claude <args…>`: the shell waits for one line on its stdin,
// and only then execs `claude` (same pid, same start time). The supervisor writes the run's pid file
// ("<pid> <start time>") first and sends the line after. So:
// - no pid file: `claude` never started (the supervisor stopped before it said go; the shell saw
//   end-of-file, wrote NOT_STARTED_MARK to the log and exited);
// - a pid file: that exact process is the run, whether or not this supervisor is still there.
// The script is a constant; everything that comes from data travels as an argument, never as shell text.
import { spawn, type ChildProcess } from 'node:child_process'
import { NOT_STARTED_EXIT, NOT_STARTED_MARK } from './run-outcome.js'

export const GATE_SCRIPT =
  `IFS= read -r go || { echo '${NOT_STARTED_MARK}: the supervisor stopped before it could record the run' >&2; exit ${NOT_STARTED_EXIT}; }; ` +
  'exec "$@" </dev/null'

/** Variables that inject code into every program started: never handed to a resumed run. */
const LOADER_VARIABLES = /^(LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|DYLD_.*|NODE_OPTIONS|BASH_ENV|ENV)$/

/** The resumed run's environment: the supervisor's, less loader injection, plus the run's marker. */
export function runEnvironment(base: NodeJS.ProcessEnv, home: string, attempt: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(base)) if (!LOADER_VARIABLES.test(key)) env[key] = value
  env.SESSION_RETRY_HOME = home
  // The run's hooks journal this, so its SessionStart, prompt and Stop are known as ours.
  env.SESSION_RETRY_RUN = String(attempt)
  return env
}

export interface GatedSpawn {
  bin: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** File descriptor of the run's log (stdout and stderr). */
  logFd: number
}

/** Spawns the gate; the run waits until `release` is called. */
export function spawnGated(options: GatedSpawn): { child: ChildProcess; release: () => void } {
  const child = spawn('/bin/sh', ['-c', GATE_SCRIPT, 'session-retry-run', options.bin, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', options.logFd, options.logFd],
    // Its own process group: a Ctrl-C on the supervisor must not cut a resumed session short.
    detached: true,
  })
  // The gate may be gone already (killed): a write to its stdin then fails, and its exit says why.
  child.stdin?.on('error', () => {})
  return { child, release: () => child.stdin?.end('go\n') }
}
