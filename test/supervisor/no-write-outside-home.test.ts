// "Never writes outside home", with the real supervisor process: every file it writes is first
// planted as a symbolic link to a file outside the home (before the start, or while it runs), and
// every target must be byte-identical afterwards. A link is either refused (the error is counted)
// or replaced by a regular file; what it pointed to is never written.
import t from 'tap'
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { folderEnv, readState, startSupervisor, trueBin, waitForState } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'

const [A, B, C, D, E] = ['aaaa-limited-log', 'bbbb-limited-pid', 'cccc-bad-line', 'dddd-state-link', 'eeee-planted-later']

function line(sessionId: string, event: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, id: `${sessionId}-${event}-${Math.random()}`, ts: new Date().toISOString(), event, sessionId, origin: 'cli', ...extra }) + '\n'
}

t.test('planted links for every file the supervisor writes leave their targets byte-identical', async t => {
  const dir = processDir(t, { outside: {}, project: {}, claude: { sessions: {} } })
  const home = join(dir, 'home')
  const outside = join(dir, 'outside')
  for (const sub of ['sessions/events', 'sessions/quarantine', 'logs/resume']) mkdirSync(join(home, sub), { recursive: true, mode: 0o700 })
  const targets = new Map<string, string>()
  const plant = (relative: string) => {
    const target = join(outside, relative.replaceAll('/', '_'))
    const content = `precious: ${relative}\n`
    writeFileSync(target, content)
    symlinkSync(target, join(home, relative))
    targets.set(target, content)
  }
  for (const file of [
    'sessions/current_session.json',
    'sessions/resume_schedule.json',
    // Where version 0.1 wrote them: removed once the new ones are written (the link, not its target).
    'current_session.json',
    'resume_schedule.json',
    'supervisor.pid',
    'logs/session-retry.log',
    `logs/resume/${A}.1.log`,
    `logs/resume/${B}.1.pid`,
    `sessions/quarantine/${C}.bad-lines.jsonl`,
    `sessions/${D}.json`,
  ]) plant(file)

  const events = join(home, 'sessions', 'events')
  const past = Date.now() - 60_000
  const project = join(dir, 'project')
  writeFileSync(join(events, `${A}.jsonl`), line(A, 'LimitReported', { resetAt: past, cwd: project }))
  writeFileSync(join(events, `${B}.jsonl`), line(B, 'LimitReported', { resetAt: past, cwd: project }))
  writeFileSync(join(events, `${C}.jsonl`), 'this is not a journal line\n')
  writeFileSync(join(events, `${D}.jsonl`), line(D, 'SessionStart', { source: 'startup', cwd: project }))

  const env = folderEnv(dir, {
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_RESUME_MARGIN: '0',
    SESSION_RETRY_STAGGER: '0',
    SESSION_RETRY_CLAUDE_BIN: trueBin(),
  })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.kill())

  // Planted while it runs: the state file of a session it has not written yet.
  plant(`sessions/${E}.json`)
  appendFileSync(join(events, `${E}.jsonl`), line(E, 'SessionStart', { source: 'startup', cwd: project }))

  await waitForState(home, B, s => s.supervisor.snapshot.context.lastResume?.exitedAt != null, 'B resumed and exited (its pid file was written)')
  await waitForState(home, A, s => s.history.some((h: any) => h.to === 'resuming'), 'A resumed (its log could not be opened)')
  await waitForState(home, E, s => s.supervisor.offset > 0, 'E persisted after the planted link')
  await waitForState(home, D, s => s.state === 'active', 'D rebuilt from its journal')
  await waitFor(() => {
    try {
      return JSON.parse(readFileSync(join(home, 'sessions', 'resume_schedule.json'), 'utf8')).schedules
    } catch {
      return undefined
    }
  }, { what: 'summary files written' })
  t.equal(await supervisor.stop(), 0, 'a clean stop')

  for (const [target, content] of targets) t.equal(readFileSync(target, "utf8"), content, `${target.slice(outside.length + 1)} is byte-identical`)
  t.same(readdirSync(outside).sort(), [...targets.keys()].map(f => f.slice(outside.length + 1)).sort(), 'nothing new outside the home')
  for (const file of ['sessions/current_session.json', 'sessions/resume_schedule.json', `sessions/${D}.json`, `sessions/${E}.json`]) {
    t.ok(lstatSync(join(home, file)).isFile(), `${file}: the link was replaced by the supervisor's own file`)
  }
  for (const file of ['current_session.json', 'resume_schedule.json']) t.notOk(existsSync(join(home, file)), `${file} of version 0.1: the link is gone`)
  t.equal(readState(home, E)?.sessionId, E)
  t.ok(lstatSync(join(home, `logs/resume/${A}.1.log`)).isSymbolicLink(), 'a resume log that is a link is refused, not followed')
  t.ok(lstatSync(join(home, `sessions/quarantine/${C}.bad-lines.jsonl`)).isSymbolicLink(), 'so is a quarantine file')
})
