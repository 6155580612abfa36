// `session-retry install` for people without the plugin: the hooks it writes are loaded by the real
// Claude Code, on the current version and on 2.1.77 (which must not see StopFailure), and `doctor`
// sees them.
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { claudeCommand, makeSandbox, runClaude, type ClaudeVersion } from '../helpers/claude-cli.js'
import { journalLines, repoRoot } from '../helpers/hook-process.js'
import { waitFor } from '../helpers/wait-for.js'

const bin = join(repoRoot, 'bin', 'session-retry.cjs')
const api = await startFakeApi()
t.teardown(() => api.close())

for (const version of ['current', '2.1.77'] as ClaudeVersion[]) {
  t.test(`install on Claude Code ${version}: its hooks fire; uninstall removes them`, async t => {
    const sb = await makeSandbox(api)
    t.teardown(() => sb.cleanup())
    const command = claudeCommand(version)
    const claudeBin = join(sb.home, 'claude-bin')
    writeFileSync(claudeBin, `#!/bin/sh\nexec ${[command.file, ...command.args].map(a => JSON.stringify(a)).join(' ')} "$@"\n`)
    chmodSync(claudeBin, 0o755)
    const home = join(sb.home, '.devflow')
    const env = { ...sb.env, SESSION_RETRY_HOME: home, SESSION_RETRY_CLAUDE_BIN: claudeBin, SESSION_RETRY_PORT: '0' }
    const settingsFile = join(sb.home, '.claude', 'settings.json')
    writeFileSync(settingsFile, JSON.stringify({ model: 'sonnet', hooks: { Stop: [{ hooks: [{ type: 'command', command: 'true' }] }] } }, null, 2) + '\n')
    const original = readFileSync(settingsFile, 'utf8')
    const out = execFileSync(process.execPath, [bin, 'install'], { env, cwd: sb.cwd }).toString()
    t.match(out, /hooks written/)
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'))
    t.equal(Object.hasOwn(settings.hooks, 'StopFailure'), version === 'current', 'StopFailure only where the version knows it')
    t.equal(settings.model, 'sonnet')
    const id = randomUUID()
    api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 3600 })
    await runClaude(sb, ['--session-id', id, '-p', 'work'], { version })
    const events = await waitFor(() => {
      const got = journalLines(home, id).map(l => JSON.parse(l).event)
      return got.includes('SessionEnd') && got
    }, { timeoutMs: 20_000, what: 'journal lines from the installed hooks' })
    t.ok(events.includes('SessionStart') && events.includes('UserPromptSubmit'), `hooks fired: ${events.join(', ')}`)
    t.ok(events.includes(version === 'current' ? 'StopFailure' : 'Stop'), 'the limit turn is recorded')
    // doctor exits 1 here (no supervisor runs), but its JSON is complete.
    const run = spawnSync(process.execPath, [bin, 'doctor', '--json'], { env, cwd: sb.cwd })
    t.equal(run.status, 1)
    const doctor = JSON.parse(run.stdout.toString())
    t.match(doctor.checks.find((c: any) => c.name === 'hooks'), { ok: true, detail: /in settings for/ })
    execFileSync(process.execPath, [bin, 'uninstall'], { env, cwd: sb.cwd })
    // Claude Code itself adds keys to settings.json while it runs, so the bytes are not the
    // original any more (byte-exact restore is in test/install/); ours must be gone, theirs kept.
    const after = JSON.parse(readFileSync(settingsFile, 'utf8'))
    t.same(after.hooks, JSON.parse(original).hooks, 'only the hooks that were there before')
    t.equal(after.model, 'sonnet')
  })
}
