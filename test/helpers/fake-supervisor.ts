// Stand-in supervisor processes for the tests of `supervisor start`, `stop` and `status`: a small
// script that behaves as asked, so the waiting, the deadlines and the pid file handling are tested
// without the real supervisor (whose own start-up is tested through `supervisor run`).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import { isProcessAlive } from '../../src/cli/supervisor-process.js'
import { processDir } from './process-dir.js'

interface TeardownTarget {
  teardown(fn: () => void | Promise<void>): void
}

export type FakeMode = 'ready' | 'noapi' | 'stubborn' | 'crash' | 'slow' | 'lost'

// FAKE_MODE: ready (writes the pid file, serves /health, prints the ready line, leaves on SIGTERM),
// noapi (ready, but its API did not start), stubborn (ready, ignores SIGTERM), crash (prints and
// exits 3), slow (never ready), lost (another start won the race: the pid file names FAKE_WINNER_PID,
// and it exits 1 as the real one does when the home is taken). The ready line is the supervisor's
// own (formatReadyLine).
const FAKE_SUPERVISOR = `
import { rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
const home = process.env.SESSION_RETRY_HOME
const pidFile = join(home, 'supervisor.pid')
const mode = process.env.FAKE_MODE
console.log('fake supervisor:', process.argv.slice(2).join(' '), 'in', process.cwd())
console.log('fake env:', JSON.stringify({ CLAUDECODE: process.env.CLAUDECODE ?? null, CLAUDE_PLUGIN_ROOT: process.env.CLAUDE_PLUGIN_ROOT ?? null, KEEP_ME: process.env.KEEP_ME ?? null }))
if (mode === 'crash') {
  console.error('boom: cannot start')
  process.exit(3)
}
if (mode === 'lost') {
  writeFileSync(pidFile, process.env.FAKE_WINNER_PID + '\\n')
  console.error('session-retry: supervisor already running (pid ' + process.env.FAKE_WINNER_PID + ')')
  process.exit(1)
}
if (mode !== 'slow') writeFileSync(pidFile, process.pid + '\\n')
process.on('SIGTERM', () => {
  if (mode === 'stubborn') return
  rmSync(pidFile, { force: true })
  process.exit(0)
})
setInterval(() => {}, 1000)
if (mode === 'noapi') {
  console.error('session-retry: HTTP API not started: listen EADDRINUSE: address already in use 127.0.0.1:8889')
  console.log(\`supervisor: ready (pid \${process.pid}, home \${home}, port none)\`)
} else if (mode !== 'slow') {
  const server = createServer((req, res) => res.end(JSON.stringify({ pid: process.pid })))
  server.listen(0, '127.0.0.1', () => console.log(\`supervisor: ready (pid \${process.pid}, home \${home}, port \${server.address().port})\`))
}
`

/**
 * A home (a process folder) holding the stand-in script `entry`, and an io for commands on it,
 * whose environment is that of a Claude Code session's Bash tool. Any stand-in still named by the
 * pid file is killed at teardown.
 */
export function fakeSupervisorHome(t: TeardownTarget, mode: FakeMode = 'ready', extraEnv: Record<string, string> = {}) {
  const home = processDir(t, { 'fake-supervisor.mjs': FAKE_SUPERVISOR })
  const entry = join(home, 'fake-supervisor.mjs')
  // Started from the Bash tool of a Claude Code session: its session variables are in the environment.
  const env = { SESSION_RETRY_HOME: home, FAKE_MODE: mode, PATH: process.env.PATH, CLAUDECODE: '1', CLAUDE_PLUGIN_ROOT: '/old/plugin', KEEP_ME: 'yes', ...extraEnv }
  const io = () => captureIo({ env, cwd: home })
  const pidFile = join(home, 'supervisor.pid')
  t.teardown(() => {
    // Leave no stand-in behind, whatever the test did.
    const pid = Number(existsSync(pidFile) ? readFileSync(pidFile, 'utf8') : 0)
    if (pid > 0 && isProcessAlive(pid)) process.kill(pid, 'SIGKILL')
  })
  return { home, entry, env, io, pidFile }
}

/** A long-lived process with the given argv, killed at teardown. */
export function spawnIdle(t: TeardownTarget, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' })
  t.teardown(() => void child.kill('SIGKILL'))
  return child
}

/** The pid of a process that has exited: no process has it now (until the OS reuses it). */
export async function exitedPid(): Promise<number> {
  const gone = spawn(process.execPath, ['-e', '0'])
  await new Promise(resolve => gone.on('exit', resolve))
  return gone.pid!
}
