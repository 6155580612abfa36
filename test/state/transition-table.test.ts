// docs/state-machine.md lists every transition of the session machine as a table. This test reads
// the transitions out of the machine itself and fails when the two disagree, printing the table the
// machine has, so the documentation cannot drift from the code.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createSessionMachine } from '../../state/session.machine.js'
import { SESSION_STATES } from '../../state/session-context.js'

const DOC = fileURLToPath(new URL('../../docs/state-machine.md', import.meta.url))
const ANY = '(any other)'
const AT_ONCE = '(at once)'
const TIMER = '(timer)'

interface Transition {
  target?: readonly { key: string }[]
  guard?: unknown
}

/** A guarded chain in order: `guard → target` steps (`stay` when a step has no target). */
function steps(chain: readonly Transition[]): string {
  return chain.map(step => `${guardName(step.guard)}→ ${step.target?.length ? step.target.map(node => node.key).join('+') : 'stay'}`).join('; ')
}

/** The target states of a chain (`stay` included), each once. */
function targetsOf(cell: string): string[] {
  return [...new Set(cell.split('; ').map(step => step.slice(step.indexOf('→ ') + 2)))]
}

function guardName(guard: unknown): string {
  if (guard === undefined) return ''
  if (typeof guard === 'string') return `${guard} `
  const g = guard as { type?: string; params?: Record<string, unknown>; guards?: unknown[] }
  if (typeof g.type === 'string') return `${g.type}(${Object.values(g.params ?? {}).join(', ')}) `
  if (typeof guard === 'function' && Array.isArray((guard as unknown as { guards?: unknown[] }).guards)) {
    return `${(guard as unknown as { guards: unknown[] }).guards.map(inner => guardName(inner).trim()).join(' and ')} `
  }
  return 'guard '
}

function eventName(type: string): string {
  return type.startsWith('xstate.after.') ? TIMER : type
}

/** Rows `state | event | targets`, from the machine's definition. */
export function machineRows(): string[] {
  const machine = createSessionMachine({ now: () => 0 })
  const rows: string[] = []
  for (const [type, chain] of Object.entries(machine.root.on as Record<string, readonly Transition[]>)) {
    rows.push(`| ${ANY} | ${type} | ${steps(chain)} |`)
  }
  for (const state of SESSION_STATES) {
    const node = machine.states[state]!
    if (node.always?.length) rows.push(`| ${state} | ${AT_ONCE} | ${steps(node.always)} |`)
    for (const [type, chain] of Object.entries(node.on as Record<string, readonly Transition[]>)) {
      rows.push(`| ${state} | ${eventName(type)} | ${steps(chain)} |`)
    }
  }
  return rows
}

/** The rows of the doc's table under `heading` (not its header or rule), without backquotes. */
function docRows(heading: string): string[] {
  const text = readFileSync(DOC, 'utf8')
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start < 0) return []
  const end = text.indexOf('\n## ', start + 1)
  return text
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter(line => line.startsWith('| ') && !line.startsWith('| --') )
    .slice(1)
    .map(line => line.replace(/`/g, '').replace(/\s+\|/g, ' |').replace(/\|\s+/g, '| ').trim())
}

t.test('docs/state-machine.md lists exactly the transitions the machine has', async t => {
  const fromMachine = machineRows()
  const fromDoc = docRows('The transitions')
  const ok = t.same(fromDoc, fromMachine, 'table rows, in order')
  if (!ok) t.comment(`the machine's table:\n| state | event | steps |\n| --- | --- | --- |\n${fromMachine.join('\n')}`)
  t.ok(fromMachine.length > 60, `${fromMachine.length} transitions read from the machine`)
})

t.test('every state appears in the table, and every target is a state', async t => {
  const rows = machineRows()
  for (const state of SESSION_STATES) {
    t.ok(rows.some(row => row.startsWith(`| ${state} |`)) || state === 'due', `${state} has rows`)
  }
  const named = new Set<string>([...SESSION_STATES, 'stay'])
  const unknown = rows.flatMap(row => targetsOf(row.split(' | ')[2]!.replace(/ \|$/, ''))).filter(name => !named.has(name))
  t.same(unknown, [], 'targets that are not states')
})

t.test('every guard the machine uses is explained in the doc', async t => {
  const explained = docRows('The guards').map(row => row.split(' | ')[0]!.replace(/^\| /, ''))
  const words = new Set(explained.flatMap(cell => cell.split(/[ ,/]+/)).map(word => word.replace(/\(.*$/, '')).filter(Boolean))
  const used = new Set(machineRows().flatMap(row => [...row.matchAll(/(\w+)(?:\([^)]*\))? →/g)].map(m => m[1]!)))
  t.same([...used].filter(guard => !words.has(guard)), [], 'guards missing from docs/state-machine.md')
  t.ok(used.size > 15, `${used.size} guards used`)
})
