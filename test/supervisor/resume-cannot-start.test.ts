// A resume that cannot start `claude`, or whose folder is gone, is not retried blindly until its
// attempts run out: the session goes to the user with the reason, and /health says so.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { startSupervisor, supervisorEnv, waitForState } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { homePaths } from '../../src/home/home-paths.js'

const api = await startFakeApi()
t.teardown(() => api.close())
const nowSeconds = () => Math.floor(Date.now() / 1000)

function journal(home: string, id: string): Record<string, any>[] {
  return readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
}

t.test('claude missing: needsUser at the first attempt, named in the log and in /health', async t => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const home = join(sb.home, '.devflow')
  const id = randomUUID()
  api.enqueue({ kind: 'limit', resetEpoch: nowSeconds() + 2 })
  await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', 'build it'])
  const env = supervisorEnv(sb.env, home, { SESSION_RETRY_CLAUDE_BIN: 'claude-that-does-not-exist', SESSION_RETRY_MAX_ATTEMPTS: '5' })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const s = await waitForState(home, id, s => s.state === 'needsUser', 'needs the user', 60_000)
  t.match(s.lastRun, { attempt: 1, outcome: 'failed', startError: 'command not found' })
  t.match(s.needsUserReason, /claude could not be started \(command not found\)/)
  t.equal(journal(home, id).filter(r => r.event === 'ResumeStarted').length, 1, 'one attempt, not five')
  const logLines = () => readFileSync(homePaths(home).supervisorLog, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
  const port = await waitFor(() => logLines().find(l => l.msg === 'supervisor ready')?.port, { what: 'api port' })
  const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json()
  t.equal(health.status, 'degraded')
  t.match(health.reasons.join('\n'), /claude could not be started for 1 session/)
  t.match(logLines().find(l => l.msg === 'resume could not start claude'), { level: 'error', sessionId: id, startError: 'command not found' })
})

t.test('the session\'s folder is gone: needsUser with the reason, nothing spawned', async t => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const home = join(sb.home, '.devflow')
  const project = join(sb.home, 'gone-project')
  mkdirSync(project)
  const { trustProject } = await import('../helpers/claude-cli.js')
  await trustProject(sb.home, project)
  const id = randomUUID()
  api.enqueue({ kind: 'limit', resetEpoch: nowSeconds() + 2 })
  await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', 'build it'], { cwd: project })
  rmSync(project, { recursive: true })
  const supervisor = await startSupervisor(supervisorEnv(sb.env, home))
  t.teardown(() => supervisor.stop())
  const s = await waitForState(home, id, s => s.state === 'needsUser', 'needs the user', 60_000)
  t.match(s.needsUserReason, new RegExp(`folder ${project} no longer exists`))
  t.equal(journal(home, id).filter(r => r.event === 'ResumeStarted').length, 0)
})
