import t from 'tap'
import { capabilitiesFor, planResume, type PlanInput } from '../../src/supervisor/resume-plan.js'

const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'
const base: PlanInput = {
  sessionId: ID,
  sessionMode: null,
  override: null,
  allowBypass: false,
  userArgs: [],
  prompt: 'go on',
  cli: capabilitiesFor('2.1.331'),
}
const tail = ['--resume', ID, '-p', 'go on']
const modern = ['--permission-prompts', 'none', '--output-format', 'json']

t.test('capabilities by version', async t => {
  t.same(capabilitiesFor('2.1.331'), { version: '2.1.331', permissionPrompts: true, jsonResult: true })
  t.same(capabilitiesFor('2.1.259'), { version: '2.1.259', permissionPrompts: true, jsonResult: true })
  t.same(capabilitiesFor('2.1.258'), { version: '2.1.258', permissionPrompts: false, jsonResult: true })
  t.same(capabilitiesFor('2.1.77'), { version: '2.1.77', permissionPrompts: false, jsonResult: false })
  t.same(capabilitiesFor(null), { version: null, permissionPrompts: false, jsonResult: false })
})

const rows: [string, Partial<PlanInput>, { args: string[]; mode: string | null } | RegExp][] = [
  ['unknown mode: Claude Code decides', {}, { args: [...modern, ...tail], mode: null }],
  ['acceptEdits carried over', { sessionMode: 'acceptEdits' }, { args: ['--permission-mode', 'acceptEdits', ...modern, ...tail], mode: 'acceptEdits' }],
  ['default carried over', { sessionMode: 'default' }, { args: ['--permission-mode', 'default', ...modern, ...tail], mode: 'default' }],
  ['dontAsk carried over', { sessionMode: 'dontAsk' }, { args: ['--permission-mode', 'dontAsk', ...modern, ...tail], mode: 'dontAsk' }],
  ['auto carried over', { sessionMode: 'auto' }, { args: ['--permission-mode', 'auto', ...modern, ...tail], mode: 'auto' }],
  ['plan is never run headless', { sessionMode: 'plan' }, /plan mode.*claude --resume 3f2a1b4c/],
  ['bypass without the opt-in goes to the user', { sessionMode: 'bypassPermissions' }, /SESSION_RETRY_ALLOW_BYPASS=true/],
  ['bypass with the opt-in', { sessionMode: 'bypassPermissions', allowBypass: true }, { args: ['--permission-mode', 'bypassPermissions', ...modern, ...tail], mode: 'bypassPermissions' }],
  ['the override wins over the session', { sessionMode: 'acceptEdits', override: 'default' }, { args: ['--permission-mode', 'default', ...modern, ...tail], mode: 'default' }],
  ['an override to plan is refused too', { sessionMode: 'acceptEdits', override: 'plan' }, /plan mode/],
  ['a permission flag in the user\'s args wins', { sessionMode: 'plan', userArgs: ['--permission-mode', 'acceptEdits'] }, { args: ['--permission-mode', 'acceptEdits', ...modern, ...tail], mode: null }],
  ['the user\'s skip-permissions flag wins', { sessionMode: 'default', userArgs: ['--dangerously-skip-permissions'] }, { args: ['--dangerously-skip-permissions', ...modern, ...tail], mode: null }],
  ['user output format kept', { userArgs: ['--output-format', 'text'] }, { args: ['--output-format', 'text', '--permission-prompts', 'none', ...tail], mode: null }],
  ['2.1.77: no flag it does not know', { sessionMode: 'acceptEdits', cli: capabilitiesFor('2.1.77') }, { args: ['--permission-mode', 'acceptEdits', ...tail], mode: 'acceptEdits' }],
  ['user args come first', { userArgs: ['--plugin-dir', '/p'] }, { args: ['--plugin-dir', '/p', ...modern, ...tail], mode: null }],
]

for (const [name, input, expected] of rows) {
  t.test(name, async t => {
    const plan = planResume({ ...base, ...input })
    if (expected instanceof RegExp) {
      t.equal(plan.ok, false)
      if (!plan.ok) t.match(plan.reason, expected)
    } else {
      t.same(plan, { ok: true, args: expected.args, permissionMode: expected.mode })
    }
  })
}
