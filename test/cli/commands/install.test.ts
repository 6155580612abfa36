// `session-retry install|uninstall` in-process through main(), on a real temporary HOME and
// CLAUDE_CONFIG_DIR, with a stand-in `claude` that reports a version (or none to find): the scope
// chosen, the events matched to the version, what is printed as text and JSON, dry runs, and the
// refusals (a bad scope, the plugin enabled, a broken settings file).
import t from 'tap'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { eventsFor, registeredEvents } from '../../../src/install/claude-settings.js'

const { main } = await import('../../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const NOW = Date.parse('2030-05-06T07:08:09.000Z')

function setup(t: Test, options: { claudeVersion?: string | null; userSettings?: Record<string, unknown> } = {}) {
  const root = t.testdir({ home: {}, config: {}, project: {}, bin: {} })
  const config = join(root, 'config')
  const project = join(root, 'project')
  let claudeBin = join(root, 'bin', 'no-claude')
  if (options.claudeVersion !== null) {
    claudeBin = join(root, 'bin', 'claude')
    writeFileSync(claudeBin, `#!/bin/sh\necho '${options.claudeVersion ?? '2.1.331'} (Claude Code)'\n`)
    chmodSync(claudeBin, 0o755)
  }
  const userFile = join(config, 'settings.json')
  if (options.userSettings) writeFileSync(userFile, JSON.stringify(options.userSettings, null, 2) + '\n')
  const env = {
    HOME: join(root, 'home'),
    CLAUDE_CONFIG_DIR: config,
    PATH: process.env.PATH,
    SESSION_RETRY_HOME: join(root, 'retry-home'),
    SESSION_RETRY_CLAUDE_BIN: claudeBin,
  }
  const run = async (args: string[]) => {
    const io = captureIo({ env, cwd: project, now: () => NOW })
    const code = await main(args, io)
    return { code, out: io.out, err: io.err }
  }
  return { root, config, project, userFile, run }
}

const ENABLED = { enabledPlugins: { 'smart-session-retry@smart-session-retry': true } }

t.test('install into CLAUDE_CONFIG_DIR, again, then uninstall: what each says', async t => {
  const { userFile, config, run } = setup(t, { userSettings: { model: 'opus' } })
  const original = readFileSync(userFile, 'utf8')
  const first = await run(['install'])
  t.equal(first.code, 0, first.err)
  t.equal(first.err, '')
  const backup = `${userFile}.session-retry-backup-2030-05-06T07-08-09.000Z`
  t.equal(first.out, `Claude Code 2.1.331: hooks for ${eventsFor('2.1.331').join(', ')}\n${userFile}: hooks written (backup: ${backup})\n`)
  t.equal(readFileSync(backup, 'utf8'), original)
  const settings = JSON.parse(readFileSync(userFile, 'utf8'))
  t.same(registeredEvents(settings), eventsFor('2.1.331'))
  t.equal(settings.model, 'opus')
  t.match(JSON.stringify(settings), /record-event\.sh/, 'the hook command points at this package')

  const again = await run(['install'])
  t.equal(again.code, 0)
  t.equal(again.out, `Claude Code 2.1.331: hooks for ${eventsFor('2.1.331').join(', ')}\n${userFile}: already installed, nothing to do\n`)

  const removed = await run(['uninstall'])
  t.equal(removed.code, 0, removed.err)
  t.equal(removed.out, `${userFile}: hooks removed (backup: ${backup})\n`, 'the same now, so the same backup name')
  t.equal(readFileSync(userFile, 'utf8'), original, 'byte for byte')
  t.equal((await run(['uninstall'])).out, `${userFile}: already clean, nothing to do\n`)
  t.same(readdirSync(config).sort(), ['settings.json', 'settings.json.session-retry-backup-2030-05-06T07-08-09.000Z'])
})

t.test('an older Claude Code gets no StopFailure; an unknown one gets the safe set, said so', async t => {
  const old = setup(t, { claudeVersion: '2.1.77' })
  const r = await old.run(['install'])
  t.equal(r.code, 0, r.err)
  t.match(r.out, /^Claude Code 2\.1\.77: hooks for SessionStart, UserPromptSubmit, Stop, Notification, SessionEnd\n/)
  t.notOk(registeredEvents(JSON.parse(readFileSync(old.userFile, 'utf8'))).includes('StopFailure'))

  const unknown = setup(t, { claudeVersion: null })
  const u = await unknown.run(['install'])
  t.equal(u.code, 0, u.err)
  t.match(u.out, /^Claude Code version unknown \(claude --version failed\): hooks for .* \(StopFailure left out to be safe\)\n/)
  t.match(u.out, new RegExp(`\\n${unknown.userFile.replace(/[.]/g, '\\.')}: hooks written\\n$`), 'a new file: no backup')
  t.same(registeredEvents(JSON.parse(readFileSync(unknown.userFile, 'utf8'))), eventsFor(null))
})

t.test('--scope project and local write into the project’s .claude folder', async t => {
  const { project, userFile, run } = setup(t)
  t.equal((await run(['install', '--scope', 'project'])).code, 0)
  t.equal((await run(['install', '--scope', 'local'])).code, 0)
  for (const name of ['settings.json', 'settings.local.json']) {
    t.same(registeredEvents(JSON.parse(readFileSync(join(project, '.claude', name), 'utf8'))), eventsFor('2.1.331'), name)
  }
  t.notOk(existsSync(userFile), 'the user file is not touched')
  t.equal((await run(['uninstall', '--scope', 'local'])).code, 0)
  t.same(registeredEvents(JSON.parse(readFileSync(join(project, '.claude', 'settings.local.json'), 'utf8'))), [])
  t.same(registeredEvents(JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'))), eventsFor('2.1.331'), 'the other scope kept')
})

t.test('a scope that is none of the three is a usage error, and nothing is written', async t => {
  const { config, run } = setup(t)
  for (const command of ['install', 'uninstall']) {
    const r = await run([command, '--scope', 'global'])
    t.equal(r.code, 2, command)
    t.equal(r.err, `session-retry: --scope must be user, project or local, not "global"\n`)
    t.equal(r.out, '')
  }
  t.same(readdirSync(config), [])
})

t.test('--dry-run shows the file it would write and writes nothing', async t => {
  const { config, userFile, run } = setup(t)
  const r = await run(['install', '--dry-run'])
  t.equal(r.code, 0, r.err)
  const [, text] = new RegExp(`\\n${userFile.replace(/[.]/g, '\\.')} would become:\\n([\\s\\S]*)\\n$`).exec(r.out) ?? []
  t.same(registeredEvents(JSON.parse(text ?? 'null') ?? {}), eventsFor('2.1.331'), r.out)
  t.same(readdirSync(config), [], 'nothing written')
})

t.test('--json: one object saying what was done', async t => {
  const { userFile, run } = setup(t, { claudeVersion: '2.1.331' })
  const r = await run(['install', '--json', '--dry-run'])
  t.equal(r.code, 0, r.err)
  t.same(JSON.parse(r.out), { version: 1, action: 'install', dryRun: true, file: userFile, changed: true, backup: null, events: eventsFor('2.1.331'), claudeVersion: '2.1.331' })
  await run(['install'])
  const u = await run(['uninstall', '--json'])
  t.same(JSON.parse(u.out), {
    version: 1,
    action: 'uninstall',
    dryRun: false,
    file: userFile,
    changed: true,
    backup: `${userFile}.session-retry-backup-2030-05-06T07-08-09.000Z`,
    events: [],
    claudeVersion: null,
  })
})

t.test('a settings file that is not JSON: exit 1, the reason, the file untouched', async t => {
  const { userFile, run } = setup(t)
  writeFileSync(userFile, '{ not json')
  for (const command of ['install', 'uninstall']) {
    const r = await run([command])
    t.equal(r.code, 1, command)
    t.equal(r.err, `session-retry: ${userFile} is not valid JSON; fix it first (nothing was changed)\n`)
  }
  t.equal(readFileSync(userFile, 'utf8'), '{ not json')
})

t.test('install refuses while the plugin is enabled (unless --force); uninstall does not care', async t => {
  const { userFile, run } = setup(t, { userSettings: { model: 'sonnet', ...ENABLED } })
  const before = readFileSync(userFile, 'utf8')
  const r = await run(['install'])
  t.equal(r.code, 1)
  t.equal(r.out, '')
  t.match(r.err, /^session-retry: the plugin is enabled \(smart-session-retry@smart-session-retry in .*settings\.json\): its hooks already record every event/)
  t.match(r.err, /claude plugin disable smart-session-retry@smart-session-retry\); --force installs anyway\.\n$/)
  t.equal(readFileSync(userFile, 'utf8'), before, 'settings untouched')
  const clean = await run(['uninstall'])
  t.equal(clean.code, 0)
  t.match(clean.out, /already clean/)
  const forced = await run(['install', '--force'])
  t.equal(forced.code, 0, forced.err)
  t.same(registeredEvents(JSON.parse(readFileSync(userFile, 'utf8'))), eventsFor('2.1.331'))
})

t.test('which settings count as the plugin enabled', async t => {
  for (const [enabledPlugins, refused] of [
    [{ 'smart-session-retry@smart-session-retry-checkout': true }, true],
    [{ 'smart-session-retry@smart-session-retry': false }, false],
    [{ 'smart-session-retry-extras@x': true }, false],
    [{}, false],
  ] as const) {
    const { run } = setup(t, { userSettings: { enabledPlugins } })
    t.equal((await run(['install', '--dry-run'])).code, refused ? 1 : 0, JSON.stringify(enabledPlugins))
  }
})

t.test('the plugin enabled in the project’s settings counts as well', async t => {
  const { run, project } = setup(t)
  mkdirSync(join(project, '.claude'))
  writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify(ENABLED))
  const r = await run(['install'])
  t.equal(r.code, 1)
  t.match(r.err, /project\/\.claude\/settings\.json/)
})
