// Claude Code 2.1.77 has no StopFailure: a limit ends the turn with a plain Stop whose message is
// the banner, and a hooks file naming StopFailure makes it load no hooks at all
// (docs/claude-code.md#older-clis-without-stopfailure).
// The same limit-to-resume path must work there, from the banner alone.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { claudeCommand, makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { startSupervisor, waitForState } from '../helpers/supervisor-process.js'

/** A plugin folder for old Claude Code: this repository's hooks, minus StopFailure. */
function oldClaudePlugin(dir: string): string {
  const plugin = join(dir, 'plugin-2177')
  mkdirSync(join(plugin, '.claude-plugin'), { recursive: true })
  mkdirSync(join(plugin, 'hooks'), { recursive: true })
  writeFileSync(join(plugin, '.claude-plugin', 'plugin.json'), readFileSync(join(repoRoot, '.claude-plugin', 'plugin.json')))
  const hooks = JSON.parse(readFileSync(join(repoRoot, 'hooks', 'hooks.json'), 'utf8'))
  delete hooks.hooks.StopFailure
  const text = JSON.stringify(hooks).replaceAll('${CLAUDE_PLUGIN_ROOT}', repoRoot)
  writeFileSync(join(plugin, 'hooks', 'hooks.json'), text)
  return plugin
}

t.test('Claude Code 2.1.77: the banner in a plain Stop is scheduled and resumed', async t => {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const plugin = oldClaudePlugin(sb.home)
  const old = claudeCommand('2.1.77')
  const bin = join(sb.home, 'claude-2177')
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(old.file)} ${old.args.map(a => JSON.stringify(a)).join(' ')} "$@"\n`)
  chmodSync(bin, 0o755)
  const home = join(sb.home, '.devflow')
  const supervisor = await startSupervisor({
    ...sb.env,
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_CLAUDE_BIN: bin,
    SESSION_RETRY_CLAUDE_ARGS: JSON.stringify(['--plugin-dir', plugin]),
    SESSION_RETRY_RESUME_MARGIN: '1',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_PORT: '0',
  })
  t.teardown(() => supervisor.stop())
  const id = randomUUID()
  // A banner shows minutes, so the supervisor waits for the end of the minute it shows: a reset
  // ahead would be waited for up to a minute. One on the minute before this one is shown as it
  // is; the end of that minute has passed when the limit is seen, so the limit lingers and the
  // retry comes after the margin (1 s here).
  api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 60_000) * 60 - 60 })
  const run = await runClaude(sb, ['--plugin-dir', plugin, '--session-id', id, '-p', 'build the thing'], { version: '2.1.77' })
  t.match(run.stdout, /limit/i, 'the old CLI printed the banner')
  const scheduled = await waitForState(home, id, s => ['scheduled', 'due', 'resuming'].includes(s.state), 'a schedule from the Stop banner')
  t.equal(scheduled.limit.source, 'banner', 'no quotaLimits in 2.1.77 rows: the banner text is the source')
  t.equal(scheduled.limit.kind, 'five_hour')
  const active = await waitForState(home, id, s => s.state === 'active' && s.history.some((h: any) => h.to === 'resuming'), 'active after the resume', 90_000)
  t.match(active.supervisor.snapshot.context.lastResume, { attempt: 1, mode: 'spawn', outcome: 'completed' })
})
