// `session-retry dashboard` in-process against a real supervisor process: the URL with the token in
// its fragment (--no-open, --json), the hand-over file an opener gets, and the clear refusals when
// there is no supervisor, no fixed port, another program on the port, or no token yet.
import t from 'tap'
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { handoffPage } from '../../../src/cli/commands/dashboard.js'
import { homePaths } from '../../../src/home/home-paths.js'
import { startSupervisor } from '../../helpers/supervisor-process.js'
import { waitFor } from '../../helpers/wait-for.js'
import { processDir } from '../../helpers/process-dir.js'
import { freePort } from '../../helpers/free-port.js'

const { main } = await import('../../../src/cli/main.js')

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const io = captureIo({ env })
  const code = await main(argv, io)
  return { code, out: io.out, err: io.err }
}

t.test('--help', async t => {
  const r = await run(['dashboard', '--help'], {})
  t.equal(r.code, 0)
  t.match(r.out, /^Usage: session-retry dashboard /)
  t.match(r.out, /--no-open/)
})

t.test('the hand-over page moves on to the URL and escapes it', async t => {
  const page = handoffPage('http://127.0.0.1:8889/#token=abc"<&')
  t.match(page, '<meta http-equiv="refresh" content="0; url=http://127.0.0.1:8889/#token=abc&quot;&lt;&amp;">')
  t.match(page, '<meta name="referrer" content="no-referrer">')
})

t.test('no supervisor: a clear error, exit 1', async t => {
  const home = join(processDir(t, { home: {} }), 'home')
  const r = await run(['dashboard', '--no-open'], { SESSION_RETRY_HOME: home })
  t.equal(r.code, 1)
  t.equal(r.out, '')
  t.match(r.err, /^session-retry: no supervisor is running, so there is no dashboard — start it with: session-retry supervisor start\n$/)
})

t.test('with a real supervisor', async t => {
  const dir = processDir(t, { home: {}, bin: {} })
  const home = join(dir, 'home')
  const port = await freePort()
  const env = { PATH: process.env.PATH, HOME: dir, SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: String(port), SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const paths = homePaths(home)
  const token = readFileSync(paths.tokenFile, 'utf8').trim()
  const url = `http://127.0.0.1:${port}/#token=${token}`

  await t.test('--no-open prints the URL with the token in its fragment', async t => {
    const r = await run(['dashboard', '--no-open'], env)
    t.same(r, { code: 0, out: `${url}\n`, err: '' })
  })

  await t.test('--json', async t => {
    const r = await run(['dashboard', '--no-open', '--json'], env)
    t.equal(r.code, 0)
    t.same(JSON.parse(r.out), { version: 1, url, opened: false })
  })

  await t.test('opening: the opener gets a 0600 file that holds the URL, never the token itself', async t => {
    const record = join(dir, 'opener-args.txt')
    writeFileSync(join(dir, 'bin', 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`)
    chmodSync(join(dir, 'bin', 'xdg-open'), 0o755)
    const r = await run(['dashboard'], { ...env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` })
    t.same(r, { code: 0, out: `opened the dashboard in your browser: http://127.0.0.1:${port}/\n`, err: '' })
    const args = await waitFor(() => {
      try {
        return readFileSync(record, 'utf8')
      } catch {
        return undefined
      }
    }, { what: 'the opener to run' })
    t.equal(args, `file://${paths.dashboardHandoff}\n`)
    t.notMatch(args, token)
    t.equal(statSync(paths.dashboardHandoff).mode & 0o777, 0o600)
    t.match(readFileSync(paths.dashboardHandoff, 'utf8'), `url=${url}"`)
  })

  await t.test('no opener on PATH: says so and prints the URL instead', async t => {
    const r = await run(['dashboard'], { ...env, PATH: join(dir, 'empty') })
    t.equal(r.code, 0)
    t.equal(r.out, `${url}\n`)
    t.match(r.err, /^note: cannot run (xdg-open|open) \(ENOENT\); open this URL yourself\n$/)
  })

  await t.test('SESSION_RETRY_PORT=0: no known address', async t => {
    const r = await run(['dashboard', '--no-open'], { ...env, SESSION_RETRY_PORT: '0' })
    t.equal(r.code, 1)
    t.match(r.err, /SESSION_RETRY_PORT is 0/)
  })

  await t.test('another program on the port, or nothing: refused, never handed the token', async t => {
    const other: Server = createServer((_req, res) => res.end(JSON.stringify({ pid: 1 })))
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    t.teardown(() => new Promise(resolve => other.close(resolve)))
    const otherPort = (other.address() as AddressInfo).port
    const r = await run(['dashboard', '--no-open'], { ...env, SESSION_RETRY_PORT: String(otherPort) })
    t.equal(r.code, 1)
    t.equal(r.out, '')
    t.match(r.err, new RegExp(`port ${otherPort} is answered by another program \\(pid 1\\), not this home's supervisor`))
    const closed = await freePort()
    const none = await run(['dashboard', '--no-open'], { ...env, SESSION_RETRY_PORT: String(closed) })
    t.equal(none.code, 1)
    t.match(none.err, new RegExp(`does not answer on port ${closed} \\(ECONNREFUSED\\)`))
  })

  await t.test('no token file yet: says so', async t => {
    rmSync(paths.tokenFile)
    t.teardown(() => writeFileSync(paths.tokenFile, token + '\n', { mode: 0o600 }))
    const r = await run(['dashboard', '--no-open'], env)
    t.equal(r.code, 1)
    t.match(r.err, /has not written its API token/)
  })
})
