// supervisor run: the real supervisor in-process on a real home, until the stop signal; its ready
// line and the reason its API did not start, which `supervisor start` reads back; a bad integration
// setting refused before it starts.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { processDir } from '../../helpers/process-dir.js'
import { waitFor } from '../../helpers/wait-for.js'

const { main } = await import('../../../src/cli/main.js')

const QUIET = { SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false', SESSION_RETRY_LOG_LEVEL: 'warn' }

t.test('supervisor run: the real supervisor in-process until the stop signal', async t => {
  const home = processDir(t)
  const stop = new AbortController()
  // Whatever fails below, the supervisor is stopped before its home is removed.
  t.teardown(() => stop.abort())
  const io = captureIo({ env: { SESSION_RETRY_HOME: home, ...QUIET }, cwd: home, signal: stop.signal })
  let finished: number | null = null
  const running = main(['supervisor', 'run'], io).then(code => (finished = code))
  await waitFor(() => finished !== null || io.out.includes('supervisor: ready'), { timeoutMs: 90_000, what: 'ready or exit' })
  t.equal(finished, null, `still running: ${io.err}`)
  t.match(io.out, new RegExp(`^supervisor: ready \\(pid ${process.pid}, home ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, port \\d+\\)\n$`))
  t.match(readFileSync(join(home, 'supervisor.pid'), 'utf8'), new RegExp(`^${process.pid} (\\d+|-)\\n$`), 'pid and start time')
  stop.abort()
  t.equal(await running, 0)
  t.notOk(existsSync(join(home, 'supervisor.pid')), 'released on the way out')
})

t.test('supervisor run on a taken port: ready without its API, and why, on stderr', async t => {
  const home = processDir(t)
  const holder = createServer()
  await new Promise<void>(resolve => holder.listen(0, '127.0.0.1', resolve))
  t.teardown(() => void holder.close())
  const port = (holder.address() as AddressInfo).port
  const stop = new AbortController()
  t.teardown(() => stop.abort())
  const io = captureIo({ env: { SESSION_RETRY_HOME: home, ...QUIET, SESSION_RETRY_PORT: String(port) }, cwd: home, signal: stop.signal })
  let finished: number | null = null
  const running = main(['supervisor', 'run'], io).then(code => (finished = code))
  await waitFor(() => finished !== null || io.out.includes('supervisor: ready'), { timeoutMs: 90_000, what: 'ready or exit' })
  t.equal(finished, null, `still running: ${io.err}`)
  t.match(io.out, new RegExp(`^supervisor: ready \\(pid ${process.pid}, home .*, port none\\)\n$`))
  t.equal(io.err, `session-retry: HTTP API not started: HTTP API: port ${port} on 127.0.0.1 is already in use; set SESSION_RETRY_PORT to another port\n`)
  stop.abort()
  t.equal(await running, 0)
})

t.test('supervisor run with a bad integration setting: exit 2 naming it, nothing started', async t => {
  const home = processDir(t)
  const stop = new AbortController()
  t.teardown(() => stop.abort())
  const io = captureIo({ env: { SESSION_RETRY_HOME: home, ...QUIET, SESSION_RETRY_NOTIFY: 'webhook' }, cwd: home, signal: stop.signal })
  t.equal(await main(['supervisor', 'run'], io), 2, io.err)
  t.match(io.err, /SESSION_RETRY_NOTIFY_URL is required when SESSION_RETRY_NOTIFY includes webhook/)
  t.equal(io.out, '', 'no ready line')
  t.notOk(existsSync(join(home, 'supervisor.pid')), 'no pid file')
})
