/**
 * Run the real Claude Code CLI (2.1.331 native binary, or 2.1.77 pure JS) in a throw-away HOME
 * against a fake API (see fake-anthropic-api.ts).
 *
 * Session id of a `claude -p` run, cleanest first (verified on 2.1.331 and 2.1.77):
 * 1. choose it: `runClaude(sb, ['--session-id', randomUUID(), '-p', 'say hi'])`; the transcript is
 *    then `transcriptPathFor(sb, id)`. (`--session-id` cannot be combined with `--resume` unless
 *    `--fork-session` is given.)
 * 2. read it: `--output-format json` prints one JSON object with `session_id` (also `result`,
 *    `is_error`, `api_error_status`); see {@link parseJsonResult}.
 * 3. on the wire: every POST /v1/messages carries the header `x-claude-code-session-id`
 *    (2.1.331; and in `metadata.user_id` on both versions).
 *
 * `claude --resume <id> -p "continue"` keeps the same session id and appends to the same
 * transcript on both versions.
 *
 * Exit codes: `claude -p` exits 0 after a normal answer and **1** after a limit (429) on both
 * versions, with the banner on stdout (text mode).
 *
 * Hooks are spawned as `claude -> /bin/sh -c "<command>" -> hook` on both versions, in `-p` and
 * interactive runs (Node's `shell: true`, always /bin/sh, not $SHELL). Here /bin/sh is dash, which
 * forks, so the hook's parent is `sh` and its grandparent the CLI; where /bin/sh is bash a simple
 * command is exec'ed and the parent is the CLI itself. The CLI's `comm` is `claude.exe` (native
 * binary from npm) or `claude` (2.1.77 sets process.title), so walk the ancestors.
 *
 * Cost: a `claude -p` run is about 0.5-0.7 s with 2.1.331 and 1.6-3 s with 2.1.77 (it also runs
 * `npm root -g` once, looking for a sandbox runtime).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Which Claude Code runs: `current` is the pinned `@anthropic-ai/claude-code` (bumping it is the
 * one line in package.json), `newest` the `claude-code-newest` alias (the newest the registry
 * served when it was last bumped), `2.1.77` the last one without StopFailure.
 */
export type ClaudeVersion = 'current' | 'newest' | '2.1.77'
export const CLAUDE_VERSIONS: readonly ClaudeVersion[] = ['current', 'newest', '2.1.77']

/** the repository root (this file is test/helpers/claude-cli.ts) */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** smaller than this, bin/claude.exe is the placeholder left when the postinstall did not run */
const STUB_MAX_BYTES = 4096

const PACKAGE_DIRS: Record<ClaudeVersion, string> = {
  current: 'node_modules/@anthropic-ai/claude-code',
  newest: 'node_modules/claude-code-newest',
  '2.1.77': 'node_modules/claude-code-2177',
}

/**
 * The version tests run when they name none: SESSION_RETRY_TEST_CLAUDE (current | newest), so
 * the whole suite, or one file, can run against another Claude Code unchanged.
 */
export function defaultClaudeVersion(env: NodeJS.ProcessEnv = process.env): ClaudeVersion {
  const raw = env.SESSION_RETRY_TEST_CLAUDE
  if (raw === undefined || raw === '') return 'current'
  if ((CLAUDE_VERSIONS as readonly string[]).includes(raw)) return raw as ClaudeVersion
  throw new Error(`SESSION_RETRY_TEST_CLAUDE=${JSON.stringify(raw)} must be one of ${CLAUDE_VERSIONS.join(', ')}`)
}

/** The installed version of a Claude Code package (its package.json). */
export function claudePackageVersion(version: ClaudeVersion = defaultClaudeVersion()): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, PACKAGE_DIRS[version], 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

export function claudeCommand(version: ClaudeVersion = defaultClaudeVersion()): { file: string; args: string[] } {
  const pkg = join(repoRoot, PACKAGE_DIRS[version])
  if (version === '2.1.77') return { file: process.execPath, args: [join(pkg, 'cli.js')] }
  const exe = join(pkg, 'bin/claude.exe')
  let size = 0
  try { size = statSync(exe).size } catch { /* missing: fall back */ }
  if (size >= STUB_MAX_BYTES) return { file: exe, args: [] }
  return { file: process.execPath, args: [join(pkg, 'cli-wrapper.cjs')] }
}

export interface ClaudeSandbox {
  /** the temp HOME (holds ~/.claude.json and ~/.claude/) */
  home: string
  /** a trusted temp project folder, the default cwd of runClaude */
  cwd: string
  env: NodeJS.ProcessEnv
  cleanup(): Promise<void>
}

export interface SandboxOptions {
  auth?: 'oauth' | 'apikey'
  /** added last; a value of '' removes a default variable */
  env?: Record<string, string>
  /** TZ, default 'UTC' */
  tz?: string
}

/** Variables copied from the parent environment; everything else (CLAUDE*, ANTHROPIC_*,
 *  NODE_OPTIONS, NODE_EXTRA_CA_CERTS, tap's TAP_* and coverage variables...) stays out. */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TERM'] as const

/** CLAUDE_CODE_MAX_RETRIES in a sandbox: 3 requests in about 2 s for a `rateLimit`/`overloaded` reply */
export const DEFAULT_MAX_RETRIES = 2

export const OAUTH_TOKEN = 'sk-ant-oat01-fake-token-for-tests'
export const API_KEY = 'sk-ant-api03-fake-key-for-tests'

export function sandboxEnv(home: string, apiUrl: string, opts: SandboxOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const k of INHERITED) {
    const v = process.env[k]
    if (v !== undefined) env[k] = v
  }
  Object.assign(env, {
    HOME: home,
    TZ: opts.tz ?? 'UTC',
    ANTHROPIC_BASE_URL: apiUrl,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // 429s without unified headers and 529s are retried with exponential backoff, 10 times by
    // default (about 180 s, retry-after ignored with OAuth): keep tests short; '' restores it
    CLAUDE_CODE_MAX_RETRIES: String(DEFAULT_MAX_RETRIES),
    NO_COLOR: '1',
    // Tests start their own supervisor when they want one.
    SESSION_RETRY_AUTOSTART: 'false',
  })
  if ((opts.auth ?? 'oauth') === 'oauth') env.CLAUDE_CODE_OAUTH_TOKEN = OAUTH_TOKEN
  else env.ANTHROPIC_API_KEY = API_KEY
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === '') delete env[k]
    else env[k] = v
  }
  return env
}

async function readClaudeJson(home: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(home, '.claude.json'), 'utf8')) as Record<string, unknown>
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
}

/** Marks `dir` as trusted and onboarded in the sandbox's ~/.claude.json (docs/claude-code.md#driving-the-interactive-cli). */
export async function trustProject(home: string, dir: string): Promise<void> {
  const cfg = await readClaudeJson(home)
  const projects = (cfg.projects ?? {}) as Record<string, Record<string, unknown>>
  projects[dir] = { ...projects[dir], hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true }
  cfg.projects = projects
  await writeFile(join(home, '.claude.json'), JSON.stringify(cfg, null, 2) + '\n')
}

export async function makeSandbox(api: { url: string }, opts: SandboxOptions = {}): Promise<ClaudeSandbox> {
  const root = realpathSync(await mkdtemp(join(tmpdir(), 'ssr-claude-')))
  const home = join(root, 'home')
  const cwd = join(root, 'project')
  await mkdir(join(home, '.claude'), { recursive: true })
  await mkdir(cwd, { recursive: true })
  await writeFile(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    lastOnboardingVersion: claudePackageVersion('current'),
    theme: 'dark',
    autoUpdates: false,
    projects: {},
  }, null, 2) + '\n')
  await trustProject(home, cwd)
  return {
    home,
    cwd,
    env: sandboxEnv(home, api.url, opts),
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  }
}

export interface ClaudeRun {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
  ms: number
  /** pid of the CLI process (the hooks' grandparent: claude -> /bin/sh -c -> hook) */
  pid?: number
}

export interface RunOptions { version?: ClaudeVersion; cwd?: string; env?: Record<string, string>; timeoutMs?: number }

export const DEFAULT_TIMEOUT_MS = 60_000

export function runClaude(sandbox: ClaudeSandbox, args: string[], opts: RunOptions = {}): Promise<ClaudeRun> {
  const cmd = claudeCommand(opts.version)
  const env = { ...sandbox.env }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === '') delete env[k]
    else env[k] = v
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const started = Date.now()
  return new Promise((resolve, reject) => {
    // detached: its own process group, so a timeout also kills hooks it started
    const child = spawn(cmd.file, [...cmd.args, ...args], {
      cwd: opts.cwd ?? sandbox.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch { child.kill('SIGKILL') }
    }, timeoutMs)
    child.on('error', (err) => { clearTimeout(timer); reject(err) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const ms = Date.now() - started
      if (timedOut) {
        reject(new Error(`claude ${args.join(' ')} timed out after ${timeoutMs} ms\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout.slice(-2000)}`))
        return
      }
      resolve({ code, signal, stdout, stderr, ms, pid: child.pid })
    })
  })
}

/** The result object printed by `claude -p --output-format json`. */
export interface JsonResult { session_id: string; result: string; is_error: boolean; api_error_status?: number | null; [k: string]: unknown }

export function parseJsonResult(run: ClaudeRun): JsonResult {
  const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
  if (!line) throw new Error(`no JSON result on stdout (exit ${run.code})\n--- stderr ---\n${run.stderr}\n--- stdout ---\n${run.stdout}`)
  return JSON.parse(line) as JsonResult
}

/** The rule of Claude Code 2.1.x: every character outside [a-zA-Z0-9] becomes '-'. */
export function projectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-')
}

/** Longer names are cut to 200 and get a hash suffix (JS hash on 2.1.77, Bun.hash on the native
 *  binary), which transcriptPathFor resolves by looking at the folder. */
const MAX_DIR_NAME = 200

export function transcriptPathFor(sandbox: ClaudeSandbox, sessionId: string, cwd?: string): string {
  const projects = join(sandbox.home, '.claude', 'projects')
  const name = projectDirName(cwd ?? sandbox.cwd)
  if (name.length <= MAX_DIR_NAME) return join(projects, name, `${sessionId}.jsonl`)
  const prefix = `${name.slice(0, MAX_DIR_NAME)}-`
  let entries: string[] = []
  try { entries = readdirSync(projects) } catch { /* no projects yet */ }
  const found = entries.find((e) => e.startsWith(prefix))
  return join(projects, found ?? `${prefix}unknown`, `${sessionId}.jsonl`)
}

/** Rows of a transcript (JSONL), polling until `until(rows)` holds or the deadline passes
 *  (transcripts are written asynchronously, docs/claude-code.md#transcript-limit-rows). */
export async function readTranscript(
  path: string,
  until: (rows: Record<string, unknown>[]) => boolean = (rows) => rows.length > 0,
  timeoutMs = 5000,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    let rows: Record<string, unknown>[] = []
    try {
      rows = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '')
        .flatMap((l) => { try { return [JSON.parse(l) as Record<string, unknown>] } catch { return [] } })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (until(rows)) return rows
    if (Date.now() > deadline) return rows
    await new Promise((r) => setTimeout(r, 50))
  }
}
