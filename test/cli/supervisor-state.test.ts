// Whether a supervisor serves the home, as status and the read commands say it: from the pid file,
// checked against the live process it names (a real child process here).
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../src/home/home-paths.js'
import { formatIdentity, identify } from '../../src/os/process-identity.js'
import { START_HINT, supervisorLine, supervisorState } from '../../src/cli/supervisor-state.js'
import { processDir } from '../helpers/process-dir.js'

t.test('the line the read commands print', async t => {
  t.equal(supervisorLine({ running: true, pid: 4242 }), 'supervisor: running (pid 4242)')
  t.equal(supervisorLine({ running: false, pid: null }), `supervisor: not running — ${START_HINT}`)
  t.match(START_HINT, /session-retry supervisor start$/)
})

t.test('no pid file, a pid file naming a live process, and one naming a process that is gone', async t => {
  const paths = homePaths(processDir(t))
  mkdirSync(paths.home, { recursive: true })
  t.same(supervisorState(paths), { running: false, pid: null }, 'no pid file')

  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' })
  t.teardown(() => void child.kill('SIGKILL'))
  await new Promise(resolve => child.once('spawn', resolve))
  const live = identify(child.pid!)!
  writeFileSync(paths.pidFile, formatIdentity(live))
  t.same(supervisorState(paths), { running: true, pid: child.pid }, 'the live process it names')

  // The same pid with another start time: a pid the system gave to someone else.
  writeFileSync(paths.pidFile, formatIdentity({ pid: live.pid, startTime: String(Number(live.startTime) + 1) }))
  t.same(supervisorState(paths), { running: false, pid: null }, 'a reused pid is not a supervisor')

  child.kill('SIGKILL')
  await new Promise(resolve => child.once('exit', resolve))
  writeFileSync(paths.pidFile, formatIdentity(live))
  t.same(supervisorState(paths), { running: false, pid: null }, 'the process is gone')
})
