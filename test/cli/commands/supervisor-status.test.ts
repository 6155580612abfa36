// supervisor status in-process, against stand-in supervisor processes (test/helpers/fake-supervisor.ts):
// running with its HTTP address checked, running without an API, a stale pid file; as text and JSON.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { supervisorStartCommand } from '../../../src/cli/commands/supervisor-start.js'
import { exitedPid, fakeSupervisorHome } from '../../helpers/fake-supervisor.js'

const { main } = await import('../../../src/cli/main.js')

t.test('a running supervisor: its pid, its HTTP address, its files', async t => {
  const { home, entry, io, pidFile } = fakeSupervisorHome(t)
  const start = io()
  t.equal(await supervisorStartCommand(start, { entry }), 0, start.err)
  const [, pidText, port] = /^supervisor started \(pid (\d+), HTTP on http:\/\/127\.0\.0\.1:(\d+)\)\n$/.exec(start.out) ?? []
  const pid = Number(pidText)
  t.ok(pid > 0, start.out)

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
})

t.test('a supervisor whose HTTP API did not start: status says why', async t => {
  const { entry, io, pidFile } = fakeSupervisorHome(t, 'noapi')
  const start = io()
  t.equal(await supervisorStartCommand(start, { entry }), 0, start.err)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  const status = io()
  await main(['supervisor', 'status'], status)
  t.match(status.out, `supervisor: running (pid ${pid})\nhttp: none — its HTTP API did not start: listen EADDRINUSE`)
})

t.test('status with a stale pid file: not running, and the pid it names', async t => {
  const { io, pidFile } = fakeSupervisorHome(t)
  const gone = await exitedPid()
  writeFileSync(pidFile, `${gone}\n`)
  const status = io()
  await main(['supervisor', 'status'], status)
  t.match(status.out, /^supervisor: not running — start it with: session-retry supervisor start\n/)
  t.match(status.out, `note: the pid file names pid ${gone}, which is not running`)
  const json = io()
  await main(['supervisor', 'status', '--json'], json)
  t.match(JSON.parse(json.out), { running: false, pid: null, stalePid: gone })
})
