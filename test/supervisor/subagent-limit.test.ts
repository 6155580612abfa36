// End to end: a plan limit that hits a subagent, with the real Claude Code CLI against the fake API
// and the real supervisor. The main turn calls the Agent tool; the subagent's request gets the 429.
// Claude Code runs the subagent's StopFailure hook with `agent_id`, and the main turn goes on: the
// session is limited only when the main agent's own request is refused too.
import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi, type RecordedRequest } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { startSupervisor, supervisorEnv, waitForState } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'

const api = await startFakeApi()
t.teardown(() => api.close())

async function world(t: Test) {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const home = join(sb.home, '.devflow')
  const supervisor = await startSupervisor(supervisorEnv(sb.env, home, { SESSION_RETRY_BACKOFF_BASE: '1' }))
  t.teardown(() => supervisor.stop())
  return { sb, home }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

const agentCall = (background: boolean) => ({
  kind: 'tool' as const,
  name: 'Agent',
  input: { description: 'build the parser', prompt: 'write the parser', subagent_type: 'general-purpose', ...(background ? {} : { run_in_background: false }) },
})

/** Claude Code marks a subagent's requests in the billing line of the system prompt. */
function isSubagentRequest(r: RecordedRequest): boolean {
  const system = (r.body as { system?: unknown }).system
  return JSON.stringify(system ?? '').includes('cc_is_subagent=true')
}

function sessionRequests(id: string): RecordedRequest[] {
  return api.mainTurnRequests().filter(r => r.headers['x-claude-code-session-id'] === id)
}

/** The banner as Claude Code prints it in UTC: `4:01am`. */
function bannerTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  const h = d.getUTCHours()
  return `${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')}${h < 12 ? 'am' : 'pm'}`
}

function journal(home: string, id: string): Record<string, any>[] {
  try {
    return readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
  } catch {
    return []
  }
}

t.test('a limit that hits only a subagent leaves the session alone, even when the main answer quotes its banner', async t => {
  const { sb, home } = await world(t)
  const id = randomUUID()
  const resetEpoch = nowSeconds() + 3600
  // What a main agent may well answer after reading its subagent's tool result.
  const answer = `The helper agent stopped early: You've hit your 5-hour limit · resets ${bannerTime(resetEpoch)} (UTC). I wrote the parser myself.`
  // In the foreground the main turn waits for its subagent, so the queue is taken in this order.
  api.enqueue(agentCall(false), { kind: 'limit', resetEpoch }, { kind: 'text', text: answer })
  const run = await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', 'build the thing'])
  t.equal(run.code, 0, 'the main turn went on and completed')

  const requests = sessionRequests(id)
  t.same(requests.map(r => [isSubagentRequest(r), r.replied]), [[false, 'tool'], [true, 'limit'], [false, 'text']],
    'main turn, the subagent (limited), the main turn again')

  const ended = await waitForState(home, id, s => s.state === 'ended' || s.history.some((h: any) => h.to === 'limited'), 'the session ended or limited')
  t.equal(ended.state, 'ended', 'the session ended as a normal session')
  t.notOk(ended.history.some((h: any) => h.to === 'limited'), 'never limited')

  const agentFailure = await waitFor(() => journal(home, id).find(r => r.event === 'StopFailure'), { timeoutMs: 20_000, what: "the subagent's StopFailure in the journal" })
  t.match(agentFailure, { agentId: /^a[0-9a-f]{8,}$/, agentType: 'general-purpose', error: 'rate_limit', lastAssistantMessage: /^You've hit your 5-hour limit · resets / },
    "the subagent's StopFailure carries agent_id and agent_type")
  const stop = journal(home, id).find(r => r.event === 'Stop')
  t.match(stop, { lastAssistantMessage: answer }, 'the main turn ended with a plain Stop carrying the answer')
  t.notOk(stop?.agentId, 'the main Stop has no agent_id')
})

t.test('an account limit that refuses the subagent and then the main turn is scheduled and resumed with --resume', async t => {
  const { sb, home } = await world(t)
  const id = randomUUID()
  const resetEpoch = nowSeconds() + 10
  // The quota is spent once the Agent call is out: every request is refused until the run is over.
  // A background agent (the default) and the main turn race, and the agent's failure may come back
  // as a task notification the main agent is asked to answer: that is refused too.
  api.enqueue(agentCall(true))
  api.setDefault({ kind: 'limit', resetEpoch })
  const restore = () => api.setDefault({ kind: 'text' })
  t.teardown(restore)
  const run = await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '-p', 'build the thing'])
  restore()
  t.equal(run.code, 1, 'claude -p exits 1 after a limit')
  const [first, ...refused] = sessionRequests(id)
  t.equal(first?.replied, 'tool')
  t.ok(refused.every(r => r.replied === 'limit'), 'every later request was refused')
  t.same([...new Set(refused.map(isSubagentRequest))].sort(), [false, true], 'the subagent and the main turn were both refused')

  const scheduled = await waitForState(home, id, s => ['scheduled', 'due', 'resuming'].includes(s.state), 'scheduled from the main turn’s limit')
  t.equal(scheduled.limit.resetAt, new Date(resetEpoch * 1000).toISOString(), "the exact reset from the main transcript's row")

  const exited = (s: Record<string, any>) => s.supervisor.snapshot.context.lastResume?.exitedAt != null
  const active = await waitForState(home, id, s => s.state === 'active' && exited(s), 'active after the resume', 60_000)
  t.match(active.supervisor.snapshot.context.lastResume, { attempt: 1, mode: 'spawn', outcome: 'completed' })
  const resumed = sessionRequests(id).at(-1)!
  t.equal(resumed.replied, 'text')
  t.notOk(isSubagentRequest(resumed), 'the resume is a main turn of the same session')
  t.match(JSON.stringify(resumed.body), /<status>failed<\/status>/, 'the resumed turn is told that its agent failed, so the work can go on')
})
