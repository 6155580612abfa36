// A home filled by a real run, for the contract tests: a real supervisor process, hook events
// through the real hook scripts, a limit posted to the real HTTP API, `session-retry cancel` and
// `schedules` as real CLI processes, and usage.json from the real status-line bundle. Resumes run
// `true` (the tests here are about files, not about Claude Code).
import { execFile, spawn } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { homePaths, type HomePaths } from '../../src/home/home-paths.js'
import { journalLines, repoRoot, runHook } from '../helpers/hook-process.js'
import { cliMain, folderEnv, readState, startSupervisor, trueBin, waitForState, type SupervisorProcess } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'

const run = promisify(execFile)
export const statuslineBundle = join(repoRoot, 'dist', 'hooks', 'statusline.cjs')

export const IDS = {
  /** SessionStart, a prompt, a notification, then a 5-hour limit whose banner names the reset. */
  scheduled: 'c0a1b2c3-0000-4000-8000-000000000001',
  /** A rate limit whose message names no reset time. */
  unknownReset: 'c0a1b2c3-0000-4000-8000-000000000002',
  /** A limit posted to /notify-limit that resets a second later: resumed (with `true`). */
  resumed: 'c0a1b2c3-0000-4000-8000-000000000003',
  /** Started and ended. */
  ended: 'c0a1b2c3-0000-4000-8000-000000000004',
  /** Limited, then `session-retry cancel`. */
  cancelled: 'c0a1b2c3-0000-4000-8000-000000000005',
} as const

export interface RealHome {
  dir: string
  home: string
  paths: HomePaths
  env: NodeJS.ProcessEnv
  supervisor: SupervisorProcess
  port: number
  token: string
  /** `session-retry <args>` as a real process; its stdout. */
  cli(args: string[]): Promise<string>
}

/** `You've hit your 5-hour limit · resets 4:01am (UTC)` for a reset about three hours ahead. */
function bannerThreeHoursAhead(): string {
  const at = new Date(Date.now() + 3 * 3_600_000)
  const hours = at.getUTCHours()
  const minutes = String(at.getUTCMinutes()).padStart(2, '0')
  return `You've hit your 5-hour limit · resets ${hours % 12 || 12}:${minutes}${hours < 12 ? 'am' : 'pm'} (UTC)`
}

/** `dir` must outlive the supervisor: a processDir, whose removal was registered before this. */
export async function makeRealHome(t: { teardown(fn: () => unknown): void }, dir: string): Promise<RealHome> {
  const home = join(dir, 'home')
  const project = join(dir, 'project')
  const env = folderEnv(dir, {
    TZ: 'UTC',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_RESUME_MARGIN: '0',
    SESSION_RETRY_STAGGER: '0',
    SESSION_RETRY_MAX_RESUMES_PER_DAY: '20',
    SESSION_RETRY_CLAUDE_BIN: trueBin(),
  })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.kill())
  const port = Number(/port (\d+)\)/.exec(supervisor.output())?.[1])
  const paths = homePaths(home)
  const token = readFileSync(paths.tokenFile, 'utf8').trim()
  const cli = async (args: string[]) => (await run(process.execPath, [cliMain, ...args], { env })).stdout
  const hook = async (sessionId: string, event: string, fields: Record<string, unknown> = {}) => {
    const result = await runHook(JSON.stringify({ session_id: sessionId, hook_event_name: event, cwd: project, ...fields }), { SESSION_RETRY_HOME: home })
    if (result.code !== 0) throw new Error(`hook ${event} exited ${result.code}: ${result.stderr}`)
  }
  const transcript = (id: string) => join(dir, 'claude', 'projects', `${id}.jsonl`)

  const s = IDS.scheduled
  await hook(s, 'SessionStart', { source: 'startup', transcript_path: transcript(s), permission_mode: 'acceptEdits' })
  await hook(s, 'UserPromptSubmit', { prompt: 'words that are never stored', permission_mode: 'acceptEdits' })
  await hook(s, 'Notification', { message: 'Claude is waiting for your input', notification_type: 'idle_prompt' })
  await hook(s, 'StopFailure', { error: 'rate_limit', last_assistant_message: bannerThreeHoursAhead(), transcript_path: transcript(s) })
  await hook(IDS.unknownReset, 'StopFailure', { error: 'rate_limit', last_assistant_message: "You've hit your limit" })
  await hook(IDS.ended, 'SessionStart', { source: 'startup' })
  await hook(IDS.ended, 'SessionEnd', { reason: 'prompt_input_exit' })
  await hook(IDS.cancelled, 'StopFailure', { error: 'rate_limit', last_assistant_message: bannerThreeHoursAhead() })
  await waitForState(home, IDS.cancelled, st => st.state === 'scheduled', 'the session to cancel is scheduled')
  await cli(['cancel', IDS.cancelled])

  const posted = await fetch(`http://127.0.0.1:${port}/notify-limit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ session_id: IDS.resumed, message: "You've hit your limit", reset_at: Math.ceil(Date.now() / 1000) + 1, cwd: project }),
  })
  if (posted.status !== 202) throw new Error(`/notify-limit answered ${posted.status}: ${await posted.text()}`)

  await recordUsage(home, s, project)

  await waitForState(home, IDS.resumed, st => st.lastRun?.exitedAt != null && st.state !== 'resuming', 'the posted limit resumed and the run exited')
  await waitForState(home, IDS.cancelled, st => st.state === 'cancelled', 'the cancel applied')
  await waitForState(home, IDS.ended, st => st.state === 'ended', 'the ended session')
  await waitForState(home, s, st => st.state === 'scheduled' && st.permissionMode === 'acceptEdits', 'the banner schedule')
  await waitForApplied(home, Object.values(IDS))
  return { dir, home, paths, env, supervisor, port, token, cli }
}

/** The status line as Claude Code runs it, with `rate_limits`: it writes usage.json. */
async function recordUsage(home: string, sessionId: string, project: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000)
  const input = JSON.stringify({
    session_id: sessionId,
    cwd: project,
    workspace: { current_dir: project, project_dir: project },
    rate_limits: { five_hour: { used_percentage: 42.5, resets_at: now + 3600 }, seven_day: { used_percentage: 10, resets_at: now + 86_400 } },
  })
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [statuslineBundle], { env: { PATH: process.env.PATH, SESSION_RETRY_HOME: home }, stdio: ['pipe', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('exit', code => (code === 0 ? resolve() : reject(new Error(`statusline exited ${code}`))))
    child.stdin.end(input)
  })
}

/** Every journal applied: each state file's offset is its journal's size. */
export async function waitForApplied(home: string, ids: readonly string[]): Promise<void> {
  await waitFor(
    () =>
      ids.every(id => {
        const state = readState(home, id)
        return state !== undefined && journalLines(home, id).length > 0 && state.supervisor.offset === statSync(join(home, 'sessions', 'events', `${id}.jsonl`)).size
      }),
    { timeoutMs: 45_000, what: 'every journal applied' },
  )
}
