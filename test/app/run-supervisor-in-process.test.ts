// runSupervisor in-process on a real home: ready, serving and applying journals until told to
// stop; a second one on the same home refuses to start; a stop during start-up is honoured; a
// port clash costs the HTTP API only.
import t from 'tap'
import type { Test } from 'tap'
import { createServer } from 'node:net'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runSupervisor } from '../../src/app/run-supervisor.js'
import { loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths } from '../../src/home/home-paths.js'
import type { Supervisor } from '../../src/supervisor/supervisor.js'
import { processDir } from '../helpers/process-dir.js'
import { waitFor } from '../helpers/wait-for.js'

// The usage estimate runs ccusage; a missing one is only "unavailable", and nothing reads the user's transcripts.
process.env.SESSION_RETRY_CCUSAGE_BIN = '/nonexistent/ccusage'

function start(t: Test, env: Record<string, string> = {}, home = join(processDir(t, { home: {} }), 'home')) {
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false', CLAUDE_CONFIG_DIR: join(home, '..', 'claude'), ...env })
  let stop = () => {}
  const stopSignal = new Promise<void>(resolve => (stop = resolve))
  const said: string[] = []
  let ready: (value: { supervisor: Supervisor; port: number | null }) => void = () => {}
  const readyNow = new Promise<{ supervisor: Supervisor; port: number | null }>(resolve => (ready = resolve))
  const exit = runSupervisor(config, { stopSignal, onReady: r => ready(r), say: line => said.push(line) })
  // Stopped before the folder goes (teardowns run last-registered first).
  t.teardown(async () => {
    stop()
    await exit.catch(() => {})
  })
  return { home, paths: homePaths(home), stop, exit, ready: readyNow, said }
}

t.test('ready with its API, applies a journal line, and exits 0 when told to stop, lock released', async t => {
  const run = start(t)
  const { supervisor, port } = await run.ready
  t.ok(port! > 0, 'the API listens')
  const health = await fetch(`http://127.0.0.1:${port}/health`)
  t.equal(health.status, 200)
  t.equal(Number(readFileSync(run.paths.pidFile, 'utf8').trim().split(/\s/)[0]), process.pid, 'the pid file names this process')
  const id = randomUUID()
  appendRecord(run.paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event: 'SessionStart', sessionId: id, origin: 'hook', cwd: '/work/a', source: 'startup' })
  await waitFor(() => supervisor.sessions.get(id)?.state === 'active', { what: 'the journal line to be applied' })
  run.stop()
  t.equal(await run.exit, 0)
  t.notOk(existsSync(run.paths.pidFile), 'the pid file is gone')
  t.match(readFileSync(run.paths.supervisorLog, 'utf8'), /supervisor stopping/)
})

t.test('a second supervisor on the same home does not start', async t => {
  const first = start(t)
  await first.ready
  const second = start(t, {}, first.home)
  t.equal(await second.exit, 1)
  t.match(second.said, [/not starting a second one/])
})

t.test('a stop asked for during start-up ends it before it is ready', async t => {
  const run = start(t)
  run.stop()
  let readied = false
  void run.ready.then(() => (readied = true))
  t.equal(await run.exit, 0)
  t.notOk(readied, 'never ready')
  t.match(readFileSync(run.paths.supervisorLog, 'utf8'), /supervisor stopping/)
})

t.test('its port taken: no HTTP API, said so, and the supervisor runs anyway', async t => {
  const blocker = createServer()
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => blocker.close(() => resolve())))
  const taken = (blocker.address() as { port: number }).port
  const run = start(t, { SESSION_RETRY_PORT: String(taken) })
  const { supervisor, port } = await run.ready
  t.equal(port, null)
  t.match(run.said, [/HTTP API not started/])
  t.match(supervisor.stats.lastError, /HTTP API not started/)
  run.stop()
  t.equal(await run.exit, 0)
})
