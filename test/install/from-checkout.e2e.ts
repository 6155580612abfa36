// The route that works today from a checkout, exactly as the README shows it: after `npm run build`,
// `claude plugin marketplace add ./plugin` and `claude plugin install
// smart-session-retry@smart-session-retry-checkout` in the checkout, with the real Claude Code in an
// empty HOME. Then a limited `claude -p` run is resumed by the supervisor the plugin autostarts.
// Run by `npm run test:install` (it builds first).
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { repoRoot } from '../helpers/hook-process.js'
import { limitThenResume, userMachine } from '../helpers/install-routes.js'

const api = await startFakeApi()
t.teardown(() => api.close())

t.test('plugin from a checkout: marketplace add ./plugin, install, a limit, the resume', async t => {
  const machine = await userMachine(t, api)
  const add = await machine.claude(['plugin', 'marketplace', 'add', './plugin'], repoRoot)
  t.equal(add.code, 0, 'claude plugin marketplace add', { output: add.stderr + add.stdout })
  const installStarted = Date.now()
  const install = await machine.claude(['plugin', 'install', 'smart-session-retry@smart-session-retry-checkout'], repoRoot)
  const installMs = Date.now() - installStarted
  t.equal(install.code, 0, 'claude plugin install', { output: install.stderr + install.stdout })
  t.match(install.stdout, /Successfully installed plugin: smart-session-retry@smart-session-retry-checkout/)

  const installed = JSON.parse(readFileSync(join(machine.sb.home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8'))
  const installPath: string = installed.plugins['smart-session-retry@smart-session-retry-checkout'][0].installPath
  t.ok(installPath.startsWith(join(machine.sb.home, '.claude', 'plugins', 'cache')), `copied into Claude Code's cache: ${installPath}`)
  t.notOk(existsSync(join(installPath, 'node_modules')), 'no node_modules was copied')
  t.notOk(existsSync(join(installPath, 'src')), 'no sources were copied')

  const resumed = await limitThenResume(t, api, machine)
  // Claude Code runs a plugin of a local marketplace from the marketplace's folder, not from its cache copy.
  const pluginRoot = join(repoRoot, 'plugin')
  t.match(resumed.supervisorCommand, `${pluginRoot}/dist/src/cli/main.js supervisor run`, 'the supervisor runs from the staged plugin')
  for (const folder of [installPath, pluginRoot]) t.notOk(existsSync(join(folder, 'sessions')) || existsSync(join(folder, '.devflow')), `no state in ${folder}`)
  t.comment(`claude plugin install: ${installMs} ms; install start to the first journaled event: ${resumed.firstEventAt - installStarted} ms`)
})
