// A session still open in a live interactive Claude Code (under tmux) is never resumed underneath
// its owner: the supervisor gives the owner the chance, then records that the user is needed.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { startSupervisor, supervisorEnv, waitForState } from '../helpers/supervisor-process.js'
import { startClaudeTui } from '../helpers/tmux.js'

t.test('an open session is left to its owner, then marked needsUser', async t => {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  // Claude Code's own auto-continue off, so the owner stays idle and the grace period runs out.
  writeFileSync(join(sb.home, '.claude', 'settings.json'), JSON.stringify({ autoContinueAtUsageLimit: false }))
  const home = join(sb.home, '.devflow')
  const env = supervisorEnv(sb.env, home, { SESSION_RETRY_OWNER_GRACE: '2' })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const id = randomUUID()
  const tui = await startClaudeTui(sb, { args: ['--plugin-dir', repoRoot, '--session-id', id], env: { SESSION_RETRY_HOME: home } })
  t.teardown(() => tui.kill())
  api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 3 })
  await tui.waitFor(/❯/, 20_000)
  await tui.submit('build the thing')
  await tui.waitFor(/limit/i, 20_000)
  const state = await waitForState(home, id, s => s.state === 'needsUser', 'needsUser after the grace period', 45_000)
  t.ok(await tui.alive(), 'the owner is still running')
  t.same(state.history.map((h: any) => h.to).slice(-3), ['due', 'awaitingOwner', 'needsUser'])
  t.match(state.needsUserReason, /./, 'says why the user is needed')
  t.equal(state.supervisor.snapshot.context.lastResume.mode, 'owner')
  const resumeLogs = existsSync(join(home, 'logs', 'resume')) ? readdirSync(join(home, 'logs', 'resume')) : []
  t.same(resumeLogs, [], 'no claude --resume was started')
})
