// doctor's checks, run on real folders: a stand-in `claude` on PATH, real settings files, a real
// journal, real listeners on the port. Each check says what it found and what to do.
import t from 'tap'
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { AUTO_CONTINUE_SINCE, MIN_NODE, runChecks, type Check } from '../../src/cli/doctor-checks.js'
import { loadConfig } from '../../src/config/load-config.js'
import { homePaths } from '../../src/home/home-paths.js'
import { addOurHooks } from '../../src/install/claude-settings.js'
import { packageRoot } from '../../src/os/package-root.js'
import { freePort } from '../helpers/free-port.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const NOW = Date.parse('2026-11-25T03:00:00Z')

async function world(t: Test, { claude = '2.1.331', settings = {} as object, env = {} as Record<string, string>, port = 0 } = {}) {
  const root = t.testdir({ bin: {}, user: { '.claude': { 'settings.json': JSON.stringify(settings) } }, project: {} })
  if (claude) {
    writeFileSync(join(root, 'bin', 'claude'), `#!/bin/sh\necho "${claude} (Claude Code)"\n`)
    chmodSync(join(root, 'bin', 'claude'), 0o755)
  }
  const fullEnv = { HOME: join(root, 'user'), PATH: join(root, 'bin'), SESSION_RETRY_HOME: join(root, 'retry-home'), SESSION_RETRY_PORT: String(port || (await freePort())), ...env }
  const config = loadConfig(fullEnv, join(root, 'project'))
  const paths = homePaths(config.home)
  return { root, config, paths, run: () => runChecks(config, paths, fullEnv, join(root, 'project'), NOW) }
}

const byName = (checks: Check[]) => Object.fromEntries(checks.map(c => [c.name, c]))

t.test('a fresh install without hooks or a supervisor: what is fine, what to do next', async t => {
  const w = await world(t)
  const checks = await w.run()
  t.same(checks.map(c => c.name), ['Node.js', 'home', 'claude', 'Claude Code', 'hooks', 'supervisor', `port ${w.config.port}`, 'auto-continue'])
  const c = byName(checks)
  t.same(c['Node.js'], { name: 'Node.js', ok: true, detail: process.versions.node })
  t.same(c.home, { name: 'home', ok: true, detail: `${w.config.home} is writable` })
  t.same(c.claude, { name: 'claude', ok: true, detail: join(w.root, 'bin', 'claude') })
  t.match(c['Claude Code'], { ok: true, detail: /2\.1\.331/ })
  t.same(c.hooks, { name: 'hooks', ok: false, detail: 'not found in settings nor as an enabled plugin: session-retry install (or the plugin); no event recorded in the last 7 days' })
  t.same(c.supervisor, { name: 'supervisor', ok: false, detail: 'not running: session-retry supervisor start (or it starts with the next Claude Code session)' })
  t.same(c[`port ${w.config.port}`], { name: `port ${w.config.port}`, ok: true, detail: 'free' })
  t.match(c['auto-continue'], { ok: true, detail: /^on in Claude Code/ })
  t.notOk(checks.some(x => x.warning), 'no warnings')
})

t.test('no claude on PATH: both claude checks fail, and no auto-continue is assumed', async t => {
  const c = byName(await (await world(t, { claude: '' })).run())
  t.same(c.claude, { name: 'claude', ok: false, detail: 'claude not found on PATH: set SESSION_RETRY_CLAUDE_BIN' })
  t.same(c['Claude Code'], { name: 'Claude Code', ok: false, detail: 'could not run `claude --version`' })
  t.same(c['auto-continue'], { name: 'auto-continue', ok: true, warning: true, detail: 'this Claude Code has no auto-continue: every limited session is resumed by the supervisor' })
})

t.test('auto-continue: by Claude Code version and its setting', async t => {
  const cases: [version: string, settings: object, detail: RegExp][] = [
    ['2.1.77', {}, /^this Claude Code has no auto-continue/],
    [AUTO_CONTINUE_SINCE, {}, /^on in Claude Code/],
    ['2.1.331', { autoContinueAtUsageLimit: true }, /^on in Claude Code/],
    ['2.1.331', { autoContinueAtUsageLimit: false }, /^off in Claude Code: open sessions wait/],
  ]
  for (const [claude, settings, detail] of cases) {
    t.match(byName(await (await world(t, { claude, settings })).run())['auto-continue'], { ok: true, detail }, `${claude} ${JSON.stringify(settings)}`)
  }
})

t.test('hooks: in settings, as the plugin, or both (doubled); the last event seen', async t => {
  const hooks = addOurHooks({}, packageRoot(), ['SessionStart', 'Stop'])
  const plugin = { enabledPlugins: { 'smart-session-retry@smart-session-retry': true } }
  const inSettings = await world(t, { settings: hooks })
  mkdirSync(inSettings.paths.eventsDir, { recursive: true })
  const journal = join(inSettings.paths.eventsDir, '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b.jsonl')
  writeFileSync(journal, '')
  utimesSync(journal, new Date(NOW - 3_600_000), new Date(NOW - 3_600_000))
  t.same(byName(await inSettings.run()).hooks, { name: 'hooks', ok: true, detail: 'in settings for SessionStart, Stop; last event 2026-11-25T02:00:00.000Z' })
  utimesSync(journal, new Date(NOW - 8 * 86_400_000), new Date(NOW - 8 * 86_400_000))
  t.match(byName(await inSettings.run()).hooks, { ok: true, detail: /; no event recorded in the last 7 days$/ }, 'an event older than a week is not "last seen"')
  t.same(byName(await (await world(t, { settings: plugin })).run()).hooks, { name: 'hooks', ok: true, detail: 'plugin enabled (smart-session-retry@smart-session-retry); no event recorded in the last 7 days' })
  const doubled = await world(t, { settings: { ...hooks, ...plugin } })
  t.match(byName(await doubled.run()).hooks, { ok: false, detail: /^doubled: the plugin smart-session-retry@smart-session-retry and hooks in .*settings\.json each record every event/ })
})

async function listen(t: Test, handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server: Server = createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => server.close(resolve)))
  return (server.address() as AddressInfo).port
}

t.test('the port: taken by another program, or by something that is not a supervisor', async t => {
  const other = await listen(t, (_req, res) => res.end(JSON.stringify({ status: 'ok', pid: 4242 })))
  const name = `port ${other}`
  t.same(byName(await (await world(t, { port: other })).run())[name], { name, ok: false, detail: 'in use by another program (pid 4242): set SESSION_RETRY_PORT' })
  const stranger = await listen(t, (req, res) => req.socket.destroy())
  t.match(byName(await (await world(t, { port: stranger })).run())[`port ${stranger}`], { ok: false, detail: /^in use, but not answering like a supervisor \(/ })
})

t.test('a hook switch the hook reads as "on" although it says something else is a warning', async t => {
  const checks = await (await world(t, { env: { SESSION_RETRY_AUTOSTART: 'maybe' } })).run()
  const warnings = checks.filter(c => c.warning)
  t.equal(warnings.length, 1)
  t.match(warnings[0], { name: 'hook switch', ok: true, detail: 'SESSION_RETRY_AUTOSTART="maybe" is neither true nor false: the hook takes it as true; use true or false' })
})

t.test('with autostart off, doctor says so instead of promising the next session', async t => {
  const c = byName(await (await world(t, { env: { SESSION_RETRY_AUTOSTART: 'false' } })).run())
  t.same(c.supervisor, { name: 'supervisor', ok: false, detail: 'not running: session-retry supervisor start (SESSION_RETRY_AUTOSTART is off)' })
})

t.test('a home that cannot be written', async t => {
  const root = t.testdir({ file: 'not a folder' })
  const config = loadConfig({ HOME: root, PATH: '', SESSION_RETRY_HOME: join(root, 'file', 'home'), SESSION_RETRY_PORT: String(await freePort()) }, root)
  const c = byName(await runChecks(config, homePaths(config.home), {}, root, NOW))
  t.match(c.home, { ok: false, detail: new RegExp(`^${join(root, 'file', 'home').replace(/[/.]/g, '\\$&')} is not writable: `) })
})

t.test('pinned minimums', async t => {
  t.equal(MIN_NODE, '20.19.0')
  t.equal(AUTO_CONTINUE_SINCE, '2.1.234')
})
