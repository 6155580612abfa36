// A stale supervisor.pid must not make a dead supervisor look alive: a reused pid (another process
// now) and a zombie are not the supervisor. Real processes, the real supervisor.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { ownPidFileText, readPidFile, runningSupervisorPid } from '../../src/home/supervisor-pid.js'
import { identify } from '../../src/os/process-identity.js'
import { startSupervisor } from '../helpers/supervisor-process.js'

function home(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'ssr-pid-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(dir, { recursive: true })
  return dir
}

t.test('the pid file names the process and its start time', { skip: process.platform !== 'linux' && 'needs /proc' }, async t => {
  const [pid, start] = ownPidFileText().trim().split(' ')
  t.equal(Number(pid), process.pid)
  t.equal(start, identify(process.pid)!.startTime)
})

t.test('a live unrelated process behind a stale pid file is not a supervisor', { skip: process.platform !== 'linux' && 'needs /proc' }, async t => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' })
  t.teardown(() => sleeper.kill('SIGKILL'))
  const paths = homePaths(home(t))
  const real = identify(sleeper.pid!)!
  writeFileSync(paths.pidFile, `${sleeper.pid} ${Number(real.startTime) - 1}\n`)
  t.equal(readPidFile(paths), sleeper.pid)
  t.equal(runningSupervisorPid(paths), null, 'same pid, other start time: not running')
  writeFileSync(paths.pidFile, `${sleeper.pid} ${real.startTime}\n`)
  t.equal(runningSupervisorPid(paths), sleeper.pid, 'same pid and start time: that process')
})

t.test('the real supervisor starts over a stale pid file that names a live process', { skip: process.platform !== 'linux' && 'needs /proc' }, async t => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' })
  t.teardown(() => sleeper.kill('SIGKILL'))
  const dir = home(t)
  const paths = homePaths(dir)
  writeFileSync(paths.pidFile, `${sleeper.pid} 1\n`)
  const supervisor = await startSupervisor({ PATH: process.env.PATH, HOME: dir, SESSION_RETRY_HOME: dir, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  t.teardown(() => supervisor.stop())
  const [pid] = readFileSync(paths.pidFile, 'utf8').trim().split(' ')
  t.equal(Number(pid), supervisor.child.pid, 'the new supervisor took over the pid file')
})
