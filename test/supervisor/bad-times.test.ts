// Out-of-range times, with the real supervisor: a transcript `quotaLimits.resetsAt` of 1e14, a state
// file whose snapshot holds a `retryAt` that is not a number, journal lines with impossible times.
// Each is refused where it enters; the other sessions, every endpoint and the shutdown are unharmed.
import t from 'tap'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { folderEnv, readState, startSupervisor, waitForState, type SupervisorProcess } from '../helpers/supervisor-process.js'
import { processDir } from '../helpers/process-dir.js'

const [A, B, C] = ['aaaa-transcript-1e14', 'bbbb-bad-snapshot', 'cccc-bad-lines']

function line(sessionId: string, event: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, id: `${event}-${Math.random()}`, ts: new Date().toISOString(), event, sessionId, origin: 'cli', ...extra }) + '\n'
}

function portOf(supervisor: SupervisorProcess): number {
  return Number(/supervisor: ready .* port (\d+)\)/.exec(supervisor.output())![1])
}

t.test('out-of-range times are refused at the boundary; /health answers and SIGTERM ends the supervisor', async t => {
  const dir = processDir(t, { project: {}, claude: { sessions: {} } })
  const home = join(dir, 'home')
  const events = join(home, 'sessions', 'events')
  mkdirSync(events, { recursive: true, mode: 0o700 })
  const env = folderEnv(dir, {
    TZ: 'UTC',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_CLAUDE_INTEGRATION: 'false',
    SESSION_RETRY_STAGGER: '0',
  })
  const resetAt = Date.now() + 3_600_000
  writeFileSync(join(events, `${B}.jsonl`), line(B, 'LimitReported', { resetAt, cwd: join(dir, 'project') }))
  const first = await startSupervisor(env)
  t.teardown(() => first.kill())
  await waitForState(home, B, s => s.state === 'scheduled', 'B scheduled')
  t.equal(await first.stop(), 0)

  // A state file whose snapshot went bad (by hand, a bug, a disk): not a number, and beyond Date.
  const stateFile = join(home, 'sessions', `${B}.json`)
  const state = JSON.parse(readFileSync(stateFile, 'utf8'))
  state.supervisor.snapshot.context.retryAt = 'soon'
  state.supervisor.snapshot.context.lastEventAt = 1e300
  writeFileSync(stateFile, JSON.stringify(state))

  // A transcript row whose stored reset is 1e14 seconds; its banner still says when (in two hours).
  const banner = new Date(Math.floor((Date.now() + 2 * 3_600_000) / 60_000) * 60_000)
  const hours = banner.getUTCHours()
  const printed = `${hours % 12 || 12}:${String(banner.getUTCMinutes()).padStart(2, '0')}${hours < 12 ? 'am' : 'pm'}`
  const transcript = join(dir, 'transcript.jsonl')
  const row = {
    type: 'assistant',
    uuid: 'u1',
    timestamp: new Date().toISOString(),
    isSidechain: false,
    isApiErrorMessage: true,
    error: 'rate_limit',
    quotaLimits: { status: 'rejected', resetsAt: 1e14, rateLimitType: 'five_hour' },
    message: { role: 'assistant', content: [{ type: 'text', text: `You've hit your 5-hour limit · resets ${printed} (UTC)` }] },
  }
  writeFileSync(transcript, JSON.stringify(row) + '\n')
  writeFileSync(join(events, `${A}.jsonl`), line(A, 'StopFailure', { error: 'rate_limit', transcriptPath: transcript, cwd: join(dir, 'project') }))
  // Journal lines with impossible times: a reset of 1e17 ms, an event in the year 2200.
  writeFileSync(
    join(events, `${C}.jsonl`),
    line(C, 'LimitReported', { resetAt: 1e17 }) + line(C, 'SessionStart', { source: 'startup', ts: '2200-01-01T00:00:00.000Z' }) + line(C, 'SessionStart', { source: 'startup' }),
  )

  const second = await startSupervisor(env)
  t.teardown(() => second.kill())
  const port = portOf(second)
  for (const path of ['/health', '/sessions', '/schedules', '/metrics', `/sessions/${A}`, `/sessions/${B}`]) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    t.equal(response.status, 200, `${path} answers`)
  }

  const a = await waitForState(home, A, s => s.state === 'scheduled', 'A scheduled')
  t.equal(a.limit.source, 'banner', 'the implausible stored reset is ignored; the banner gives the time')
  t.equal(a.limit.resetAt, new Date(banner.getTime() + 60_000).toISOString(), 'the end of the printed minute')

  const b = readState(home, B)!
  t.equal(b.state, 'scheduled', 'B rebuilt from its journal')
  t.equal(Date.parse(b.retryAt) - resetAt, 90_000, 'with the reset its journal holds, plus the margin')
  t.ok(readdirSync(join(home, 'sessions', 'quarantine')).some(name => name.startsWith(`${B}.state-`)), 'the bad state file is kept aside')

  const c = await waitForState(home, C, s => s.supervisor.offset > 0, 'C applied')
  t.equal(c.state, 'active', 'the good line applied')
  const bad = readFileSync(join(home, 'sessions', 'quarantine', `${C}.bad-lines.jsonl`), 'utf8').trim().split('\n').map(l => JSON.parse(l).reason)
  t.match(bad, [/resetAt 100000000000000000 is not a time within a year of ts/, /ts "2200-01-01T00:00:00.000Z" is out of range/])

  // The shutdown completes (a deadline in the helper's waitFor would turn a hang into a failure).
  const code = await Promise.race([second.stop(), new Promise(resolve => setTimeout(() => resolve('still running after 20 s'), 20_000).unref())])
  t.equal(code, 0, 'SIGTERM ends it cleanly')
})
