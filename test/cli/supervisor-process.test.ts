// The supervisor as a process, seen from the CLI, against real processes and real sockets: is a pid
// alive, is it a supervisor, who answers /health on a port, where a supervisor's HTTP API answers,
// polling with a deadline, and how deadlines are written.
import t from 'tap'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { formatReadyLine } from '../../src/hook/autostart-supervisor.js'
import { homePaths } from '../../src/home/home-paths.js'
import { isProcessAlive, looksLikeSupervisor, pollUntil, probeHealth, seconds, supervisorHttp } from '../../src/cli/supervisor-process.js'
import { exitedPid, spawnIdle } from '../helpers/fake-supervisor.js'
import { freePort } from '../helpers/free-port.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const hasProc = existsSync('/proc/self/cmdline')

/** An HTTP server on 127.0.0.1 answering every request with `body` (or never, for null); closed at teardown. */
async function serve(t: Test, body: string | null): Promise<number> {
  const server: Server = createServer((_req, res) => {
    if (body !== null) res.end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>(resolve => server.close(() => resolve()))
  })
  return (server.address() as AddressInfo).port
}

/** A home whose supervisor.out holds `lines`. */
function homeWithOutput(t: Test, lines: string[]) {
  const paths = homePaths(t.testdir())
  mkdirSync(paths.logsDir, { recursive: true })
  writeFileSync(paths.supervisorOutput, lines.map(line => line + '\n').join(''))
  return paths
}

t.test('isProcessAlive: this process is, an exited one is not', async t => {
  t.ok(isProcessAlive(process.pid))
  t.notOk(isProcessAlive(await exitedPid()))
})

t.test('looksLikeSupervisor: by the command line, when it can be read', { skip: !hasProc && 'needs /proc' }, async t => {
  const supervisor = spawnIdle(t, ['supervisor', 'run'])
  const other = spawnIdle(t, ['some-other-program'])
  // Until the child has exec'd, /proc shows the parent's command line.
  await waitFor(() => readFileSync(`/proc/${supervisor.pid}/cmdline`, 'utf8').includes('run'))
  await waitFor(() => readFileSync(`/proc/${other.pid}/cmdline`, 'utf8').includes('some-other-program'))
  t.ok(looksLikeSupervisor(supervisor.pid!), 'a command line that mentions supervisor')
  t.notOk(looksLikeSupervisor(other.pid!), 'a reused pid: another program')
})

t.test('looksLikeSupervisor: a process whose command line cannot be read is not ruled out', async t => {
  t.ok(looksLikeSupervisor(await exitedPid()))
})

t.test('pollUntil: true as soon as the probe holds, false once the deadline passes', async t => {
  let calls = 0
  t.equal(await pollUntil(() => (++calls, true), 10_000), true)
  t.equal(calls, 1, 'no wait when it holds at once')

  calls = 0
  t.equal(await pollUntil(() => ++calls >= 3, 60_000, 1), true)
  t.equal(calls, 3, 'asked again until it holds, then no more')

  calls = 0
  t.equal(await pollUntil(() => (++calls, false), 0), false)
  t.equal(calls, 1, 'asked once when the deadline has passed already')

  calls = 0
  const started = Date.now()
  t.equal(await pollUntil(() => (++calls, false), 100, 10), false)
  t.ok(Date.now() - started >= 100, 'not before the deadline')
  t.ok(calls >= 2, `asked again while waiting (${calls} times)`)
})

t.test('seconds: a deadline as people read it', async t => {
  t.equal(seconds(10_000), '10 s')
  t.equal(seconds(3_000), '3 s')
  t.equal(seconds(300), '0.3 s')
  t.equal(seconds(1_250), '1.3 s')
  t.equal(seconds(40), '0 s')
})

t.test('probeHealth: the pid a server reports, or why nothing answered like a supervisor', async t => {
  t.same(await probeHealth(await serve(t, JSON.stringify({ pid: 4242, ok: true }))), { pid: 4242 })
  t.same(await probeHealth(await serve(t, JSON.stringify({ pid: '4242' }))), { pid: null }, 'a pid that is not a number')
  t.same(await probeHealth(await serve(t, '<html>not a supervisor</html>')), { pid: null }, 'not JSON')
  t.same(await probeHealth(await freePort()), { error: 'ECONNREFUSED' }, 'nothing listens')
  const silent = await probeHealth(await serve(t, null), 200)
  t.ok('error' in silent, 'a server that never answers')
  t.match(silent, { error: /timeout|abort/i })
})

t.test('probeHealth asks GET /health', async t => {
  let asked = ''
  const server = createServer((req, res) => {
    asked = `${req.method} ${req.url}`
    res.end('{"pid":1}')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  await probeHealth((server.address() as AddressInfo).port)
  t.equal(asked, 'GET /health')
})

t.test('supervisorHttp: the port from its ready line, checked with /health', async t => {
  const pid = 4242
  const port = await serve(t, JSON.stringify({ pid }))
  const paths = homeWithOutput(t, ['--- 2026-11-25T03:00:00.000Z supervisor start (requested by pid 1)', formatReadyLine({ pid, home: '/h', port })])
  t.same(await supervisorHttp(paths, pid, 0), { url: `http://127.0.0.1:${port}`, problem: null })
  t.same(await supervisorHttp(paths, pid, 8889), { url: `http://127.0.0.1:${port}`, problem: null }, 'the ready line wins over the configured port')
})

t.test('supervisorHttp: the port answered by another program', async t => {
  const port = await serve(t, JSON.stringify({ pid: 777 }))
  const paths = homeWithOutput(t, [formatReadyLine({ pid: 4242, home: '/h', port })])
  t.same(await supervisorHttp(paths, 4242, 0), { url: null, problem: `http://127.0.0.1:${port} is served by another program (pid 777), not by this supervisor` })
  const anonymous = await serve(t, 'hello')
  const other = homeWithOutput(t, [formatReadyLine({ pid: 4242, home: '/h', port: anonymous })])
  t.same(await supervisorHttp(other, 4242, 0), { url: null, problem: `http://127.0.0.1:${anonymous} is served by another program (pid ?), not by this supervisor` })
})

t.test('supervisorHttp: nothing answers on its port', async t => {
  const port = await freePort()
  const paths = homeWithOutput(t, [formatReadyLine({ pid: 4242, home: '/h', port })])
  t.same(await supervisorHttp(paths, 4242, 0), { url: null, problem: `http://127.0.0.1:${port} does not answer (ECONNREFUSED)` })
})

t.test('supervisorHttp: an API that did not start, with the reason when it printed one', async t => {
  const said = homeWithOutput(t, ['session-retry: HTTP API not started: listen EADDRINUSE: address already in use 127.0.0.1:8889', formatReadyLine({ pid: 4242, home: '/h', port: null })])
  t.same(await supervisorHttp(said, 4242, 8889), { url: null, problem: 'its HTTP API did not start: listen EADDRINUSE: address already in use 127.0.0.1:8889' })
  const silent = homeWithOutput(t, [formatReadyLine({ pid: 4242, home: '/h', port: null })])
  t.same(await supervisorHttp(silent, 4242, 8889), { url: null, problem: `its HTTP API did not start: see ${silent.supervisorOutput}` })
})

t.test('supervisorHttp: no ready line from this pid', async t => {
  const port = await serve(t, JSON.stringify({ pid: 4242 }))
  // Another supervisor's ready line does not count for this one.
  const paths = homeWithOutput(t, [formatReadyLine({ pid: 999, home: '/h', port: 1 })])
  t.same(await supervisorHttp(paths, 4242, 0), { url: null, problem: `unknown: no ready line from pid 4242 in ${paths.supervisorOutput}` }, 'port 0: no way to know')
  t.same(await supervisorHttp(paths, 4242, port), { url: `http://127.0.0.1:${port}`, problem: null }, 'the configured port, checked')
})
