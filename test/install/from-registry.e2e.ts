// The routes for when the package is published, exactly as the README shows them, against a real
// npm registry on 127.0.0.1 (verdaccio) made the default one in the user's HOME:
// - the plugin: `claude plugin marketplace add <this repository>`, `claude plugin install
//   smart-session-retry@smart-session-retry` (Claude Code fetches the npm package and unpacks it
//   without its dependencies);
// - without plugins: `npm install -g smart-session-retry`, `session-retry install`.
// Each ends with a limited `claude -p` run that the autostarted supervisor resumes after the reset.
// The package is packed from a copy of the checkout with no dist/, so `prepack` has to build it.
// Run by `npm run test:install`.
import t from 'tap'
import type { Test } from 'tap'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeApi, type FakeApi } from '../helpers/fake-anthropic-api.js'
import { repoRoot } from '../helpers/hook-process.js'
import { limitThenResume, userMachine, type UserMachine } from '../helpers/install-routes.js'
import { startLocalRegistry } from '../helpers/local-registry.js'
import { runProcess, type Run } from '../helpers/run-process.js'

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return runProcess(file, args, { env, cwd })
}

const scratch = mkdtempSync(join(tmpdir(), 'ssr-registry-'))
t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
const registry = await startLocalRegistry(join(scratch, 'registry'))
t.teardown(() => registry.close())

/** A checkout as a user clones it: the sources, no dist/ (node_modules linked, as after npm ci). */
function unbuiltCheckout(): string {
  const checkout = join(scratch, 'checkout')
  const skip = new Set(['node_modules', 'dist', 'plugin', '.git', '.tap', 'coverage'])
  for (const name of readdirSync(repoRoot)) {
    if (!skip.has(name) && !name.endsWith('.tgz')) cpSync(join(repoRoot, name), join(checkout, name), { recursive: true })
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'))
  return checkout
}

const publisherHome = join(scratch, 'publisher')
const npmEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, npm_config_cache: join(home, '.npm'), npm_config_update_notifier: 'false' })

t.test('npm pack on an unbuilt checkout builds first; the package is published', async t => {
  const checkout = unbuiltCheckout()
  t.notOk(existsSync(join(checkout, 'dist')), 'no dist/ to start with')
  const pack = await run('npm', ['pack', '--json', '--pack-destination', scratch], npmEnv(publisherHome), checkout)
  t.equal(pack.code, 0, 'npm pack', { stderr: pack.stderr.slice(-3000) })
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))
  const files: string[] = packed.files.map((f: { path: string }) => f.path)
  t.ok(files.includes('dist/src/cli/main.js') && files.includes('dist/hooks/journal-event.cjs'), 'prepack built the bundles')
  t.comment(`package ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`)
  await registry.writeNpmrc(publisherHome)
  const publish = await run('npm', ['publish', join(scratch, packed.filename)], npmEnv(publisherHome), scratch)
  t.equal(publish.code, 0, 'npm publish', { stderr: publish.stderr })
})

/** A user machine set up for the registry, with a fake API of its own: the two routes run side by side. */
async function userWithRegistry(t: Test): Promise<{ api: FakeApi; machine: UserMachine }> {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const machine = await userMachine(t, api)
  await registry.writeNpmrc(machine.sb.home)
  return { api, machine }
}

// Both install what the first test published; each waits mostly for its limit's reset.
t.test('the published package, installed two ways', async t => {
  t.jobs = 2

  t.test('the plugin from the registry: marketplace add, install, a limit, the resume', async t => {
    const { api, machine } = await userWithRegistry(t)
    const add = await machine.claude(['plugin', 'marketplace', 'add', repoRoot])
    t.equal(add.code, 0, 'claude plugin marketplace add', { output: add.stderr + add.stdout })
    const installStarted = Date.now()
    const install = await machine.claude(['plugin', 'install', 'smart-session-retry@smart-session-retry'])
    const installMs = Date.now() - installStarted
    t.equal(install.code, 0, 'claude plugin install', { output: install.stderr + install.stdout })
    t.match(install.stdout, /Successfully installed plugin: smart-session-retry@smart-session-retry/)
    const installed = JSON.parse(readFileSync(join(machine.sb.home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8'))
    const installPath: string = installed.plugins['smart-session-retry@smart-session-retry'][0].installPath
    t.notOk(existsSync(join(installPath, 'node_modules')), `unpacked without dependencies: ${installPath}`)

    const resumed = await limitThenResume(t, api, machine)
    t.match(resumed.supervisorCommand, `${installPath}/dist/src/cli/main.js supervisor run`, 'the supervisor runs from the unpacked package')
    t.notOk(existsSync(join(installPath, 'sessions')), 'no state in the plugin folder')
    t.comment(`claude plugin install (npm): ${installMs} ms; install start to the first journaled event: ${resumed.firstEventAt - installStarted} ms`)
  })

  t.test('without plugins: npm install -g, session-retry install, a limit, the resume', async t => {
    const { api, machine } = await userWithRegistry(t)
    const prefix = join(machine.sb.home, '.npm-global')
    // A user's own global prefix, its bin folder on PATH.
    Object.assign(machine.sb.env, { npm_config_prefix: prefix, PATH: `${join(prefix, 'bin')}:${machine.sb.env.PATH}` })
    const started = Date.now()
    const install = await run('npm', ['install', '-g', 'smart-session-retry'], machine.sb.env, machine.sb.home)
    t.equal(install.code, 0, 'npm install -g', { stderr: install.stderr })
    const packageDir = join(prefix, 'lib', 'node_modules', 'smart-session-retry')
    t.same(readdirSync(join(prefix, 'lib', 'node_modules')), ['smart-session-retry'], 'nothing else installed')
    t.notOk(existsSync(join(packageDir, 'node_modules')), 'no dependencies')
    const hooks = await run('session-retry', ['install'], machine.sb.env, machine.sb.cwd)
    t.equal(hooks.code, 0, 'session-retry install', { stderr: hooks.stderr })
    t.match(hooks.stdout, /Claude Code 2\.1\.\d+: hooks for SessionStart, UserPromptSubmit, Stop, StopFailure, Notification, SessionEnd\n.*hooks written/)
    const settings = readFileSync(join(machine.sb.home, '.claude', 'settings.json'), 'utf8')
    t.match(settings, `ssr_root='${packageDir}'`, 'the hooks run the globally installed package')

    const resumed = await limitThenResume(t, api, machine)
    t.match(resumed.supervisorCommand, `${packageDir}/dist/src/cli/main.js supervisor run`, 'the supervisor runs from the global package')
    t.comment(`npm install -g + session-retry install: ${Date.now() - started} ms in all`)
  })
})
