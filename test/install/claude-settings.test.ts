// Our hooks in a settings object: added beside every other hook and setting, added once however
// often, removed leaving the object as it was. The files themselves: install-hooks.test.ts.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addOurHooks, eventsFor, HOOK_EVENTS, hookCommand, isOurCommand, parseClaudeVersion, registeredEvents, removeOurHooks, SMALL_PAYLOAD_EVENTS } from '../../src/install/claude-settings.js'
import { repoRoot } from '../helpers/claude-cli.js'

import { PLUGIN_ROOT as ROOT, THEIR_SETTINGS as theirs } from '../helpers/settings-fixtures.js'

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
  t.equal(hookCommand("/a b/it's", 'Stop'), `trap '' TERM HUP INT; ssr_root='/a b/it'\\''s'; . "$ssr_root/hooks/record-event.sh"`)
  t.equal(hookCommand("/a b/it's", 'SessionEnd'), `trap '' TERM HUP INT; ssr_root='/a b/it'\\''s'; ssr_copy=builtin; . "$ssr_root/hooks/record-event.sh"`)
  t.ok(isOurCommand(hookCommand(ROOT, 'Stop')))
  t.ok(isOurCommand(hookCommand(ROOT, 'SessionStart')))
  t.notOk(isOurCommand('notify-me'))
})

t.test('settings and the plugin copy each event the same way; prompts and answers go through cat', async t => {
  const plugin = JSON.parse(readFileSync(join(repoRoot, 'hooks', 'hooks.json'), 'utf8')).hooks
  t.same(Object.keys(plugin).sort(), HOOK_EVENTS.map(e => e.event).sort(), 'the plugin binds every event')
  for (const { event } of HOOK_EVENTS) {
    const inPlugin: string = plugin[event][0].hooks[0].command
    t.equal(inPlugin, hookCommand('@@', event).replace(`'@@'`, '"${CLAUDE_PLUGIN_ROOT}"'), event)
  }
  t.notOk(SMALL_PAYLOAD_EVENTS.includes('UserPromptSubmit'), 'a prompt can be any length')
  t.notOk(SMALL_PAYLOAD_EVENTS.includes('Stop'), 'so can an answer')
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
