// install/uninstall keep every other hook and setting intact, twice in a row, and uninstall gives
// back the file exactly as it was.
import t from 'tap'
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { addOurHooks, eventsFor, hookCommand, isOurCommand, parseClaudeVersion, registeredEvents, removeOurHooks } from '../../src/install/claude-settings.js'
import { installHooks, settingsFileFor, uninstallHooks } from '../../src/install/install-hooks.js'

const ROOT = '/opt/smart session-retry'
const theirs = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    Stop: [{ hooks: [{ type: 'command', command: 'notify-me', timeout: 5 }] }],
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }],
  },
  statusLine: { type: 'command', command: 'my-line' },
}

t.test('versions decide the events', async t => {
  t.equal(parseClaudeVersion('2.1.331 (Claude Code)'), '2.1.331')
  t.equal(parseClaudeVersion('garbage'), null)
  t.ok(eventsFor('2.1.331').includes('StopFailure'))
  t.ok(eventsFor('2.1.78').includes('StopFailure'))
  t.notOk(eventsFor('2.1.77').includes('StopFailure'), '2.1.77 would load no hooks at all with it')
  t.notOk(eventsFor(null).includes('StopFailure'), 'unknown version: the safe set')
  t.same(eventsFor('2.1.77'), ['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'SessionEnd'])
})

t.test('the hook command quotes the path for sh', async t => {
  t.equal(hookCommand("/a b/it's"), `trap '' TERM HUP INT; ssr_root='/a b/it'\\''s'; . "$ssr_root/hooks/record-event.sh"`)
  t.ok(isOurCommand(hookCommand(ROOT)))
  t.notOk(isOurCommand('notify-me'))
})

t.test('add then remove gives back the same object; adding twice is adding once', async t => {
  const once = addOurHooks(theirs, ROOT, eventsFor('2.1.331'))
  const twice = addOurHooks(once, ROOT, eventsFor('2.1.331'))
  t.same(twice, once)
  t.same(registeredEvents(once).sort(), eventsFor('2.1.331').sort())
  t.same((once.hooks as any).Stop[0], theirs.hooks.Stop[0], 'their Stop hook first and untouched')
  t.same((once.hooks as any).PreToolUse, theirs.hooks.PreToolUse)
  t.same(removeOurHooks(twice), theirs)
  t.same(removeOurHooks({ a: 1 }), { a: 1 })
})

for (const indent of [2, 4, '\t'] as const) {
  t.test(`a real file (indent ${JSON.stringify(indent)}): byte-for-byte back after uninstall, backups made`, async t => {
    const dir = t.testdir()
    const claudeDir = join(dir, '.claude')
    mkdirSync(claudeDir)
    const file = join(claudeDir, 'settings.json')
    const original = JSON.stringify(theirs, null, indent) + '\n'
    writeFileSync(file, original)
    const target = { scope: 'user' as const, claudeConfigDir: claudeDir, cwd: dir }
    const first = await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 1 })
    t.ok(first.changed)
    t.ok(first.backup && readFileSync(first.backup, 'utf8') === original, 'backup of the original')
    const installed = readFileSync(file, 'utf8')
    const second = await installHooks(target, ROOT, '2.1.331', { dryRun: false, now: 2 })
    t.notOk(second.changed, 'second install changes nothing')
    t.equal(readFileSync(file, 'utf8'), installed)
    const parsed = JSON.parse(installed)
    for (const key of ['model', 'permissions', 'statusLine'] as const) t.same(parsed[key], theirs[key], `${key} intact`)
    const removed = await uninstallHooks(target, { dryRun: false, now: 3 })
    t.ok(removed.changed)
    t.equal(readFileSync(file, 'utf8'), original, 'exactly the original bytes')
    t.notOk((await uninstallHooks(target, { dryRun: false, now: 4 })).changed, 'uninstall twice is a no-op')
  })
}

t.test('dry run writes nothing; a missing file is created; invalid JSON is refused', async t => {
  const dir = t.testdir({ '.claude': { 'settings.local.json': '{ not json' } })
  const project = { scope: 'project' as const, claudeConfigDir: join(dir, 'cfg'), cwd: dir }
  const dry = await installHooks(project, ROOT, '2.1.77', { dryRun: true, now: 1 })
  t.ok(dry.changed)
  t.match(dry.text, /record-event\.sh/)
  t.notMatch(dry.text, /StopFailure/)
  t.same(readdirSync(join(dir, '.claude')), ['settings.local.json'], 'nothing written')
  await installHooks(project, ROOT, '2.1.77', { dryRun: false, now: 1 })
  t.same(registeredEvents(JSON.parse(readFileSync(settingsFileFor(project), 'utf8'))).length, 5)
  await uninstallHooks(project, { dryRun: false, now: 2 })
  t.equal(readFileSync(settingsFileFor(project), 'utf8'), '{}\n')
  const local = { scope: 'local' as const, claudeConfigDir: join(dir, 'cfg'), cwd: dir }
  await t.rejects(installHooks(local, ROOT, null, { dryRun: false, now: 1 }), /not valid JSON; fix it first/)
  t.equal(readFileSync(join(dir, '.claude', 'settings.local.json'), 'utf8'), '{ not json')
})
