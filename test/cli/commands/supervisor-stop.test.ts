// supervisor stop in-process, against stand-in supervisor processes (test/helpers/fake-supervisor.ts):
// SIGTERM and wait, SIGKILL past the deadline, stale and reused pids, a supervisor that is not our child.
import t from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { supervisorStartCommand } from '../../../src/cli/commands/supervisor-start.js'
import { supervisorStopCommand } from '../../../src/cli/commands/supervisor-stop.js'
import { isProcessAlive } from '../../../src/cli/supervisor-process.js'
import { exitedPid, fakeSupervisorHome, spawnIdle } from '../../helpers/fake-supervisor.js'
import { waitFor } from '../../helpers/wait-for.js'

const { main } = await import('../../../src/cli/main.js')

t.test('stop, then stop again', async t => {
  const { entry, io, pidFile } = fakeSupervisorHome(t)
  const start = io()
  t.equal(await supervisorStartCommand(start, { entry }), 0, start.err)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  t.ok(isProcessAlive(pid), 'a supervisor to stop')

  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0, stop.err)
  t.equal(stop.out, `supervisor stopped (pid ${pid})\n`)
  t.notOk(isProcessAlive(pid), 'the process is gone')
  t.notOk(existsSync(pidFile), 'no pid file is left')

  const again = io()
  t.equal(await main(['supervisor', 'stop'], again), 0)
  t.equal(again.out, 'supervisor: not running\n')
})

t.test('stop: SIGKILL after the deadline when SIGTERM is ignored', async t => {
  const { entry, io, pidFile } = fakeSupervisorHome(t, 'stubborn')
  const start = io()
  t.equal(await supervisorStartCommand(start, { entry }), 0, start.err)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  const stop = io()
  t.equal(await supervisorStopCommand(stop, { deadlineMs: 300 }), 0, stop.err)
  t.equal(stop.out, `supervisor did not stop within 0.3 s: killed (pid ${pid})\n`)
  t.notOk(isProcessAlive(pid))
  t.notOk(existsSync(pidFile), 'the pid file the killed process left is removed')
})

t.test('stop with a stale pid file: removed, not an error', async t => {
  const { io, pidFile } = fakeSupervisorHome(t)
  const gone = await exitedPid()
  writeFileSync(pidFile, `${gone}\n`)
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0)
  t.equal(stop.out, `supervisor: not running (removed a stale pid file naming pid ${gone})\n`)
  t.notOk(existsSync(pidFile))
})

t.test('stop never signals a process that is not a supervisor (a reused pid)', { skip: !existsSync('/proc/self/cmdline') && 'needs /proc' }, async t => {
  const { io, pidFile } = fakeSupervisorHome(t)
  const other = spawnIdle(t, ['some-other-program'])
  await waitFor(() => readFileSync(`/proc/${other.pid}/cmdline`, 'utf8').includes('some-other-program'))
  writeFileSync(pidFile, `${other.pid}\n`)
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0)
  t.equal(stop.out, `supervisor: not running (removed a stale pid file naming pid ${other.pid})\n`)
  t.ok(isProcessAlive(other.pid!), 'left alone')
})

t.test('stop a supervisor that is not our child', async t => {
  const { io, pidFile } = fakeSupervisorHome(t)
  const stand = spawnIdle(t, ['supervisor', 'run'])
  writeFileSync(pidFile, `${stand.pid}\n`)
  const stop = io()
  t.equal(await main(['supervisor', 'stop'], stop), 0, stop.err)
  t.equal(stop.out, `supervisor stopped (pid ${stand.pid})\n`)
  t.notOk(existsSync(pidFile), 'the pid file it could not remove itself is removed')
})
