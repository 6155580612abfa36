// SESSION_RETRY_MAX_RESUMES_PER_DAY: once the day's automatic resumes are used, the next due
// session waits (visible in resume_schedule.json) until a manual `session-retry resume`.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { cliMain, startSupervisor, supervisorEnv, waitForState } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'

t.test('the (N+1)th automatic resume of the day waits for a manual resume', async t => {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const home = join(sb.home, '.devflow')
  const env = supervisorEnv(sb.env, home, { SESSION_RETRY_MAX_RESUMES_PER_DAY: '1' })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const [first, second] = [randomUUID(), randomUUID()]
  for (const id of [first, second]) {
    api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 3 })
    await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', 'work'])
  }
  await waitForState(home, first, s => s.state === 'active' && s.history.some((h: any) => h.to === 'resuming'), 'first session resumed')
  await waitForState(home, second, s => s.state === 'due', 'second session due')
  const schedule = await waitFor(() => {
    const value = JSON.parse(readFileSync(join(home, 'sessions', 'resume_schedule.json'), 'utf8'))
    return value.cap?.reached && value
  }, { what: 'the cap in resume_schedule.json' })
  t.match(schedule.cap, { maxResumesPerDay: 1, resumesToday: 1, reached: true })
  // It stays due across more ticks, each checking it again: nothing is spawned for it.
  await supervisor.moreTicks(3)
  t.match(JSON.parse(readFileSync(join(home, 'sessions', `${second}.json`), 'utf8')), { state: 'due' })
  t.equal(api.mainTurnRequests().filter(r => r.headers['x-claude-code-session-id'] === second).length, 1, 'no automatic resume of the second')
  execFileSync(process.execPath, [cliMain, 'resume', second], { env })
  await waitForState(home, second, s => s.state === 'active' && s.history.some((h: any) => h.to === 'resuming'), 'second session resumed by hand')
  t.equal(api.mainTurnRequests().filter(r => r.headers['x-claude-code-session-id'] === second).length, 2)
})
