// supervisor start in-process, against stand-in supervisor processes (test/helpers/fake-supervisor.ts):
// ready, already running, an API that did not start, an exit before ready, another start that won
// the race, a start past the deadline, no entry script.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { supervisorStartCommand } from '../../../src/cli/commands/supervisor-start.js'
import { isProcessAlive } from '../../../src/cli/supervisor-process.js'
import { fakeSupervisorHome, spawnIdle } from '../../helpers/fake-supervisor.js'

t.test('start, then start again while it runs', async t => {
  const { home, entry, io, pidFile } = fakeSupervisorHome(t)
  const first = io()
  t.equal(await supervisorStartCommand(first, { entry }), 0, first.err)
  const pid = Number(/^supervisor started \(pid (\d+), HTTP on http:\/\/127\.0\.0\.1:(\d+)\)\n$/.exec(first.out)?.[1])
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
})

t.test('a supervisor whose HTTP API did not start: it runs, and start says why it has no API', async t => {
  const { entry, io } = fakeSupervisorHome(t, 'noapi')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry }), 0, 'it runs: sessions are still resumed')
  const pid = Number(/^supervisor started \(pid (\d+)\), but its HTTP API did not start: listen EADDRINUSE: address already in use 127\.0\.0\.1:8889\n$/.exec(r.out)?.[1])
  t.ok(pid > 0, r.out)
  t.match(r.err, /it resumes sessions all the same/)
})

t.test('a supervisor that exits before it is ready: its output, exit 1', async t => {
  const { entry, io } = fakeSupervisorHome(t, 'crash')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry }), 1)
  t.match(r.err, /^session-retry: the supervisor exited with code 3 before it was ready; the end of .*supervisor\.out:\n/)
  t.match(r.err, /\n  fake supervisor: supervisor run in .*\n  fake env: .*\n  boom: cannot start\n$/)
  t.notMatch(r.err, /^  ---/m, 'only this start’s output')
  t.equal(r.out, '')
})

t.test('another start won the race: the supervisor it started is named, exit 1', async t => {
  const winner = spawnIdle(t, ['supervisor', 'run'])
  const { entry, io } = fakeSupervisorHome(t, 'lost', { FAKE_WINNER_PID: String(winner.pid) })
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry }), 1)
  t.equal(r.err, `session-retry: supervisor already running (pid ${winner.pid}): another start won the race\n`)
  t.equal(r.out, '')
})

t.test('a supervisor that is not ready by the deadline', async t => {
  const { entry, io } = fakeSupervisorHome(t, 'slow')
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry, deadlineMs: 300 }), 1)
  const pid = Number(/\(pid (\d+)\) is not ready after 0\.3 s; it is still starting, see .*supervisor\.out\n$/.exec(r.err)?.[1])
  t.ok(pid > 0, r.err)
  // The slow stand-in writes no pid file, so the home's teardown does not know it.
  if (pid > 0) process.kill(pid, 'SIGKILL')
})

t.test('start without a built entry script', async t => {
  const { io } = fakeSupervisorHome(t)
  const r = io()
  t.equal(await supervisorStartCommand(r, { entry: '/nonexistent/main.js' }), 1)
  t.equal(r.err, 'session-retry: cannot start the supervisor: /nonexistent/main.js is missing (build the package first)\n')
})
