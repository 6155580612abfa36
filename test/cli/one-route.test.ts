// One route at a time: the plugin and hooks written by `install` both record every event, so with
// both every event is journaled twice. `install` refuses while the plugin is enabled (unless
// --force) and `doctor` flags doubled hooks. In-process, on real settings files.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../src/cli/cli-io.js'
import { PLUGIN_NAME } from '../../src/install/claude-settings.js'
import { repoRoot } from '../helpers/hook-process.js'

const { main } = await import('../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function setup(t: Test, settings: Record<string, unknown>) {
  const root = t.testdir()
  const home = join(root, 'home')
  const project = join(root, 'project')
  mkdirSync(join(home, '.claude'), { recursive: true })
  mkdirSync(project)
  const settingsFile = join(home, '.claude', 'settings.json')
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n')
  const env = {
    HOME: home,
    PATH: process.env.PATH,
    SESSION_RETRY_HOME: join(root, 'retry-home'),
    // No Claude Code to ask, no supervisor port to find: the hooks check is what is tested.
    SESSION_RETRY_CLAUDE_BIN: join(root, 'no-claude'),
    SESSION_RETRY_PORT: '1',
  }
  const run = async (args: string[]) => {
    const io = captureIo({ env, cwd: project })
    const code = await main(args, io)
    return { code, out: io.out, err: io.err }
  }
  return { settingsFile, run, project }
}

async function hooksCheck(run: (args: string[]) => Promise<{ out: string }>) {
  const doctor = await run(['doctor', '--json'])
  return JSON.parse(doctor.out).checks.find((c: { name: string }) => c.name === 'hooks')
}

const ENABLED = { enabledPlugins: { 'smart-session-retry@smart-session-retry': true } }

t.test('the plugin name the settings are checked for is the plugin manifest’s', async t => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, '.claude-plugin', 'plugin.json'), 'utf8'))
  t.equal(PLUGIN_NAME, manifest.name)
})

t.test('install refuses while the plugin is enabled, and changes nothing', async t => {
  const { settingsFile, run } = setup(t, { model: 'sonnet', ...ENABLED })
  const before = readFileSync(settingsFile, 'utf8')
  const r = await run(['install'])
  // What install says: test/cli/commands/install.test.ts.
  t.equal(r.code, 1)
  t.equal(readFileSync(settingsFile, 'utf8'), before, 'settings untouched')
  t.same((await hooksCheck(run)).ok, true, 'the plugin alone is fine')
})

t.test('install --force installs anyway; doctor then flags the doubled hooks', async t => {
  const { settingsFile, run } = setup(t, ENABLED)
  const r = await run(['install', '--force'])
  t.equal(r.code, 0, r.err)
  t.ok(JSON.parse(readFileSync(settingsFile, 'utf8')).hooks.SessionStart, 'hooks written')
  const check = await hooksCheck(run)
  t.equal(check.ok, false)
  t.match(check.detail, /^doubled: the plugin smart-session-retry@smart-session-retry and hooks in .*settings\.json each record every event, so every event is journaled twice/)
  t.equal((await run(['uninstall'])).code, 0)
  t.equal((await hooksCheck(run)).ok, true, 'one route again')
})

t.test('hooks installed in two scopes are doubled too', async t => {
  const { run } = setup(t, {})
  t.equal((await run(['install'])).code, 0)
  t.equal((await run(['install', '--scope', 'project'])).code, 0)
  t.match(await hooksCheck(run), { ok: false, detail: /^doubled: hooks in .*home\/\.claude\/settings\.json and hooks in .*project\/\.claude\/settings\.json/ })
})
