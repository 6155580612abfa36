// End to end, with the real Claude Code CLI and a fake model that asks to write a file after the
// reset: a resumed run works in the permission mode the user gave the session, no wider, and the
// state file tells the truth about what the run did.
import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude, type ClaudeSandbox } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { cliMain, readState, startSupervisor, supervisorEnv, waitForState, type SupervisorProcess } from '../helpers/supervisor-process.js'

// Six claude runs and three supervisors: minutes on a loaded machine.
t.setTimeout(600_000)
const api = await startFakeApi()
t.teardown(() => api.close())
// Claude Code refuses bypassPermissions as root outside a sandbox; tests run as root in CI.
const sb: ClaudeSandbox = await makeSandbox(api, { env: { IS_SANDBOX: '1' } })
t.teardown(() => sb.cleanup())
const home = join(sb.home, '.devflow')
const nowSeconds = () => Math.floor(Date.now() / 1000)
const settled = (s: Record<string, any>) => s.lastRun && s.lastRun.outcome !== 'running' && s.lastRun.exitedAt !== null

function journal(id: string): Record<string, any>[] {
  return readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
}

/** A session in `mode` hits a limit; after the reset its model will ask to write `file`. */
const resets = new Map<string, number>()
/** For the closing figures: from the reset to the moment the run's verdict was on record. */
function settleComment(t: Test, id: string, s: Record<string, any>) {
  t.comment(`${s.lastRun.outcome}: reset → settled outcome ${Date.parse(s.lastRun.exitedAt) - resets.get(id)!} ms (margin 1 s)`)
}

async function limitedSession(mode: string, file: string | null): Promise<string> {
  // No supervisor while `claude -p` runs: on a busy machine the reset can come before it exits, and
  // a supervisor would then rightly leave the still-open session to its owner first (an attempt of
  // its own), which is not what this file is about. It sees the session once it is closed.
  const running = supervisor !== null
  await stopSupervisor()
  const id = randomUUID()
  const resetEpoch = nowSeconds() + 2
  resets.set(id, resetEpoch * 1000)
  api.enqueue({ kind: 'limit', resetEpoch })
  await runClaude(sb, ['--plugin-dir', repoRoot, '--session-id', id, '--permission-mode', mode, '-p', 'write the notes file'])
  if (file) api.enqueue({ kind: 'tool', name: 'Write', input: { file_path: file, content: 'notes\n' } })
  if (running) await withSupervisor(supervisorExtra)
  return id
}

let supervisor: SupervisorProcess | null = null
let supervisorExtra: Record<string, string> = {}
t.teardown(() => supervisor?.stop())
async function stopSupervisor() {
  await supervisor?.stop()
  supervisor = null
}
async function withSupervisor(extra: Record<string, string> = {}) {
  await stopSupervisor()
  supervisorExtra = extra
  supervisor = await startSupervisor(supervisorEnv(sb.env, home, extra))
}

const started: Record<string, string> = {}

t.test('acceptEdits: resumed in acceptEdits, the file is written, the run is "completed"', async t => {
  await withSupervisor()
  const file = join(sb.cwd, 'accept-edits.txt')
  const id = (started.acceptEdits = await limitedSession('acceptEdits', file))
  const s = await waitForState(home, id, s => s.state === 'active' && settled(s), 'resumed and settled', 90_000)
  settleComment(t, id, s)
  t.ok(existsSync(file), 'the resumed run wrote the file')
  t.equal(s.permissionMode, 'acceptEdits')
  t.match(s.lastRun, { attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: 'acceptEdits', exitCode: 0, deniedTools: [] })
  t.ok(s.lastRun.turns >= 2, `turns counted (${s.lastRun.turns})`)
  t.match(s.lastRun.resultLine, /\S/, 'the first line of its answer is kept')
  t.ok(existsSync(s.lastRun.logFile), 'the log file is named')
  const start = journal(id).find(r => r.event === 'ResumeStarted')!
  t.match(start, { mode: 'spawn', permissionMode: 'acceptEdits', marked: true })
  // The run's own hook events reach the journal through the spool, which the supervisor sweeps a
  // moment after each change: possibly after the run's exit made the session active.
  const resumedStarts = () => journal(id).filter(r => r.event === 'SessionStart' && r.source === 'resume')
  await waitFor(() => resumedStarts().length > 0, { what: 'the resumed run\'s SessionStart in the journal' })
  const ownStart = resumedStarts()
  t.equal(ownStart.length, 1, 'the resumed run started once')
  t.equal(ownStart[0]!.runAttempt, 1, 'its SessionStart says it is our attempt 1')
})

t.test('default mode: the write is refused, the run does not hang, the session needs the user', async t => {
  const file = join(sb.cwd, 'default-mode.txt')
  const id = (started.default = await limitedSession('default', file))
  const s = await waitForState(home, id, s => s.state === 'needsUser' && settled(s), 'blocked run settled', 90_000)
  settleComment(t, id, s)
  t.notOk(existsSync(file), 'nothing was written without approval')
  t.match(s.lastRun, { outcome: 'blocked', deniedTools: ['Write'] })
  t.match(s.needsUserReason, /Write/, 'the reason names the refused tool')
  t.match(s.needsUserReason, new RegExp(`claude --resume ${id}`), 'and what to run')
  t.equal(journal(id).filter(r => r.event === 'ResumeStarted').length, 1, 'no second resume for that attempt')
})

t.test('plan mode is never resumed headless; bypassPermissions only with the opt-in', async t => {
  const planId = (started.plan = await limitedSession('plan', null))
  const plan = await waitForState(home, planId, s => s.state === 'needsUser', 'plan session needs the user', 60_000)
  t.match(plan.needsUserReason, /plan mode/)
  t.equal(journal(planId).filter(r => r.event === 'ResumeStarted').length, 0, 'no run started')
  t.equal(journal(planId).filter(r => r.event === 'ResumeRefused').length, 1, 'the refusal is journaled')

  const bypassFile = join(sb.cwd, 'bypass.txt')
  const bypassId = (started.bypass = await limitedSession('bypassPermissions', bypassFile))
  const refused = await waitForState(home, bypassId, s => s.state === 'needsUser', 'bypass session needs the user', 60_000)
  t.match(refused.needsUserReason, /SESSION_RETRY_ALLOW_BYPASS=true/, 'says how to opt in')
  t.equal(journal(bypassId).filter(r => r.event === 'ResumeStarted').length, 0)

  await withSupervisor({ SESSION_RETRY_ALLOW_BYPASS: 'true' })
  const resume = spawnSync(process.execPath, [cliMain, 'resume', bypassId], { env: supervisorEnv(sb.env, home), encoding: 'utf8' })
  t.equal(resume.status, 0, resume.stderr)
  const s = await waitForState(home, bypassId, s => s.state === 'active' && settled(s), 'bypass resumed with the opt-in', 90_000)
  t.match(s.lastRun, { outcome: 'completed', permissionMode: 'bypassPermissions' })
  t.ok(existsSync(bypassFile), 'the opted-in run wrote its file')
})

t.test('a replay of the journals gives the same modes, outcomes and states', async t => {
  await supervisor?.stop()
  supervisor = null
  const replayHome = join(sb.home, 'replay')
  mkdirSync(join(replayHome, 'sessions'), { recursive: true })
  cpSync(join(home, 'sessions', 'events'), join(replayHome, 'sessions', 'events'), { recursive: true })
  const replay = await startSupervisor(supervisorEnv(sb.env, replayHome, { SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }))
  t.teardown(() => replay.stop())
  for (const [name, id] of Object.entries(started)) {
    const live = readState(home, id)!
    const clean = await waitForState(replayHome, id, s => s.supervisor.offset === live.supervisor.offset, `${name} replayed`)
    const pick = (s: Record<string, any>) => ({ state: s.state, permissionMode: s.permissionMode, outcome: s.lastRun?.outcome, denied: s.lastRun?.deniedTools, needsUserReason: s.needsUserReason })
    t.same(pick(clean), pick(live), `${name}: replay equals live`)
  }
})
