// `session-retry supervisor run` as a real process: its start-up with a long replay.
import t from 'tap'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliMain } from '../helpers/supervisor-process.js'
import { processDir } from '../helpers/process-dir.js'
import { freePort } from '../helpers/free-port.js'

const SESSIONS = 3000
const LINES = 25

/** Journals long enough that replaying them takes a while; every tenth session ends on a limit whose transcript is gone. */
function writeJournals(eventsDir: string): void {
  mkdirSync(eventsDir, { recursive: true, mode: 0o700 })
  const base = Date.parse('2026-01-05T08:00:00Z')
  for (let s = 0; s < SESSIONS; s++) {
    const sessionId = randomUUID()
    const lines: string[] = []
    for (let n = 0; n < LINES; n++) {
      const event = n === 0 ? 'SessionStart' : n % 2 ? 'UserPromptSubmit' : n === LINES - 1 && s % 10 === 0 ? 'StopFailure' : 'Stop'
      const extra = event === 'StopFailure' ? { error: 'rate_limit', transcriptPath: `/nonexistent/${sessionId}.jsonl` } : event === 'Stop' ? { lastAssistantMessage: 'Done.' } : {}
      lines.push(JSON.stringify({ v: 1, id: randomUUID(), ts: new Date(base + n * 60_000).toISOString(), event, sessionId, origin: 'hook', cwd: '/work/p', ...extra }))
    }
    writeFileSync(join(eventsDir, `${sessionId}.jsonl`), lines.join('\n') + '\n', { mode: 0o600 })
  }
}

t.test('the HTTP API answers while the journals are replayed: /health says "starting", then "ok"', async t => {
  const home = join(processDir(t), 'home')
  // Registered after processDir: teardowns run last-registered first, so the supervisor stops
  // before its folder is removed.
  let stop = async () => {}
  t.teardown(() => stop())
  writeJournals(join(home, 'sessions', 'events'))
  const port = await freePort()
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: String(port), SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  const child = spawn(process.execPath, [cliMain, 'supervisor', 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise(resolve => child.on('exit', resolve))
  stop = async () => {
    child.kill('SIGTERM')
    await exited
  }
  let output = ''
  child.stdout.on('data', d => (output += d))
  child.stderr.on('data', d => (output += d))
  // Each /health reads every session: ask often until the first answer, then now and then.
  const answers: { status: string; total: number; ready: boolean }[] = []
  const deadline = Date.now() + 150_000
  while (!answers.some(a => a.ready)) {
    if (Date.now() > deadline) throw new Error(`no /health answer after ready within 150 s:\n${output}`)
    const ready = output.includes('supervisor: ready')
    try {
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; sessions: { total: number } }
      answers.push({ status: health.status, total: health.sessions.total, ready })
    } catch {
      // Not listening yet.
    }
    await new Promise(resolve => setTimeout(resolve, answers.length === 0 ? 10 : 250))
  }
  const starting = answers.filter(a => a.status === 'starting')
  t.ok(starting.length > 0, `answered while starting (${answers.length} answers, ${starting.length} "starting")`)
  t.ok(starting.every(a => !a.ready), '"starting" only before ready')
  t.ok(starting.every(a => a.total <= SESSIONS), 'with the sessions restored so far')
  t.match(answers.at(-1), { status: 'ok', total: SESSIONS, ready: true })
})
