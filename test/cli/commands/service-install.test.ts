// `service install` carries what the supervisor needs into the service (PATH, the resolved claude,
// home, port), refuses when claude cannot be found, and `service uninstall` takes it away. In
// process, on real files; the service manager is not on the test's PATH, so nothing is enabled.
import t from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'

const { main } = await import('../../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function setup(t: Test, { withClaude = true } = {}) {
  const root = t.testdir()
  const home = join(root, 'home')
  const bin = join(root, 'bin')
  mkdirSync(home)
  mkdirSync(bin)
  if (withClaude) {
    writeFileSync(join(bin, 'claude'), '#!/bin/sh\necho "2.1.331 (Claude Code)"\n')
    chmodSync(join(bin, 'claude'), 0o755)
  }
  // Only the folder with claude (and node's, to find nothing else): no systemctl.
  const env = { HOME: home, PATH: `${bin}:/nonexistent`, SESSION_RETRY_HOME: join(root, 'retry home'), SESSION_RETRY_PORT: '8899', SESSION_RETRY_RESUME_MARGIN: '30' }
  const run = async (args: string[]) => {
    const io = captureIo({ env, cwd: root })
    const code = await main(args, io)
    return { code, out: io.out, err: io.err }
  }
  const unit = join(home, '.config', 'systemd', 'user', 'session-retry.service')
  return { root, bin, env, run, unit }
}

t.test('service install writes a unit with the PATH, the resolved claude, home and port', { skip: process.platform !== 'linux' && 'systemd on Linux' }, async t => {
  const { bin, env, run, unit } = setup(t)
  const r = await run(['service', 'install'])
  t.equal(r.code, 0, r.err)
  t.match(r.out, `wrote ${unit}\nit runs the supervisor with claude at ${join(bin, 'claude')}, home ${env.SESSION_RETRY_HOME}, port 8899, and this shell's PATH\n`)
  const text = readFileSync(unit, 'utf8')
  t.match(text, `Environment="PATH=${env.PATH}"\n`)
  t.match(text, `Environment="SESSION_RETRY_CLAUDE_BIN=${join(bin, 'claude')}"\n`)
  t.match(text, `Environment="SESSION_RETRY_HOME=${env.SESSION_RETRY_HOME}"\n`)
  t.match(text, 'Environment="SESSION_RETRY_PORT=8899"\n')
  t.match(text, 'Environment="SESSION_RETRY_RESUME_MARGIN=30"\n', 'the shell’s own settings are carried')
  t.match(text, `StandardOutput=append:${join(env.SESSION_RETRY_HOME, 'logs', 'supervisor.out')}\n`)
  t.ok(existsSync(join(env.SESSION_RETRY_HOME, 'logs')), 'the output folder exists for systemd to append to')
  t.equal(statSync(unit).mode & 0o777, 0o600)

  const dry = await run(['service', 'uninstall', '--dry-run'])
  t.equal(dry.out, `would run: systemctl --user disable --now session-retry.service\nwould remove ${unit}\nwould run: systemctl --user daemon-reload\n`)
  t.ok(existsSync(unit))
  const un = await run(['service', 'uninstall'])
  t.equal(un.code, 0, un.err)
  t.match(un.out, /^systemctl --user disable --now session-retry\.service: .*ENOENT.* \(if the service still runs, stop it by hand\)\n/)
  t.match(un.out, `removed ${unit}\n`)
  t.notOk(existsSync(unit), 'the unit is gone')
  const again = await run(['service', 'uninstall'])
  t.same(again, { code: 0, out: `no service file at ${unit}: nothing to remove\n`, err: '' })
})

t.test('service install refuses when claude cannot be found: the service could resume nothing', async t => {
  const { run, unit } = setup(t, { withClaude: false })
  const r = await run(['service', 'install'])
  t.equal(r.code, 1)
  t.match(r.err, /^session-retry: claude is not on PATH here, so the service could not resume anything\. .*SESSION_RETRY_CLAUDE_BIN/)
  t.notOk(existsSync(unit))
})

t.test('service install --dry-run writes nothing', { skip: process.platform !== 'linux' && 'systemd on Linux' }, async t => {
  const { run, unit } = setup(t)
  const r = await run(['service', 'install', '--dry-run'])
  t.equal(r.code, 0)
  t.match(r.out, `${unit} would hold:\n[Unit]\n`)
  t.notOk(existsSync(unit))
})
