// `npm run demo`: the whole product, offline, in under a minute. The real Claude Code CLI (the
// devDependency) runs against a fake Anthropic API on 127.0.0.1 that answers its first turn with
// a 5-hour limit resetting a few seconds later; the hook journals it, the supervisor schedules it
// from the transcript's exact reset, resumes it with the real `claude --resume`, and
// `session-retry status` shows the session active again. Everything lives in a temp folder.
import { spawn, execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { supervisorCommand } from '../src/hook/autostart-supervisor.js'
import { startFakeApi } from './fake-anthropic-api.js'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(repo, 'dist', 'src', 'cli', 'main.js')
const claude = join(repo, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe')
const RESET_IN_SECONDS = 8

const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s

function say(line: string): void {
  process.stdout.write(`\n${bold(`== ${line}`)}\n`)
}

async function main(): Promise<number> {
  const started = Date.now()
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'session-retry-demo-')))
  const home = join(root, 'home')
  const project = join(root, 'project')
  const retryHome = join(home, '.devflow')
  mkdirSync(join(home, '.claude'), { recursive: true })
  mkdirSync(project, { recursive: true })
  // Onboarding done and the project trusted, so the CLI runs without asking anything.
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, projects: { [project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } } }))
  const api = await startFakeApi()
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    TZ: process.env.TZ ?? 'UTC',
    ANTHROPIC_BASE_URL: api.url,
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-demo',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    SESSION_RETRY_HOME: retryHome,
    SESSION_RETRY_CLAUDE_BIN: claude,
    SESSION_RETRY_CLAUDE_ARGS: JSON.stringify(['--plugin-dir', repo]),
    SESSION_RETRY_RESUME_MARGIN: '2',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_PORT: '0',
  }
  const [node, ...args] = supervisorCommand(process.execPath, cli)
  const supervisor = spawn(node!, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    say(`supervisor started (home ${retryHome})`)
    await new Promise<void>((resolve, reject) => {
      supervisor.stdout!.on('data', d => String(d).includes('ready') && resolve())
      supervisor.on('exit', code => reject(new Error(`supervisor exited with ${code}`)))
    })
    const sessionId = randomUUID()
    api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + RESET_IN_SECONDS })
    say(`claude -p in ${project}; the fake API answers with a limit that resets in ${RESET_IN_SECONDS} s`)
    const run = await runClaude(claude, ['--plugin-dir', repo, '--session-id', sessionId, '-p', 'write the release notes'], project, env)
    process.stdout.write(run)
    say('the journal the hook wrote')
    await waitUntil(() => journal(retryHome, sessionId).some(l => l.includes('StopFailure')), 15_000)
    for (const line of journal(retryHome, sessionId)) process.stdout.write(line + '\n')
    say('session-retry status, while it waits for the reset')
    await waitUntil(() => state(retryHome, sessionId) === 'scheduled', 15_000)
    process.stdout.write(execFileSync(process.execPath, [cli, 'status'], { env }).toString())
    say('waiting for the reset; the supervisor then runs claude --resume ... -p continue')
    await waitUntil(() => state(retryHome, sessionId) === 'active' && journal(retryHome, sessionId).some(l => l.includes('ResumeExited')), 60_000)
    process.stdout.write(execFileSync(process.execPath, [cli, 'status'], { env }).toString())
    say(`the session is active again, in ${((Date.now() - started) / 1000).toFixed(1)} s; state file: ${join(retryHome, 'sessions', sessionId + '.json')}`)
    return 0
  } finally {
    supervisor.kill('SIGTERM')
    await api.close()
    if (!process.env.KEEP_DEMO) rmSync(root, { recursive: true, force: true })
  }
}

function runClaude(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.stderr.on('data', d => (out += d))
    child.on('error', reject)
    child.on('exit', () => resolve(out))
  })
}

function journal(home: string, id: string): string[] {
  try {
    return readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

function state(home: string, id: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'sessions', `${id}.json`), 'utf8')).state
  } catch {
    return undefined
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 200))
  }
}

main().then(
  code => (process.exitCode = code),
  error => {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`)
    process.exitCode = 1
  },
)
