// The plugin's slash commands (commands/*.md): `claude plugin validate --strict` accepts them, each
// one's allowed-tools names exactly the command its body asks for, and `/smart-session-retry:status`
// runs in a real `claude -p` turn against the fake API without a permission prompt (the fake model
// asks for the Bash call), while any other command under it still needs approval.
import t from 'tap'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { claudeCommand, makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'

const pluginRoot = repoRoot.replace(/\/$/, '')
const commandsDir = join(pluginRoot, 'commands')
const EXPECTED = ['cancel', 'logs', 'resume', 'schedule', 'status']
const BIN = 'node "${CLAUDE_PLUGIN_ROOT}/bin/session-retry.cjs"'

const api = await startFakeApi()
t.teardown(() => api.close())

function validate(target: string, home: string): Promise<{ code: number | null; report: any }> {
  const claude = claudeCommand()
  return new Promise(resolve => {
    execFile(claude.file, [...claude.args, 'plugin', 'validate', '--strict', '--json', target], { env: { PATH: process.env.PATH, HOME: home } }, (error, stdout) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, report: JSON.parse(String(stdout)) })
    })
  })
}

/** The frontmatter fields and the body of a command file. */
function commandFile(name: string): { fields: Record<string, string>; body: string } {
  const text = readFileSync(join(commandsDir, `${name}.md`), 'utf8')
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)
  if (!match) throw new Error(`${name}.md has no frontmatter`)
  const fields = Object.fromEntries(match[1]!.split('\n').map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]))
  return { fields, body: match[2]! }
}

t.test('claude plugin validate --strict accepts the plugin, its commands and the staged copy', async t => {
  const home = t.testdir()
  for (const target of [pluginRoot, join(pluginRoot, 'plugin')]) {
    const { code, report } = await validate(target, home)
    t.equal(code, 0, `${target}: ${JSON.stringify(report.manifest?.errors ?? report)}`)
    t.equal(report.success, true)
    t.same(report.provides.commands, EXPECTED.map(name => `smart-session-retry:${name}`), `${target}: every command`)
  }
})

t.test('each command allows exactly the command its body runs, from the plugin root', async t => {
  t.same(readdirSync(commandsDir).sort(), EXPECTED.map(name => `${name}.md`))
  for (const name of EXPECTED) {
    const { fields, body } = commandFile(name)
    const allowed = /^Bash\((.*)\)$/.exec(fields['allowed-tools'] ?? '')?.[1]
    t.ok(allowed?.startsWith(`${BIN} `), `${name}: allowed-tools runs the bundled CLI from the plugin root`)
    const ran = /```sh\n(.*)\n```/.exec(body)?.[1]
    // A rule ending in ":*" allows its prefix followed by arguments (the session id).
    const prefix = allowed!.endsWith(':*') ? allowed!.slice(0, -2) : null
    if (prefix) {
      t.equal(ran, `${prefix} $ARGUMENTS`, `${name}: the body passes the argument to the allowed prefix`)
      t.ok(fields['argument-hint'], `${name}: says which argument it takes`)
    } else {
      t.equal(ran, allowed, `${name}: the body runs exactly the allowed command`)
    }
    t.ok(fields.description, `${name}: has a description`)
  }
})

t.test('/smart-session-retry:status runs the CLI in a real turn, with no permission prompt', async t => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const command = `node "${pluginRoot}/bin/session-retry.cjs" status`
  const before = api.mainTurnRequests().length
  api.enqueue({ kind: 'tool', name: 'Bash', input: { command, description: 'session-retry status' } }, { kind: 'text', text: 'shown' })
  const run = await runClaude(sb, ['--plugin-dir', pluginRoot, '-p', '/smart-session-retry:status'])
  t.equal(run.code, 0, run.stderr)
  const turns = api.mainTurnRequests().slice(before)
  t.equal(turns.length, 2, 'the tool call, then its result')
  t.match(JSON.stringify((turns[0]!.body as { messages: unknown }).messages), JSON.stringify(command).slice(1, -1), 'the model was told the command, plugin root filled in')
  const result = lastToolResult(turns[1]!.body)
  t.equal(result.is_error, false, String(result.content))
  t.match(String(result.content), /supervisor: not running — start it with: session-retry supervisor start/, 'the output of session-retry status')
})

t.test('under /smart-session-retry:status, another command still needs approval', async t => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const before = api.mainTurnRequests().length
  api.enqueue({ kind: 'tool', name: 'Bash', input: { command: `node "${pluginRoot}/bin/session-retry.cjs" cancel abcd`, description: 'x' } }, { kind: 'text', text: 'no' })
  await runClaude(sb, ['--plugin-dir', pluginRoot, '-p', '/smart-session-retry:status'])
  const result = lastToolResult(api.mainTurnRequests().slice(before).at(-1)!.body)
  t.equal(result.is_error, true)
  t.match(String(result.content), /requires approval/)
})

function lastToolResult(body: unknown): { is_error?: boolean; content?: unknown } {
  const messages = (body as { messages: { role: string; content: unknown }[] }).messages
  const blocks = messages.at(-1)?.content
  const found = Array.isArray(blocks) ? blocks.find((b: { type?: string }) => b.type === 'tool_result') : undefined
  if (!found) throw new Error(`no tool_result in the last message: ${JSON.stringify(messages.at(-1)).slice(0, 500)}`)
  return found
}
