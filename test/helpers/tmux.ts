/**
 * Drive an interactive program (the Claude Code TUI) under tmux, on a private tmux server
 * (`tmux -L <unique socket>`), so tests never touch the user's tmux.
 *
 * The command runs as `env -i K=V ... <file> <args...>`: tmux receives more than one argument and
 * execs it directly (no shell), and the program's environment is exactly the one given, whatever
 * the tmux server inherited.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { claudeCommand, type ClaudeSandbox, type ClaudeVersion } from './claude-cli.js'

export interface TmuxOptions {
  file: string
  args?: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  width?: number
  height?: number
  /**
   * Give the program `TMUX` and `TMUX_PANE` as tmux would (the `env -i` drops them otherwise),
   * so it knows, like a program a user starts in tmux, which server and pane it runs in.
   */
  tmuxEnv?: boolean
}

export interface TmuxSession {
  socket: string
  name: string
  /** type literal text (send-keys -l), without pressing Enter */
  type(text: string): Promise<void>
  /** press keys by tmux name: 'Enter', 'Escape', 'C-c', ... */
  keys(...keys: string[]): Promise<void>
  /** type text, then press Enter (two separate send-keys calls, docs/claude-code.md#driving-the-interactive-cli) */
  submit(text: string): Promise<void>
  /** the visible pane (capture-pane -p), plus `history` lines of scroll-back */
  capture(history?: number): Promise<string>
  /** poll the pane until it contains `match`; rejects with the last screen after `timeoutMs` */
  waitFor(match: string | RegExp, timeoutMs?: number): Promise<string>
  /** pid of the process running in the pane */
  panePid(): Promise<number>
  /** true while the pane's process has not exited */
  alive(): Promise<boolean>
  kill(): Promise<void>
}

export const POLL_MS = 100
export const DEFAULT_WAIT_MS = 20_000

export function tmux(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tmux', ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tmux ${args[0]} failed: ${stderr || err.message}`))
      else resolve(stdout)
    })
  })
}

function envArgs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && !e[0].includes('='))
    .map(([k, v]) => `${k}=${v}`)
}

export async function startTmux(opts: TmuxOptions): Promise<TmuxSession> {
  const socket = `ssr-test-${process.pid}-${randomBytes(4).toString('hex')}`
  const name = 'main'
  const env: NodeJS.ProcessEnv = { TERM: 'xterm-256color', ...opts.env }
  if (opts.tmuxEnv) {
    // A placeholder session starts the server first, so its socket, pid and the next pane id are known.
    await tmux(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', 'hold', '--', 'sleep', '86400'])
    const [path, pid, pane] = (await tmux(socket, ['display-message', '-p', '-t', 'hold', '#{socket_path} #{pid} #{pane_id}'])).trim().split(' ')
    env.TMUX = `${path},${pid},1`
    env.TMUX_PANE = `%${Number(pane!.slice(1)) + 1}`
  }
  await tmux(socket, [
    '-f', '/dev/null', 'new-session', '-d', '-s', name,
    '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), '-c', opts.cwd,
    '--', 'env', '-i', ...envArgs(env), opts.file, ...(opts.args ?? []),
  ])
  // keep the pane after the program exits, so its last screen can still be read
  await tmux(socket, ['set-option', '-t', name, 'remain-on-exit', 'on']).catch(() => undefined)
  const target = `${name}:0.0`
  if (opts.tmuxEnv) {
    const pane = (await tmux(socket, ['display-message', '-p', '-t', target, '#{pane_id}'])).trim()
    if (pane !== env.TMUX_PANE) throw new Error(`tmux gave pane ${pane}, the program was told ${env.TMUX_PANE}`)
    await tmux(socket, ['kill-session', '-t', 'hold'])
  }
  const socketPath = (await tmux(socket, ['display-message', '-p', '#{socket_path}']).catch(() => '')).trim()

  const session: TmuxSession = {
    socket,
    name,
    type: async (text) => { await tmux(socket, ['send-keys', '-t', target, '-l', text]) },
    keys: async (...keys) => { await tmux(socket, ['send-keys', '-t', target, ...keys]) },
    submit: async (text) => {
      await session.type(text)
      await session.keys('Enter')
    },
    capture: (history = 0) =>
      tmux(socket, ['capture-pane', '-p', '-J', '-t', target, ...(history > 0 ? ['-S', String(-history)] : [])]),
    waitFor: async (match, timeoutMs = DEFAULT_WAIT_MS) => {
      const deadline = Date.now() + timeoutMs
      let screen = ''
      for (;;) {
        screen = await session.capture(200).catch(() => screen)
        if (typeof match === 'string' ? screen.includes(match) : match.test(screen)) return screen
        if (Date.now() > deadline) {
          throw new Error(`tmux pane did not show ${String(match)} within ${timeoutMs} ms; last screen:\n${screen}`)
        }
        await new Promise((r) => setTimeout(r, POLL_MS))
      }
    },
    panePid: async () => Number((await tmux(socket, ['display-message', '-p', '-t', target, '#{pane_pid}'])).trim()),
    alive: async () => (await tmux(socket, ['display-message', '-p', '-t', target, '#{pane_dead}'])).trim() !== '1',
    kill: async () => {
      await tmux(socket, ['kill-server']).catch(() => undefined)
      // kill-server leaves the socket file behind
      if (socketPath.includes(socket)) await rm(socketPath, { force: true })
    },
  }
  return session
}

export interface TuiOptions {
  version?: ClaudeVersion
  args?: string[]
  cwd?: string
  env?: Record<string, string>
  width?: number
  height?: number
  tmuxEnv?: boolean
}

/** Start the interactive `claude` TUI of a sandbox under a private tmux server. */
export function startClaudeTui(sandbox: ClaudeSandbox, opts: TuiOptions = {}): Promise<TmuxSession> {
  const cmd = claudeCommand(opts.version)
  const env: NodeJS.ProcessEnv = { ...sandbox.env }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === '') delete env[k]
    else env[k] = v
  }
  return startTmux({
    file: cmd.file,
    args: [...cmd.args, ...(opts.args ?? [])],
    cwd: opts.cwd ?? sandbox.cwd,
    env,
    width: opts.width,
    height: opts.height,
    tmuxEnv: opts.tmuxEnv,
  })
}
