// supervisor start / stop / status in-process, against stand-in supervisor processes (a small
// script that behaves as asked), so the waiting, the deadlines and the pid file handling are
// tested without the real supervisor. `supervisor run` is tested with the real one.
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import { supervisorStartCommand } from '../../src/cli/commands/supervisor-start.js'
import { supervisorStopCommand } from '../../src/cli/commands/supervisor-stop.js'
import { isProcessAlive } from '../../src/cli/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'

const { main } = await import('../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

// FAKE_MODE: ready (writes the pid file, serves /health, prints the ready line, leaves on SIGTERM),
// noapi (ready, but its API did not start), stubborn (ready, ignores SIGTERM), crash (prints and
// exits 3), slow (never ready). The ready line is the supervisor's own (formatReadyLine).
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

function setup(t: Test, mode = 'ready') {
  const home = processDir(t, { 'fake-supervisor.mjs': FAKE_SUPERVISOR })
  const entry = join(home, 'fake-supervisor.mjs')
  // Started from the Bash tool of a Claude Code session: its session variables are in the environment.
  const env = { SESSION_RETRY_HOME: home, FAKE_MODE: mode, PATH: process.env.PATH, CLAUDECODE: '1', CLAUDE_PLUGIN_ROOT: '/old/plugin', KEEP_ME: 'yes' }
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
function spawnIdle(t: Test, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' })
  t.teardown(() => void child.kill('SIGKILL'))
  return child
}

t.test('start, start again, status, stop, stop again', async t => {
  const { home, entry, io, pidFile } = setup(t)
  const first = io()
  t.equal(await supervisorStartCommand(first, { entry }), 0, first.err)
  const [, pidText, port] = /^supervisor started \(pid (\d+), HTTP on http:\/\/127\.0\.0\.1:(\d+)\)\n$/.exec(first.out) ?? []
  const pid = Number(pidText)
  t.ok(pid > 0, first.out)
  t.equal(readFileSync(pidFile, 'utf8'), `${pid}\n`)
  t.ok(isProcessAlive(pid))
  const output = readFileSync(join(home, 'logs', 'supervisor.out'), 'utf8')
  t.match(output, /^--- \S+ supervisor start \(requested by pid \d+\)\nfake supervisor: supervisor run in /, 'output appended to supervisor.out')
  t.match(output, `in ${home}\n`, 'runs in the home folder')
  t.match(output, 'fake env: {"CLAUDECODE":null,"CLAUDE_PLUGIN_ROOT":null,"KEEP_ME":"yes"}\n', 'without the variables of the Claude Code session it was started from')

  const second = io()
  t.equal(await supervisorStartCommand(second, { entry }), 1)
  t.equal(second.err, `session-retry: supervisor already running (pid ${pid})\n`)
  t.equal(second.out, '')

  const status = io()
  t.equal(await main(['supervisor', 'status'], status), 0)
  t.match(status.out, new RegExp(`^supervisor: running \\(pid ${pid}\\)\\nhttp: http://127\\.0\\.0\\.1:${port}\\nhome: `), 'the HTTP address, checked')
  const json = io()
  await main(['supervisor', 'status', '--json'], json)
  t.same(JSON.parse(json.out), {
    version: 1,
    running: true,
    pid,
    http: { url: `http://127.0.0.1:${port}`, problem: null },
    stalePid: null,
    home,
    pidFile,
    log: join(home, 'logs', 'session-retry.log'),
    output: join(home, 'logs', 'supervisor.out'),
  })

  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0, stop.err)
  t.equal(stop.out, `supervisor stopped (pid ${pid})\n`)
  t.notOk(isProcessAlive(pid), 'the process is gone')
  t.notOk(existsSync(pidFile), 'no pid file is left')

  const again = io()
  t.equal(await main(['supervisor', 'stop'], again), 0)
  t.equal(again.out, 'supervisor: not running\n')
})

t.test('a supervisor whose HTTP API did not start: said by start and by status', async t => {
  const { entry, io } = setup(t, 'noapi')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry }), 0, 'it runs: sessions are still resumed')
  const pid = Number(/^supervisor started \(pid (\d+)\), but its HTTP API did not start: listen EADDRINUSE: address already in use 127\.0\.0\.1:8889\n$/.exec(r.out)?.[1])
  t.ok(pid > 0, r.out)
  t.match(r.err, /it resumes sessions all the same/)
  const status = io()
  await main(['supervisor', 'status'], status)
  t.match(status.out, `supervisor: running (pid ${pid})\nhttp: none — its HTTP API did not start: listen EADDRINUSE`)
})

t.test('a supervisor that exits before it is ready: its output, exit 1', async t => {
  const { entry, io } = setup(t, 'crash')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry }), 1)
  t.match(r.err, /^session-retry: the supervisor exited with code 3 before it was ready; the end of .*supervisor\.out:\n/)
  t.match(r.err, /\n  fake supervisor: supervisor run in .*\n  fake env: .*\n  boom: cannot start\n$/)
  t.notMatch(r.err, /^  ---/m, 'only this start’s output')
  t.equal(r.out, '')
})

t.test('a supervisor that is not ready by the deadline', async t => {
  const { entry, io } = setup(t, 'slow')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry, deadlineMs: 300 }), 1)
  const pid = Number(/\(pid (\d+)\) is not ready after 0\.3 s; it is still starting, see .*supervisor\.out\n$/.exec(r.err)?.[1])
  t.ok(pid > 0, r.err)
  process.kill(pid, 'SIGKILL')
})

t.test('start without a built entry script', async t => {
  const { io } = setup(t)
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry: '/nonexistent/main.js' }), 1)
  t.equal(r.err, 'session-retry: cannot start the supervisor: /nonexistent/main.js is missing (build the package first)\n')
})

t.test('stop: SIGKILL after the deadline when SIGTERM is ignored', async t => {
  const { entry, io, pidFile } = setup(t, 'stubborn')
  const start = io()
  t.equal(await supervisorStartCommand(start, { entry }), 0, start.err)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  const stop = io()
  t.equal(await supervisorStopCommand(stop, { deadlineMs: 300 }), 0, stop.err)
  t.equal(stop.out, `supervisor did not stop within 0.3 s: killed (pid ${pid})\n`)
  t.notOk(isProcessAlive(pid))
  t.notOk(existsSync(pidFile), 'the pid file the killed process left is removed')
})

t.test('stop and status with a stale pid file', async t => {
  const { io, pidFile } = setup(t)
  const gone = spawn(process.execPath, ['-e', '0'])
  await new Promise(resolve => gone.on('exit', resolve))
  writeFileSync(pidFile, `${gone.pid}\n`)
  const status = io()
  await main(['supervisor', 'status'], status)
  t.match(status.out, /^supervisor: not running — start it with: session-retry supervisor start\n/)
  t.match(status.out, `note: the pid file names pid ${gone.pid}, which is not running`)
  const json = io()
  await main(['supervisor', 'status', '--json'], json)
  t.match(JSON.parse(json.out), { running: false, pid: null, stalePid: gone.pid })
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0)
  t.equal(stop.out, `supervisor: not running (removed a stale pid file naming pid ${gone.pid})\n`)
  t.notOk(existsSync(pidFile))
})

t.test('stop never signals a process that is not a supervisor (a reused pid)', { skip: !existsSync('/proc/self/cmdline') && 'needs /proc' }, async t => {
  const { io, pidFile } = setup(t)
  const other = spawnIdle(t, ['some-other-program'])
  await waitFor(() => readFileSync(`/proc/${other.pid}/cmdline`, 'utf8').includes('some-other-program'))
  writeFileSync(pidFile, `${other.pid}\n`)
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0)
  t.equal(stop.out, `supervisor: not running (removed a stale pid file naming pid ${other.pid})\n`)
  t.ok(isProcessAlive(other.pid!), 'left alone')
})

t.test('stop a supervisor that is not our child', async t => {
  const { io, pidFile } = setup(t)
  const stand = spawnIdle(t, ['supervisor', 'run'])
  writeFileSync(pidFile, `${stand.pid}\n`)
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0, stop.err)
  t.equal(stop.out, `supervisor stopped (pid ${stand.pid})\n`)
  t.notOk(existsSync(pidFile), 'the pid file it could not remove itself is removed')
})

t.test('supervisor run: the real supervisor in-process until the stop signal', async t => {
  const home = processDir(t)
  const stop = new AbortController()
  const io = captureIo({
    env: { SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false', SESSION_RETRY_LOG_LEVEL: 'warn' },
    cwd: home,
    signal: stop.signal,
  })
  let finished: number | null = null
  const running = main(['supervisor', 'run'], io).then(code => (finished = code))
  await waitFor(() => finished !== null || io.out.includes('supervisor: ready'), { timeoutMs: 90_000, what: 'ready or exit' })
  if (finished !== null && /not implemented/.test(io.err)) {
    t.equal(finished, 1, 'not implemented yet: one line, exit 1')
    t.match(io.err, /^session-retry: [^\n]*not implemented[^\n]*\n$/)
    return
  }
  t.match(io.out, new RegExp(`^supervisor: ready \\(pid ${process.pid}, home ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(, [^)]*)?\\)\n$`))
  t.match(readFileSync(join(home, 'supervisor.pid'), 'utf8'), new RegExp(`^${process.pid} (\\d+|-)\\n$`), 'pid and start time')
  stop.abort()
  t.equal(await running, 0)
  t.notOk(existsSync(join(home, 'supervisor.pid')), 'released on the way out')
})
