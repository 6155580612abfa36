// The events the session machine takes: their names, the limit kinds, the permission modes and
// the resume modes, each list without repeats and agreeing with the machine that reads them.
import t from 'tap'
import { createSessionMachine } from '../../state/session.machine.js'
import { SESSION_STATES } from '../../state/session-context.js'
import {
  AUTO_RESUME_RESULTS,
  isPermissionMode,
  LIMIT_KINDS,
  PERMISSION_MODES,
  RESUME_MODES,
  RUN_OUTCOMES,
  SESSION_EVENT_TYPES,
  TRANSIENT_LIMIT_KINDS,
} from '../../state/session-events.js'

const unique = (list: readonly string[]) => new Set(list).size === list.length

t.test('every list is without repeats', async t => {
  for (const [name, list] of Object.entries({ LIMIT_KINDS, TRANSIENT_LIMIT_KINDS, PERMISSION_MODES, RESUME_MODES, RUN_OUTCOMES, AUTO_RESUME_RESULTS, SESSION_EVENT_TYPES })) {
    t.ok(unique(list), name)
    t.ok(list.length > 0, `${name} is not empty`)
  }
})

t.test('limit kinds: the transient ones are among them, and a kind nobody knows is one', async t => {
  t.same(TRANSIENT_LIMIT_KINDS, ['api_rate_limit', 'overloaded', 'server_throttle'])
  for (const kind of TRANSIENT_LIMIT_KINDS) t.ok(LIMIT_KINDS.includes(kind), kind)
  t.ok(LIMIT_KINDS.includes('unknown'))
  t.ok(LIMIT_KINDS.every(kind => /^[a-z]+(_[a-z]+)*$/.test(kind)), 'snake_case, as the limit parser writes them')
})

t.test('isPermissionMode: the names hook payloads use, nothing else', async t => {
  const cases: [unknown, boolean][] = [
    ['default', true],
    ['manual', true],
    ['acceptEdits', true],
    ['auto', true],
    ['dontAsk', true],
    ['plan', true],
    ['bypassPermissions', true],
    ['BypassPermissions', false],
    ['accept-edits', false],
    ['', false],
    [undefined, false],
    [null, false],
    [1, false],
    [['plan'], false],
    ['toString', false],
  ]
  for (const [value, is] of cases) t.equal(isPermissionMode(value), is, JSON.stringify(value) ?? String(value))
})

t.test('every event type is one the machine handles somewhere, and the machine handles no other', async t => {
  const machine = createSessionMachine({ now: () => 0 })
  const handled = new Set<string>(Object.keys(machine.config.on ?? {}))
  for (const state of SESSION_STATES) for (const type of Object.keys(machine.states[state]?.on ?? {})) handled.add(type)
  const internal = [...handled].filter(type => !(SESSION_EVENT_TYPES as readonly string[]).includes(type))
  t.same(internal.filter(type => !type.startsWith('xstate.')), [], 'no event the machine handles is missing from SESSION_EVENT_TYPES')
  for (const type of SESSION_EVENT_TYPES) t.ok(handled.has(type), `${type} is handled`)
})
