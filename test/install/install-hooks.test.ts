// install/uninstall on real settings files: every other hook and setting kept, twice in a row
// changes nothing, uninstall gives back the file byte for byte, a backup before every change, and
// a file that is not a JSON object never touched. Also where each scope's file is, and which
// files hold our hooks or enable our plugin.
import t from 'tap'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventsFor, registeredEvents } from '../../src/install/claude-settings.js'
import {
  findOurHooks,
  hookRoutes,
  installHooks,
  readSettingsOrEmpty,
  SettingsFileError,
  settingsFileFor,
  uninstallHooks,
  type InstallTarget,
} from '../../src/install/install-hooks.js'

import { PLUGIN_ROOT as ROOT, THEIR_SETTINGS as theirs } from '../helpers/settings-fixtures.js'

t.test('each scope’s settings file', async t => {
  const target = { claudeConfigDir: '/cfg', cwd: '/proj' }
  t.equal(settingsFileFor({ ...target, scope: 'user' }), '/cfg/settings.json')
  t.equal(settingsFileFor({ ...target, scope: 'project' }), '/proj/.claude/settings.json')
  t.equal(settingsFileFor({ ...target, scope: 'local' }), '/proj/.claude/settings.local.json')
})

for (const indent of [2, 4, '\t'] as const) {
  t.test(`an existing file (indent ${JSON.stringify(indent)}): byte for byte back after uninstall, backups made`, async t => {
    const dir = t.testdir()
    const claudeDir = join(dir, '.claude')
    mkdirSync(claudeDir)
    const file = join(claudeDir, 'settings.json')
    const original = JSON.stringify(theirs, null, indent) + '\n'
    writeFileSync(file, original)
    const target = { scope: 'user' as const, claudeConfigDir: claudeDir, cwd: dir }
    const first = await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 1 })
    t.ok(first.changed)
    t.equal(first.file, file)
    t.same(first.events, eventsFor('2.1.331'))
    t.equal(first.backup, `${file}.session-retry-backup-1970-01-01T00-00-00.001Z`, 'named after now, no colons')
    t.equal(readFileSync(first.backup!, 'utf8'), original, 'backup of the original')
    const installed = readFileSync(file, 'utf8')
    t.equal(installed, first.text)
    t.match(installed, indent === '\t' ? /^\{\n\t"model"/ : new RegExp(`^\\{\\n {${indent}}"model"`), 'the file’s own indentation')
    const second = await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 2 })
    t.notOk(second.changed, 'second install changes nothing')
    t.equal(second.backup, null, 'and backs nothing up')
    t.equal(readFileSync(file, 'utf8'), installed)
    const parsed = JSON.parse(installed)
    for (const key of ['model', 'permissions', 'statusLine'] as const) t.same(parsed[key], theirs[key], `${key} intact`)
    t.same(registeredEvents(parsed).sort(), eventsFor('2.1.331').sort())
    const removed = await uninstallHooks(target, { dryRun: false, now: 3 })
    t.ok(removed.changed)
    t.equal(readFileSync(removed.backup!, 'utf8'), installed, 'backup of the installed file')
    t.equal(readFileSync(file, 'utf8'), original, 'exactly the original bytes')
    t.notOk((await uninstallHooks(target, { dryRun: false, now: 4 })).changed, 'uninstall twice is a no-op')
    t.equal(readdirSync(claudeDir).length, 3, 'the file and two backups')
  })
}

t.test('a file without a final newline keeps having none; its mode is kept', async t => {
  const dir = t.testdir({ 'settings.json': '{"model":"opus"}' })
  const file = join(dir, 'settings.json')
  chmodSync(file, 0o600)
  const target: InstallTarget = { scope: 'user', claudeConfigDir: dir, cwd: dir }
  await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 1 })
  const installed = readFileSync(file, 'utf8')
  t.notMatch(installed, /\n$/)
  t.equal(statSync(file).mode & 0o777, 0o600)
  await uninstallHooks(target, { dryRun: false, now: 2 })
  t.equal(readFileSync(file, 'utf8'), '{\n  "model": "opus"\n}', 'the same settings (re-indented: one-line JSON has no indent to keep)')
})

t.test('no settings file: install creates it and its folder, no backup; uninstall writes nothing', async t => {
  const dir = t.testdir({})
  const target: InstallTarget = { scope: 'project', claudeConfigDir: join(dir, 'cfg'), cwd: dir }
  const clean = await uninstallHooks(target, { dryRun: false, now: 1 })
  t.same({ changed: clean.changed, backup: clean.backup, text: clean.text }, { changed: false, backup: null, text: '' })
  t.same(readdirSync(dir), [], 'nothing created')
  const result = await installHooks(target, ROOT, '2.1.77', { dryRun: false, now: 1 })
  t.ok(result.changed)
  t.equal(result.backup, null)
  const file = join(dir, '.claude', 'settings.json')
  t.equal(readFileSync(file, 'utf8'), result.text)
  t.match(result.text, /\n$/)
  t.same(registeredEvents(JSON.parse(result.text)), eventsFor('2.1.77'))
  t.notMatch(result.text, /StopFailure/, 'not before 2.1.78')
  await uninstallHooks(target, { dryRun: false, now: 2 })
  t.equal(readFileSync(file, 'utf8'), '{}\n')
})

t.test('an empty settings file is taken as {}', async t => {
  const dir = t.testdir({ 'settings.json': '  \n' })
  const result = await installHooks({ scope: 'user', claudeConfigDir: dir, cwd: dir }, ROOT, null, { dryRun: false, now: 1 })
  t.ok(result.changed)
  t.same(registeredEvents(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))), eventsFor(null))
  t.equal(readFileSync(result.backup!, 'utf8'), '  \n')
})

t.test('dry run: the text it would write, and nothing written', async t => {
  const dir = t.testdir({ 'settings.json': '{}\n' })
  const target: InstallTarget = { scope: 'user', claudeConfigDir: dir, cwd: dir }
  const dry = await installHooks(target, ROOT, '2.1.331', { dryRun: true, now: 1 })
  t.ok(dry.changed)
  t.equal(dry.backup, null)
  t.match(dry.text, /record-event\.sh/)
  t.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), '{}\n')
  t.same(readdirSync(dir), ['settings.json'], 'no backup either')
  const written = await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 1 })
  t.equal(written.text, dry.text, 'the dry run showed what is written')
})

t.test('a file that is not a JSON object is refused and left alone', async t => {
  for (const [name, text, message] of [
    ['broken', '{ not json', /not valid JSON; fix it first \(nothing was changed\)/],
    ['array', '[1, 2]\n', /does not hold a JSON object; nothing was changed/],
    ['string', '"x"\n', /does not hold a JSON object/],
    ['null', 'null\n', /does not hold a JSON object/],
  ] as const) {
    const dir = t.testdir({ 'settings.json': text })
    const target: InstallTarget = { scope: 'user', claudeConfigDir: dir, cwd: dir }
    const error = await installHooks(target, ROOT, null, { dryRun: false, now: 1 }).catch((e: unknown) => e)
    t.type(error, SettingsFileError, `${name}: a SettingsFileError (the CLI shows its message alone)`)
    await t.rejects(installHooks(target, ROOT, null, { dryRun: false, now: 1 }), message, name)
    await t.rejects(uninstallHooks(target, { dryRun: false, now: 1 }), message, name)
    t.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), text, `${name}: untouched`)
    t.same(readdirSync(dir), ['settings.json'], `${name}: no backup`)
  }
})

t.test('a settings file that cannot be read is a clear error', async t => {
  // A folder where the file should be: reading it fails with EISDIR.
  const dir = t.testdir({ 'settings.json': {} })
  await t.rejects(installHooks({ scope: 'user', claudeConfigDir: dir, cwd: dir }, ROOT, null, { dryRun: false, now: 1 }), /^cannot read .*settings\.json: /)
})

t.test('readSettingsOrEmpty: the object, or {} for anything else', async t => {
  const dir = t.testdir({ ok: '{"a":1}', broken: '{', array: '[]', nul: 'null' })
  t.same(readSettingsOrEmpty(join(dir, 'ok')), { a: 1 })
  for (const name of ['broken', 'array', 'nul', 'missing']) t.same(readSettingsOrEmpty(join(dir, name)), {}, name)
})

t.test('findOurHooks: every file with our hooks or our plugin, each file once', async t => {
  const dir = t.testdir({ cfg: {}, proj: { '.claude': {} } })
  const cfg = join(dir, 'cfg')
  const proj = join(dir, 'proj')
  t.same(findOurHooks(cfg, proj), [], 'none anywhere')
  await installHooks({ scope: 'local', claudeConfigDir: cfg, cwd: proj }, ROOT, '2.1.331', { dryRun: false, now: 1 })
  writeFileSync(join(cfg, 'settings.json'), JSON.stringify({ enabledPlugins: { 'smart-session-retry@market': true, 'smart-session-retry@off': false, 'other@market': true } }))
  writeFileSync(join(proj, '.claude', 'settings.json'), JSON.stringify(theirs))
  const found = findOurHooks(cfg, proj)
  t.same(found, [
    { scope: 'user', file: join(cfg, 'settings.json'), events: [], plugins: ['smart-session-retry@market'] },
    { scope: 'local', file: join(proj, '.claude', 'settings.local.json'), events: eventsFor('2.1.331'), plugins: [] },
  ])
  t.same(hookRoutes(found), ['the plugin smart-session-retry@market', `hooks in ${join(proj, '.claude', 'settings.local.json')}`])
  // The same plugin id in two files is one route.
  t.same(hookRoutes([...found, { scope: 'project', file: 'x', events: [], plugins: ['smart-session-retry@market'] }]).length, 2)
  // In the config folder's parent as cwd, the project file is the user file: read once.
  const home = t.testdir({ '.claude': { 'settings.json': JSON.stringify({ enabledPlugins: { 'smart-session-retry@m': true } }) } })
  t.same(findOurHooks(join(home, '.claude'), home).map(s => s.scope), ['user'])
})
