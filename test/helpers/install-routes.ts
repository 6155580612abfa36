// What the install tests share: a user's machine (a sandbox HOME with `claude` on PATH and nothing
// else set up), and the proof that an install works: a `claude -p` run hits a limit, the hook of
// the installed copy journals it, the supervisor it autostarts resumes the session after the reset.
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { claudeCommand, makeSandbox, OAUTH_TOKEN, runClaude, type ClaudeRun, type ClaudeSandbox } from './claude-cli.js'
import type { FakeApi } from './fake-anthropic-api.js'
import { waitForState } from './supervisor-process.js'
import { waitFor } from './wait-for.js'

export interface UserMachine {
  sb: ClaudeSandbox
  /** SESSION_RETRY_HOME: the default, ~/.devflow. */
  home: string
  /** A folder on PATH, first: `claude` is there, and the test may put more. */
  binDir: string
  /** Runs `claude <args>` as the user would, in `cwd` (default: the sandbox project). */
  claude(args: string[], cwd?: string): Promise<ClaudeRun>
}

export async function userMachine(t: Test, api: FakeApi): Promise<UserMachine> {
  const sb = await makeSandbox(api)
  const home = join(sb.home, '.devflow')
  t.teardown(async () => {
    await stopSupervisor(home)
    await sb.cleanup()
  })
  // Logged in as `claude /login` leaves a user on Linux. (Claude Code does not pass
  // CLAUDE_CODE_OAUTH_TOKEN to hooks, so a supervisor the hook starts would not have it.)
  delete sb.env.CLAUDE_CODE_OAUTH_TOKEN
  const expiresAt = Date.now() + 365 * 86_400_000
  const oauth = { accessToken: OAUTH_TOKEN, refreshToken: 'sk-ant-ort01-fake', expiresAt, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max' }
  writeFileSync(join(sb.home, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: oauth }), { mode: 0o600 })
  const binDir = join(sb.home, 'bin')
  mkdirSync(binDir, { recursive: true })
  const command = claudeCommand()
  writeFileSync(join(binDir, 'claude'), `#!/bin/sh\nexec ${[command.file, ...command.args].map(a => JSON.stringify(a)).join(' ')} "$@"\n`)
  chmodSync(join(binDir, 'claude'), 0o755)
  Object.assign(sb.env, {
    PATH: `${binDir}:${sb.env.PATH}`,
    // The product's own defaults, but on test time scales; autostart on, as for a real user.
    SESSION_RETRY_AUTOSTART: 'true',
    SESSION_RETRY_RESUME_MARGIN: '1',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_STAGGER: '0',
    SESSION_RETRY_BACKOFF_BASE: '1',
    SESSION_RETRY_PORT: '0',
    npm_config_cache: join(sb.home, '.npm'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  })
  return { sb, home, binDir, claude: (args, cwd) => runClaude(sb, args, { cwd: cwd ?? sb.cwd, timeoutMs: 120_000 }) }
}

/** Stops the supervisor the test's sessions autostarted, and waits for it to be gone. */
async function stopSupervisor(home: string): Promise<void> {
  let pid: number
  try {
    pid = Number(readFileSync(join(home, 'supervisor.pid'), 'utf8'))
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  await waitFor(() => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }, { timeoutMs: 20_000, what: `supervisor ${pid} to stop` }).catch(() => process.kill(pid, 'SIGKILL'))
}

export interface Resumed {
  sessionId: string
  /** The first journal line's time (ms). */
  firstEventAt: number
  /** The autostarted supervisor's command line. */
  supervisorCommand: string
}

/** A limited `claude -p` run, resumed by the autostarted supervisor after the reset. */
export async function limitThenResume(t: Test, api: FakeApi, machine: UserMachine): Promise<Resumed> {
  const id = randomUUID()
  const resetEpoch = Math.floor(Date.now() / 1000) + 8
  const before = api.mainTurnRequests().length
  api.enqueue({ kind: 'limit', resetEpoch })
  const run = await machine.claude(['--session-id', id, '-p', 'build the thing'])
  t.equal(run.code, 1, 'claude -p exits 1 on the limit')
  const journal = join(machine.home, 'sessions', 'events', `${id}.jsonl`)
  const first = await waitFor(() => readFirstLine(journal), { timeoutMs: 30_000, what: `the first journal line of ${id}` })
  const exited = (s: Record<string, any>) => s.supervisor.snapshot.context.lastResume?.exitedAt != null
  const active = await waitForState(machine.home, id, s => s.state === 'active' && s.history.some((h: any) => h.to === 'resuming') && exited(s), 'active after the resume', 90_000).catch(error => {
    throw new Error(`${(error as Error).message}\n${diagnostics(machine.home)}`)
  })
  t.match(active.supervisor.snapshot.context.lastResume, { attempt: 1, mode: 'spawn', outcome: 'completed' }, 'resumed once, and it completed')
  t.ok(active.supervisor.snapshot.context.lastResume.startedAt >= resetEpoch * 1000, 'not before the reset')
  t.equal(api.mainTurnRequests().length - before, 2, 'the limited turn and the resumed one')
  t.equal(api.mainTurnRequests().at(-1)!.headers['x-claude-code-session-id'], id, 'the resume continued the same session')
  const pid = Number(readFileSync(join(machine.home, 'supervisor.pid'), 'utf8'))
  let supervisorCommand = ''
  try {
    supervisorCommand = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    // not Linux
  }
  return { sessionId: id, firstEventAt: Date.parse(JSON.parse(first).ts), supervisorCommand }
}

/** The supervisor's own output and the resumed runs' logs, for a failure message. */
function diagnostics(home: string): string {
  const files = [join(home, 'logs', 'supervisor.out'), join(home, 'logs', 'hook.log')]
  try {
    files.push(...readdirSync(join(home, 'logs', 'resume')).map(name => join(home, 'logs', 'resume', name)))
  } catch {
    // no resume yet
  }
  return files.map(file => `--- ${file}\n${(() => { try { return readFileSync(file, 'utf8').slice(-3000) } catch { return '(none)' } })()}`).join('\n')
}

function readFirstLine(file: string): string | undefined {
  try {
    const line = readFileSync(file, 'utf8').split('\n')[0]
    return line ? line : undefined
  } catch {
    return undefined
  }
}
