// The supervisor as a real process (`session-retry supervisor run` from dist/), on real files.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { supervisorCommand } from '../../src/hook/autostart-supervisor.js'
import { claudeCommand } from './claude-cli.js'
import { repoRoot } from './hook-process.js'
import { waitFor } from './wait-for.js'

export const cliMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js')

/** `true` as the resumed `claude`: a run that exits 0 at once, for tests about everything around it. */
export function trueBin(): string {
  return execFileSync('sh', ['-c', 'command -v true'], { encoding: 'utf8' }).trim()
}

/**
 * The environment of a supervisor on a test folder `dir` and nothing else of the machine: its home
 * is `dir/home`, Claude Code's folder `dir/claude`, HOME `dir`, and any free port.
 */
export function folderEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    SESSION_RETRY_HOME: join(dir, 'home'),
    SESSION_RETRY_PORT: '0',
    CLAUDE_CONFIG_DIR: join(dir, 'claude'),
    ...extra,
  }
}

/**
 * The environment of a supervisor that resumes with the real Claude Code of a sandbox (with this
 * repository as its plugin), on test time scales: 1 s margin and tick, no stagger, a free port.
 */
export function supervisorEnv(sandboxEnv: NodeJS.ProcessEnv, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...sandboxEnv,
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_CLAUDE_BIN: claudeCommand().file,
    SESSION_RETRY_CLAUDE_ARGS: JSON.stringify(['--plugin-dir', repoRoot]),
    SESSION_RETRY_RESUME_MARGIN: '1',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_STAGGER: '0',
    SESSION_RETRY_PORT: '0',
    ...extra,
  }
}

export interface SupervisorProcess {
  child: ChildProcess
  output(): string
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL: no clean-up at all. */
  kill(): Promise<void>
  /**
   * Resolves once the supervisor has done `n` more wall-clock ticks than when asked, each a
   * `check` of every session, where a due action would start: "nothing more happens" is
   * bounded by that, not by seconds that a busy machine may stretch.
   */
  moreTicks(n: number, timeoutMs?: number): Promise<void>
}

export async function startSupervisor(env: NodeJS.ProcessEnv, { timeoutMs = 90_000 } = {}): Promise<SupervisorProcess> {
  // The command line the product's own start sites use, Node flags included.
  const [node, ...args] = supervisorCommand(process.execPath, cliMain)
  const child = spawn(node!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', d => (output += d))
  child.stderr!.on('data', d => (output += d))
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  await Promise.race([
    waitFor(() => output.includes('supervisor: ready'), { timeoutMs, what: 'supervisor ready' }).catch(error => {
      child.kill('SIGKILL')
      throw new Error(`${(error as Error).message}; its output so far:\n${output}\nits log:\n${logTail(env.SESSION_RETRY_HOME)}`)
    }),
    exited.then(code => {
      throw new Error(`supervisor exited with ${code} before it was ready:\n${output}`)
    }),
  ])
  const port = /^supervisor: ready \(.*, port (\d+)\)$/m.exec(output)?.[1]
  const ticks = async () => {
    if (!port) throw new Error(`the supervisor serves no HTTP API (SESSION_RETRY_PORT), so its ticks cannot be counted:\n${output}`)
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const count = /^session_retry_ticks_total (\d+)$/m.exec(text)?.[1]
    if (count === undefined) throw new Error(`no session_retry_ticks_total in /metrics:\n${text}`)
    return Number(count)
  }
  return {
    child,
    output: () => output,
    async moreTicks(n, timeoutMs = 30_000) {
      const target = (await ticks()) + n
      await waitFor(async () => (await ticks()) >= target, { timeoutMs, intervalMs: 100, what: `${n} more supervisor ticks` })
    },
    async stop() {
      child.kill('SIGTERM')
      return exited
    },
    async kill() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

function logTail(home: string | undefined): string {
  try {
    return readFileSync(join(home ?? '', 'logs', 'session-retry.log'), 'utf8').split('\n').slice(-30).join('\n')
  } catch {
    return '(no log)'
  }
}

export function readState(home: string, sessionId: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'sessions', `${sessionId}.json`), 'utf8'))
  } catch {
    return undefined
  }
}

export async function waitForState(home: string, sessionId: string, accept: (s: Record<string, any>) => boolean, what: string, timeoutMs = 45_000) {
  let last: Record<string, any> | undefined
  try {
    return await waitFor(
      () => {
        last = readState(home, sessionId)
        return last && accept(last) ? last : undefined
      },
      { timeoutMs, intervalMs: 100, what },
    )
  } catch (error) {
    throw new Error(`${(error as Error).message}; last state: ${JSON.stringify(last && { state: last.state, attempts: last.attempts, retryAt: last.retryAt, history: last.history }, null, 1)}\nsupervisor log:\n${logTail(home)}`)
  }
}
