// current_session.json and resume_schedule.json: their bodies, their place in sessions/ (where
// DevFlow's readers look), and the move from the home folder, where version 0.1 wrote them.
import t from 'tap'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { currentSessionId } from '../../src/http/limit-report.js'
import { runStatusline } from '../../src/usage/run-statusline.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'
import { currentSessionBody, resumeScheduleBody, writeSummaryFiles } from '../../src/supervisor/summary-files.js'
import { processDir } from '../helpers/process-dir.js'
import { folderEnv, startSupervisor, trueBin } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'

const NOW = Date.parse('2026-11-25T03:01:15Z')
const AT = new Date(NOW).toISOString()

function state(sessionId: string, fields: Partial<SessionStateFile>): SessionStateFile {
  return {
    schema: 1, sessionId, state: 'active', cwd: null, transcriptPath: null, limit: null, retryAt: null, retrySource: null,
    attempts: 0, open: false, lastActivityAt: null, lastEventAt: null, updatedAt: AT, reasons: [], needsUserReason: null,
    permissionMode: null, lastRun: null, history: [], supervisor: { machineVersion: 1, offset: 0, recentIds: [], snapshot: null },
    ...fields,
  }
}

t.test('current_session.json: the session with the latest event, or sessionId null', async t => {
  t.same(currentSessionBody([], NOW), { schema: 1, sessionId: null, updatedAt: AT })
  const body = currentSessionBody([
    state('older', { lastEventAt: '2026-11-25T01:00:00.000Z' }),
    state('newer', { lastEventAt: '2026-11-25T02:00:00.000Z', state: 'scheduled', cwd: '/w', retryAt: AT, attempts: 1 }),
    state('never', {}),
  ], NOW)
  t.same(body, {
    schema: 1, sessionId: 'newer', state: 'scheduled', cwd: '/w', transcriptPath: null, limit: null, retryAt: AT, attempts: 1,
    lastActivityAt: null, lastRun: null, needsUserReason: null, updatedAt: AT,
  })
})

t.test('resume_schedule.json: the pending schedules and the daily cap', async t => {
  const states = [state('s', { state: 'due', retryAt: AT, attempts: 2 }), state('a', {})]
  t.same(resumeScheduleBody(states, NOW), {
    schema: 1, updatedAt: AT,
    schedules: [{ sessionId: 's', state: 'due', retryAt: AT, reason: null, attempt: 3, cwd: null, limitKind: null, resetAt: null }],
  })
  t.same(resumeScheduleBody(states, NOW, { maxResumesPerDay: 2, resumesToday: 2 }).cap, { maxResumesPerDay: 2, resumesToday: 2, reached: true })
  t.same(resumeScheduleBody(states, NOW, { maxResumesPerDay: 3, resumesToday: 2 }).cap, { maxResumesPerDay: 3, resumesToday: 2, reached: false })
})

t.test('written in sessions/, 0600; the files of version 0.1 are removed, a folder of that name is left', async t => {
  const paths = homePaths(join(t.testdir({ home: { 'current_session.json': '{"sessionId":"stale"}', 'resume_schedule.json': { 'not-ours': 'x' } } }), 'home'))
  await writeSummaryFiles(paths, [state('s1', { lastEventAt: AT })], NOW)
  t.equal(paths.currentSession, join(paths.home, 'sessions', 'current_session.json'))
  t.equal(paths.resumeSchedule, join(paths.home, 'sessions', 'resume_schedule.json'))
  t.equal(JSON.parse(readFileSync(paths.currentSession, 'utf8')).sessionId, 's1')
  t.same(JSON.parse(readFileSync(paths.resumeSchedule, 'utf8')).schedules, [])
  for (const file of [paths.currentSession, paths.resumeSchedule]) t.equal(statSync(file).mode & 0o777, 0o600)
  t.notOk(existsSync(paths.legacySummary.currentSession), 'the stale current_session.json is gone')
  t.ok(statSync(paths.legacySummary.resumeSchedule).isDirectory(), 'a folder is not ours to remove')
  t.same(readdirSync(paths.sessionsDir).sort(), ['current_session.json', 'resume_schedule.json'], 'no temp file left')
})

t.test('a real supervisor: the old place is read until it writes the new one, then removed', async t => {
  const dir = processDir(t, { project: {}, claude: {} })
  const home = join(dir, 'home')
  const paths = homePaths(home)
  mkdirSync(paths.eventsDir, { recursive: true, mode: 0o700 })
  // What version 0.1 left behind: both files in the home folder, without a schema field.
  writeFileSync(paths.legacySummary.currentSession, JSON.stringify({ sessionId: 'from-version-01', state: 'scheduled', updatedAt: AT }))
  writeFileSync(paths.legacySummary.resumeSchedule, JSON.stringify({
    updatedAt: AT,
    schedules: [{ sessionId: 'from-version-01', state: 'resuming', retryAt: null, reason: null, attempt: 1, cwd: join(dir, 'project'), limitKind: null, resetAt: null }],
  }))
  const statusLine = () => runStatusline(JSON.stringify({ cwd: join(dir, 'project') }), { env: { SESSION_RETRY_HOME: home }, now: Date.now() }).line
  t.equal(await currentSessionId(paths), 'from-version-01', 'POST /notify-limit reads the old place while there is no new file')
  t.equal(statusLine(), 'resuming now', 'so does the status line')

  const id = 'dddd-layout-1'
  const line = { v: 1, id: 'e1', ts: new Date().toISOString(), event: 'SessionStart', sessionId: id, origin: 'hook', source: 'startup', cwd: join(dir, 'project') }
  writeFileSync(join(paths.eventsDir, `${id}.jsonl`), JSON.stringify(line) + '\n')
  const supervisor = await startSupervisor(folderEnv(dir, { SESSION_RETRY_CLAUDE_BIN: trueBin() }))
  t.teardown(() => supervisor.kill())
  const written = await readOnceWritten(join(home, 'sessions', 'current_session.json'))
  t.match(written, { schema: 1, sessionId: id, state: 'active' }, 'the supervisor writes sessions/current_session.json')
  // The two summaries are written one after the other: the second may land a moment later.
  t.match(await readOnceWritten(join(home, 'sessions', 'resume_schedule.json')), { schema: 1, schedules: [] })
  await waitFor(() => !existsSync(paths.legacySummary.currentSession) && !existsSync(paths.legacySummary.resumeSchedule), { what: 'the files of version 0.1 removed' })
  t.equal(await currentSessionId(paths), id, 'readers now read the new place')
  t.equal(statusLine(), 'session-retry: no usage', 'the old schedule is no longer shown')
  t.equal(await supervisor.stop(), 0)
})

/** The file's JSON once it exists. */
function readOnceWritten(file: string): Promise<Record<string, unknown>> {
  return waitFor(() => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      return undefined
    }
  }, { what: file })
}
