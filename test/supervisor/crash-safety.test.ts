// The supervisor is SIGKILLed again and again at random moments while hooks keep appending and
// schedules fall due. Afterwards every session's state equals a clean replay of its journal, and
// no resume attempt was started twice (counted at the fake API).
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot, runHook } from '../helpers/hook-process.js'
import { readState, startSupervisor, supervisorEnv, waitForState, type SupervisorProcess } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { NOT_STARTED_MARK } from '../../src/supervisor/run-outcome.js'

// A seeded generator so a failing run can be repeated: SEED=<n> npx tap test/supervisor/crash-safety.test.ts
const seed = Number(process.env.SEED ?? Date.now() % 100_000)
let state = seed
const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
t.comment(`seed ${seed}`)
// Three claude runs, six supervisor lives and a replay: on a loaded machine that takes minutes, and a
// slow machine is no reason for this test to fail.
t.setTimeout(600_000)

const KILLS = 6
const LIMITED = 3
const NOISE = ['noise-a', 'noise-b']

t.test('SIGKILL at random moments: final state = clean replay, no attempt started twice', async t => {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const home = join(sb.home, '.devflow')
  const env = supervisorEnv(sb.env, home)

  // Limited sessions whose resets fall due while the supervisor is being killed.
  const ids: string[] = []
  for (let i = 0; i < LIMITED; i++) {
    const id = randomUUID()
    ids.push(id)
    api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 4 + 3 * i })
    await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', `task ${i}`])
  }

  // Hooks keep appending to other sessions the whole time.
  let writing = true
  let noiseEvents = 0
  const writer = (async () => {
    while (writing) {
      const sessionId = NOISE[noiseEvents % NOISE.length]
      const event = noiseEvents % 3 === 0 ? 'UserPromptSubmit' : noiseEvents % 3 === 1 ? 'Stop' : 'Notification'
      await runHook(JSON.stringify({ session_id: sessionId, hook_event_name: event, cwd: sb.cwd, prompt: 'x', last_assistant_message: 'ok' }), { SESSION_RETRY_HOME: home })
      noiseEvents++
      await new Promise(r => setTimeout(r, 50 + random() * 150))
    }
  })()

  let supervisor: SupervisorProcess | null = null
  t.teardown(() => supervisor?.stop())
  for (let k = 0; k < KILLS; k++) {
    supervisor = await startSupervisor(env)
    await new Promise(r => setTimeout(r, 300 + random() * 2500))
    await supervisor.kill()
  }
  writing = false
  await writer
  supervisor = await startSupervisor(env)
  for (const id of ids) {
    await waitForState(home, id, s => s.state === 'active' && s.history.some((h: any) => h.to === 'resuming'), `session ${id} resumed`, 90_000)
  }
  await waitForApplied(home, [...ids, ...NOISE])
  await supervisor.stop()
  supervisor = null
  t.ok(noiseEvents > 10, `${noiseEvents} hook events appended during the kills`)

  // No attempt started twice: attempts journaled as spawn are unique, and the fake API saw exactly
  // as many resumed turns per session as there are resume logs (one per spawned attempt).
  for (const id of ids) {
    const starts = journal(home, id).filter(r => r.event === 'ResumeStarted' && r.mode === 'spawn').map(r => r.attempt)
    t.equal(new Set(starts).size, starts.length, `${id}: each attempt journaled once (${starts.join(',')})`)
    const turns = api.mainTurnRequests().filter(r => r.headers['x-claude-code-session-id'] === id).length
    // A run the gate never let start leaves a log that says so; every other log is a run that ran.
    const logs = readdirSync(join(home, 'logs', 'resume'))
      .filter(n => n.startsWith(id) && n.endsWith('.log'))
      .filter(n => !readFileSync(join(home, 'logs', 'resume', n), 'utf8').includes(NOT_STARTED_MARK)).length
    t.equal(turns - 1, logs, `${id}: ${turns - 1} resumed turns at the API for ${logs} spawned attempts`)
    t.ok(turns - 1 <= starts.length, 'never more resumes than journaled attempts')
  }

  // A clean replay of the same journals, in a fresh home, with nothing to spawn.
  const replayHome = join(sb.home, 'replay')
  mkdirSync(join(replayHome, 'sessions'), { recursive: true })
  cpSync(join(home, 'sessions', 'events'), join(replayHome, 'sessions', 'events'), { recursive: true })
  const replay = await startSupervisor({ ...env, SESSION_RETRY_HOME: replayHome, SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  t.teardown(() => replay.stop())
  await waitForApplied(replayHome, [...ids, ...NOISE])
  for (const id of [...ids, ...NOISE]) {
    const live = essentials(readState(home, id)!)
    const clean = essentials(readState(replayHome, id)!)
    t.same(live, clean, `${id}: live state equals the clean replay`)
  }
})

function journal(home: string, id: string): Record<string, any>[] {
  return readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l))
}

async function waitForApplied(home: string, ids: string[]) {
  await waitFor(
    () =>
      ids.every(id => {
        const s = readState(home, id)
        const file = join(home, 'sessions', 'events', `${id}.jsonl`)
        return s && existsSync(file) && s.supervisor.offset === statSync(file).size
      }),
    { timeoutMs: 30_000, what: 'every journal applied' },
  )
}

function essentials(s: Record<string, any>) {
  const c = s.supervisor.snapshot.context
  return {
    state: s.state,
    attempts: s.attempts,
    limit: s.limit,
    retryAt: s.retryAt,
    lastResume: c.lastResume && { attempt: c.lastResume.attempt, mode: c.lastResume.mode, outcome: c.lastResume.outcome, exitCode: c.lastResume.exitCode },
    lastActivityAt: s.lastActivityAt,
    offset: s.supervisor.offset,
  }
}
