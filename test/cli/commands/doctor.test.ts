// `session-retry doctor [--json]` in-process: one line per check marked ✓, ! (a warning) or ✗,
// or the checks as JSON; exit 1 when any check failed.
import t from 'tap'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import { freePort } from '../../helpers/free-port.js'

const { main } = await import('../../../src/cli/main.js')

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

async function run(t: Test, args: string[], env: Record<string, string> = {}) {
  const root = t.testdir({ user: {} })
  const io = captureIo({ env: { HOME: join(root, 'user'), SESSION_RETRY_HOME: join(root, 'home'), SESSION_RETRY_PORT: String(await freePort()), PATH: '/nonexistent', ...env }, cwd: root, now: () => Date.parse('2026-11-25T03:00:00Z') })
  const code = await main(['doctor', ...args], io)
  return { code, out: io.out, err: io.err }
}

t.test('text: a line per check, marked; exit 1 when one failed', async t => {
  const r = await run(t, [], { SESSION_RETRY_ENABLED: 'maybe' })
  t.equal(r.code, 1, 'no claude, no hooks, no supervisor')
  t.equal(r.err, '')
  const lines = r.out.trimEnd().split('\n')
  t.match(lines[0], /^✓ Node\.js: \d+\.\d+\.\d+$/)
  t.match(lines[1], /^✓ home: .* is writable$/)
  t.equal(lines[2], '✗ claude: claude not found on PATH: set SESSION_RETRY_CLAUDE_BIN')
  t.ok(lines.includes('! auto-continue: this Claude Code has no auto-continue: every limited session is resumed by the supervisor'), 'a warning is marked !')
  t.ok(lines.includes('! hook switch: SESSION_RETRY_ENABLED="maybe" is neither true nor false: the hook takes it as true; use true or false'))
})

t.test('doctor names a hook switch the hook reads as "on" although it says something else', async t => {
  const r = await run(t, ['--json'], { SESSION_RETRY_ENABLED: 'maybe', SESSION_RETRY_AUTOSTART: 'false' })
  const body = JSON.parse(r.out) as { version: number; ok: boolean; checks: { name: string; ok: boolean; warning?: boolean; detail: string }[] }
  t.equal(r.code, 1)
  t.equal(body.version, 1)
  t.equal(body.ok, false)
  const switches = body.checks.filter(c => c.name === 'hook switch')
  t.same(switches, [{ name: 'hook switch', ok: true, warning: true, detail: 'SESSION_RETRY_ENABLED="maybe" is neither true nor false: the hook takes it as true; use true or false' }], 'one warning, for the unclear one only')
})
