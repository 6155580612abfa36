// Runs the real hook (stage 1 shell script, which starts the built stage 2) as Claude Code would:
// JSON on stdin, an environment, and nothing else.
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './claude-cli.js'
import { waitFor } from './wait-for.js'

export { repoRoot }
export const hookScript = join(repoRoot, 'hooks', 'record-event.sh')
export const stage2Bundle = join(repoRoot, 'dist', 'hooks', 'journal-event.cjs')

export interface HookRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export function runHook(input: string | Buffer, env: Record<string, string | undefined>): Promise<HookRun> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [hookScript], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started }))
    child.stdin.on('error', () => {}) // the hook may exit before reading everything (disabled)
    child.stdin.end(input)
  })
}

function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, SESSION_RETRY_AUTOSTART: 'false' }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete base[key]
    else base[key] = value
  }
  return base
}

export function journalLines(home: string, sessionId: string): string[] {
  try {
    return readFileSync(join(home, 'sessions', 'events', `${sessionId}.jsonl`), 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/** Waits until the spool is empty, i.e. stage 2 has promoted or quarantined everything. */
export async function waitForSpoolDrained(home: string, timeoutMs = 10_000): Promise<void> {
  const spool = join(home, 'sessions', 'spool')
  await waitFor(() => readdirSync(spool).length === 0, { timeoutMs, what: `empty spool in ${spool}` })
}

/** Every file below a folder with its size and mtime, to prove nothing outside home changed. */
export function treeSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      const stat = statSync(path)
      if (stat.isDirectory()) walk(path)
      else out[path] = `${stat.size}:${stat.mtimeMs}`
    }
  }
  walk(root)
  return out
}
